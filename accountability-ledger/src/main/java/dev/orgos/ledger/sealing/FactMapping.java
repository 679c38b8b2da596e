package dev.orgos.ledger.sealing;

import dev.orgos.governance.ledger.CanonicalJson;
import dev.orgos.governance.ledger.LedgerChain;
import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.LedgerEntry;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * Why a fact may not be sealed: it names no accountable human anchor (the invariant), has no event id, or
     * has a field the database's copy cannot hold. Null when it may be sealed.
     */
    static String refusal(AccountabilityFact f) {
        if (f.getAnchor() == null || f.getAnchor().getRole() == null || f.getAnchor().getRole().isBlank()) {
            return "the fact names no accountable human anchor; the ledger seals no fact without one";
        }
        if (f.getEventId() == null || f.getEventId().isBlank()) {
            return "field 'eventId' is required";
        }
        // The database's copy holds these fields in columns of these widths, and PostgreSQL's text holds no
        // NUL character. A fact they do not fit would be sealed and then refused by the copy at every try,
        // and the copy would stop there for good: refused here instead, before the chain takes it.
        for (Column c : List.of(new Column("eventId", f.getEventId(), 64), new Column("actionId", f.getActionId(), 128),
                new Column("agentId", f.getAgentId(), 128), new Column("anchor.role", f.getAnchor().getRole(), 128),
                new Column("anchor.person", f.getAnchor().getPerson(), 128), new Column("pathwayId", f.getPathwayId(), 128),
                new Column("charterDigest", f.getCharterDigest(), 80), new Column("traceId", f.getTraceId(), 32))) {
            String refusal = c.refusal();
            if (refusal != null) {
                return refusal;
            }
        }
        return null;
    }

    /**
     * The most bytes of canonical fact an entry may carry: half of the 1 MiB that Kafka takes in a record by
     * default, so that the entry (the fact, its copied fields and two hashes) fits with room to spare. A
     * larger one would be refused by the broker at every try and sealing would stop behind it. Our own
     * services cap what they write at a few kilobytes.
     */
    static final int LARGEST_FACT = 512 * 1024;

    /** A field of the fact as the database's copy holds it: in a column at most {@code longest} characters wide. */
    private record Column(String field, String value, int longest) {
        String refusal() {
            if (value == null) {
                return null;
            }
            if (value.length() > longest) {
                return "field '" + field + "' is " + value.length() + " characters long; the ledger takes at most " + longest;
            }
            return value.indexOf('\0') >= 0 ? "field '" + field + "' contains a NUL character, which the ledger's database cannot hold" : null;
        }
    }
}
