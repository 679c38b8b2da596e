package dev.orgos.gateway.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * An outcome's records carry a trace: the reporting request's, else (the sweep) the action's own.
 * Topic names as strings: the schemas module is kept off the unit tests' class path.
 */
class OutcomeTracesTest {
    private static final String ACTION_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String EVENT_ID = "5f0c2a4e-1d2b-3c4d-8e9f-0a1b2c3d4e5f";

    private static String traceparent(ProducerRecord<String, SpecificRecord> r) {
        Header h = r.headers().lastHeader("traceparent");
        return h == null ? null : new String(h.value(), StandardCharsets.US_ASCII);
    }

    @Test
    void theSweepHasNoRequestSoItsRecordsGoOnInTheActionsTrace() {
        var r = OutcomeReports.traced("orgos.facts", "act-1", null, ACTION_TRACE, EVENT_ID);
        assertEquals("00-" + ACTION_TRACE + "-8e9f0a1b2c3d4e5f-01", traceparent(r));
        assertNull(traceparent(OutcomeReports.traced("orgos.facts", "act-1", null, null, EVENT_ID)), "an action without a trace");
        assertNull(traceparent(OutcomeReports.traced("orgos.facts", "act-1", null, "not-a-trace", EVENT_ID)));
    }

    @Test
    void aWorkersReportGoesOnInTheTraceOfItsRequest() {
        SpanContext request = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", TraceFlags.getSampled(),
                TraceState.getDefault());
        try (Scope ignored = Context.root().with(Span.wrap(request)).makeCurrent()) {
            var r = OutcomeReports.traced("orgos.outcomes", "act-1", null, ACTION_TRACE, EVENT_ID);
            assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", traceparent(r));
        }
    }
}
