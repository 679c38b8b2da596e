package dev.orgos.ledger.sealing;

import dev.orgos.governance.ledger.CanonicalJson;
import dev.orgos.governance.ledger.LedgerChain;
import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.LedgerEntry;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** From a fact to its canonical bytes and its sealed entry: the edge between wire and core. */
final class FactMapping {
    private FactMapping() {
    }

    /** Every field of the fact, named as in the schema; what the entry hash covers. */
    static byte[] canonical(AccountabilityFact f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eventId", f.getEventId());
        m.put("actionId", f.getActionId());
        m.put("agentId", f.getAgentId());
        m.put("occurredAt", f.getOccurredAt().toEpochMilli());
        m.put("factType", f.getFactType().name());
        m.put("source", f.getSource());
        Map<String, Object> anchor = new LinkedHashMap<>();
        anchor.put("role", f.getAnchor().getRole());
        anchor.put("person", f.getAnchor().getPerson());
        m.put("anchor", anchor);
        m.put("pathwayId", f.getPathwayId());
        m.put("charterVersion", f.getCharterVersion());
        m.put("charterDigest", f.getCharterDigest());
        m.put("traceId", f.getTraceId());
        m.put("summary", f.getSummary());
        m.put("details", new TreeMap<>(f.getDetails()));
        return CanonicalJson.bytes(m);
    }

    static LedgerEntry entry(AccountabilityFact f, byte[] fact, LedgerChain.Sealed s) {
        return LedgerEntry.newBuilder()
                .setSequence(s.sequence())
                .setSealedAt(Instant.ofEpochMilli(s.sealedAtMillis()))
                .setFactEventId(f.getEventId())
                .setFactType(f.getFactType())
                .setActionId(f.getActionId())
                .setAgentId(f.getAgentId())
                .setAnchor(f.getAnchor())
                .setPathwayId(f.getPathwayId())
                .setCharterVersion(f.getCharterVersion())
                .setCharterDigest(f.getCharterDigest())
                .setTraceId(f.getTraceId())
                .setFact(ByteBuffer.wrap(fact))
                .setPreviousHash(ByteBuffer.wrap(s.previousHash()))
                .setEntryHash(ByteBuffer.wrap(s.entryHash()))
                .build();
    }

    /** The invariant: no entry without an accountable human anchor. Null when the fact may be sealed. */
    static String refusal(AccountabilityFact f) {
        if (f.getAnchor() == null || f.getAnchor().getRole() == null || f.getAnchor().getRole().isBlank()) {
            return "the fact names no accountable human anchor; the ledger seals no fact without one";
        }
        if (f.getEventId() == null || f.getEventId().isBlank()) {
            return "field 'eventId' is required";
        }
        return null;
    }
}
