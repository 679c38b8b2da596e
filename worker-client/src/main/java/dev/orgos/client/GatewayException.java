package dev.orgos.client;

/** The gateway refused a request; {@link #problem()} is its RFC 9457 problem detail. */
public class GatewayException extends RuntimeException {
    private final int status;
    private final String problem;

    public GatewayException(int status, String problem) {
        super("the gateway answered " + status + ": " + problem);
        this.status = status;
        this.problem = problem;
    }

    public int status() {
        return status;
    }

    public String problem() {
        return problem;
    }
}
