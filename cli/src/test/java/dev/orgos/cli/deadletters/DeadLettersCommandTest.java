package dev.orgos.cli.deadletters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgos.schema.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLettersCommandTest {

    @Test
    void aLetterIsTwoLinesAndWhatItsWriterChoseCannotSteerTheTerminal() {
        DeadLetter letter = DeadLetter.newBuilder().setEventId("e").setOccurredAt(Instant.parse("2026-11-28T12:00:00.123456Z"))
                .setSource("coordination-router").setSourceTopic("orgos.actions").setPartition(3).setOffset(42)
                .setKey("bot\u001b[2J").setReason("the record could not be read\rOK").setPayload(ByteBuffer.wrap(new byte[13])).build();
        assertEquals("2026-11-28T12:00:00.123Z  coordination-router  orgos.actions-3@42  key bot\\u001b[2J  (13 bytes of the record kept)"
                + System.lineSeparator() + "    the record could not be read\\u000dOK", DeadLettersCommand.line(letter));
    }

    @Test
    void aLetterWithoutKeyOrPayloadSaysSo() {
        DeadLetter letter = DeadLetter.newBuilder().setEventId("e").setOccurredAt(Instant.parse("2026-11-28T12:00:00Z"))
                .setSource("escalation-service").setSourceTopic("orgos.escalation-requests").setPartition(0).setOffset(7)
                .setReason("the escalation database refused the request: ERROR: value too long").build();
        assertEquals("2026-11-28T12:00:00Z  escalation-service  orgos.escalation-requests-0@7" + System.lineSeparator()
                + "    the escalation database refused the request: ERROR: value too long", DeadLettersCommand.line(letter));
    }
}
