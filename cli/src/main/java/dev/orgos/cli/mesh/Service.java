package dev.orgos.cli.mesh;

/** The four services and the console, where their packaged applications live, and the database each one owns. */
public enum Service {
    /**
     * The gateway and the router are on every action's path. Every request in flight when a young
     * collection starts waits for it, and a pause lasts as long whatever the young generation's size
     * (it copies what survives): twice the young generation, half the pauses. GatewayLoad at 1,000/s
     * measured POST p99 30-47 ms with the default (128 MB of 384 MB) and 22-36 ms with 256 MB of 512 MB,
     * and the verdict in the POST's answer p99 41-153 ms before, 38-71 ms after (docs/benchmarks.md).
     */
    EXECUTION_GATEWAY("execution-gateway", 8080, "orgos_gateway", java.util.List.of("-Xmx512m", "-Xmn256m")),
    COORDINATION_ROUTER("coordination-router", 8082, null, java.util.List.of("-Xmx512m", "-Xmn256m")),
    ESCALATION_SERVICE("escalation-service", 8083, "orgos_escalation", java.util.List.of("-Xmx384m")),
    ACCOUNTABILITY_LEDGER("accountability-ledger", 8084, "orgos_ledger", java.util.List.of("-Xmx384m")),
    /** Holds nothing and talks to no broker: it calls the escalation and ledger services as the signed-in person. */
    CONSOLE("console", 8085, null, java.util.List.of("-Xmx384m"));

    public final String module;
    public final int defaultPort;
    public final String database;
    /** The JVM's heap settings when the mesh launches it. */
    public final java.util.List<String> heap;

    Service(String module, int defaultPort, String database, java.util.List<String> heap) {
        this.module = module;
        this.defaultPort = defaultPort;
        this.database = database;
        this.heap = heap;
    }
}
