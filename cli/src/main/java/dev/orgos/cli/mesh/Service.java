package dev.orgos.cli.mesh;

/** The four services and the console, where their packaged applications live, and the database each one owns. */
public enum Service {
    EXECUTION_GATEWAY("execution-gateway", 8080, "orgos_gateway"),
    COORDINATION_ROUTER("coordination-router", 8082, null),
    ESCALATION_SERVICE("escalation-service", 8083, "orgos_escalation"),
    ACCOUNTABILITY_LEDGER("accountability-ledger", 8084, "orgos_ledger"),
    /** Holds nothing and talks to no broker: it calls the escalation and ledger services as the signed-in person. */
    CONSOLE("console", 8085, null);

    public final String module;
    public final int defaultPort;
    public final String database;

    Service(String module, int defaultPort, String database) {
        this.module = module;
        this.defaultPort = defaultPort;
        this.database = database;
    }
}
