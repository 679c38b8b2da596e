package dev.orgos.gateway.action;

import java.time.Duration;

/**
 * Whether accepted actions reach the broker, as the latest sends tell. Not ready while the latest
 * send failed, for a while: then ready again, so that a load balancer sends work here once more
 * and the next send says whether the broker is back (a check that stayed down until a send
 * succeeded would never see one).
 */
final class SendHealth {
    /** How long a failed send keeps the gateway out of the balancer's rotation. */
    static final Duration FAILURE_HOLDS = Duration.ofSeconds(30);

    private long lastSuccessNanos;
    private long lastFailureNanos;
    private String lastFailure;

    synchronized void succeeded(long nowNanos) {
        lastSuccessNanos = nowNanos;
        lastFailure = null;
    }

    synchronized void failed(long nowNanos, String reason) {
        lastFailureNanos = nowNanos;
        lastFailure = reason;
    }

    /** Null when ready; otherwise why not. */
    synchronized String problem(long nowNanos) {
        if (lastFailure == null || nowNanos - lastFailureNanos >= FAILURE_HOLDS.toNanos()) {
            return null;
        }
        return "the latest send of an accepted action failed " + Duration.ofNanos(nowNanos - lastFailureNanos).toSeconds()
                + " s ago: " + lastFailure;
    }
}
