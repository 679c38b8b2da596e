package dev.orgos.cli.deadletters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.cli.deadletters.ResendCommand.Position;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class ResendCommandTest {

    @Test
    void aPositionIsReadAsTheListShowsIt() {
        assertEquals(new Position("orgos.escalation-requests", 3, 1234), Position.parse("orgos.escalation-requests-3@1234"));
        assertEquals("orgos.verdicts-0@7", Position.parse(" orgos.verdicts-0@7 ").toString());
        for (String wrong : List.of("orgos.verdicts@7", "orgos.verdicts-x@7", "orgos.verdicts-1@", "orgos.verdicts-1@99999999999999999999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Position.parse(wrong));
            assertTrue(e.getMessage().startsWith("--at " + wrong), e.getMessage());
        }
    }

    @Test
    void aCopyIsTheRecordAsItWasToItsPartitionAndSaysWhereItCameFromOnce() {
        ConsumerRecord<byte[], byte[]> original = new ConsumerRecord<>("orgos.verdicts", 4, 99, "act-1".getBytes(StandardCharsets.UTF_8),
                new byte[] {0, 0, 0, 0, 1, 2});
        original.headers().add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.US_ASCII));
        original.headers().add(ResendCommand.RESENT_FROM, "orgos.verdicts-4@12".getBytes(StandardCharsets.UTF_8)); // a copy of 4@12
        ProducerRecord<byte[], byte[]> copy = ResendCommand.copyOf(original, new Position("orgos.verdicts", 4, 99));
        assertEquals("orgos.verdicts", copy.topic());
        assertEquals(4, copy.partition());
        assertArrayEquals(original.key(), copy.key());
        assertArrayEquals(original.value(), copy.value());
        assertEquals(List.of("traceparent", ResendCommand.RESENT_FROM),
                StreamSupport.stream(copy.headers().spliterator(), false).map(Header::key).toList());
        // the first record, not the copy it was made from: a copy refused again and sent again still names the first
        assertEquals("orgos.verdicts-4@12", new String(copy.headers().lastHeader(ResendCommand.RESENT_FROM).value(), StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> first = new ConsumerRecord<>("orgos.verdicts", 4, 12, null, new byte[] {1});
        assertEquals("orgos.verdicts-4@12", new String(ResendCommand.copyOf(first, new Position("orgos.verdicts", 4, 12)).headers()
                .lastHeader(ResendCommand.RESENT_FROM).value(), StandardCharsets.UTF_8));
    }

    @Test
    void optionsGivenBeforeResendAreAUsageErrorNotIgnored() {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = dev.orgos.cli.Orgos.commandLine();
        cli.setErr(new java.io.PrintWriter(err));
        int exit = cli.execute("dead-letters", "--source", "coordination-router", "resend", "--at", "orgos.actions-0@1",
                "--bootstrap", "127.0.0.1:1", "--registry", "http://127.0.0.1:1");
        assertEquals(2, exit, err.toString());
        assertTrue(err.toString().contains("orgos dead-letters resend: options given before `resend` (--source) belong to the listing"),
                err.toString());
    }
}
