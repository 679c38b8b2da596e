package dev.orgos.schema;

import java.util.List;
import org.apache.avro.Schema;

/**
 * Every topic on the mesh, with its key and value contract. Services, tests, the launcher and
 * the schema registrar all read topic names from here, so a name exists exactly once.
 *
 * <p>Why each key: see schemas/README.md. In short, everything about one action is keyed by
 * actionId so that its events stay in order within one partition, except the actions topic,
 * which is keyed by agentId so that one agent's actions are decided in submission order and
 * per-agent budgets live in one partition.
 */
public enum Topics {
    ACTIONS("orgos.actions", "agentId", 6, ActionProposed.getClassSchema()),
    DECISIONS("orgos.decisions", "actionId", 6, RoutingDecision.getClassSchema()),
    ESCALATION_REQUESTS("orgos.escalation-requests", "actionId", 6, EscalationRaised.getClassSchema()),
    ESCALATION_EVENTS("orgos.escalation-events", "actionId", 6, EscalationEvent.getClassSchema()),
    VERDICTS("orgos.verdicts", "actionId", 6, Verdict.getClassSchema()),
    OUTCOMES("orgos.outcomes", "actionId", 6, ActionOutcome.getClassSchema()),
    /** Compacted, keyed by charterId:version, so every version ever put in force stays readable. */
    CHARTERS("orgos.charters", "charterId:version", 1, CharterPublished.getClassSchema()),
    /** One partition: the single ledger writer reads facts in one total order. */
    FACTS("orgos.facts", "actionId", 1, AccountabilityFact.getClassSchema()),
    /** One partition: a hash chain is a total order. */
    LEDGER("orgos.ledger", "sequence", 1, LedgerEntry.getClassSchema()),
    /** Signed checkpoints of the ledger: tree size, Merkle root, time. */
    CHECKPOINTS("orgos.checkpoints", "tree size", 1, LedgerCheckpoint.getClassSchema()),
    /**
     * The router's per-partition state (decided action ids, budget usage, charter in force), as
     * deltas written in the routing transaction. Same partitions as the actions topic; retention
     * bounds the router's de-duplication window (orgos.router.dedup-window).
     */
    ROUTER_STATE("orgos.router-state", "actions partition", 6, RouterStateDelta.getClassSchema()),
    /** Records a service could not process, with the reason. */
    DEAD_LETTERS("orgos.dead-letters", "original key", 1, DeadLetter.getClassSchema());

    private final String topic;
    private final String key;
    private final int defaultPartitions;
    private final Schema valueSchema;

    Topics(String topic, String key, int defaultPartitions, Schema valueSchema) {
        this.topic = topic;
        this.key = key;
        this.defaultPartitions = defaultPartitions;
        this.valueSchema = valueSchema;
    }

    public String topic() {
        return topic;
    }

    public String key() {
        return key;
    }

    public int defaultPartitions() {
        return defaultPartitions;
    }

    /** The Avro value schema, or null for raw topics. */
    public Schema valueSchema() {
        return valueSchema;
    }

    /**
     * The registry artifact id the Apicurio serde looks up for this topic's values (its default
     * TopicIdStrategy: {@code <topic>-value} in the default group).
     */
    public String valueArtifactId() {
        return topic + "-value";
    }

    /** Header of the marker a charter publication writes into every actions partition. */
    public static final String CHARTER_ACTIVATION_HEADER = "orgos-charter-activation";

    public static List<Topics> withSchemas() {
        return java.util.Arrays.stream(values()).filter(t -> t.valueSchema != null).toList();
    }
}
