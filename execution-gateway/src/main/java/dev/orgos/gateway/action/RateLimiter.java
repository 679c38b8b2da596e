package dev.orgos.gateway.action;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A token bucket per agent: {@code orgos.gateway.rate-limit.per-second} sustained, twice that
 * in a burst. Per gateway instance: with N replicas behind a balancer an agent gets up to N
 * times the rate, which the limit's purpose (keeping one runaway agent from flooding the mesh)
 * tolerates.
 */
@Singleton
public class RateLimiter {
    private final double perSecond;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long lastNanos;

        Bucket(double tokens, long lastNanos) {
            this.tokens = tokens;
            this.lastNanos = lastNanos;
        }
    }

    public RateLimiter(@ConfigProperty(name = "orgos.gateway.rate-limit.per-second", defaultValue = "200") double perSecond) {
        this.perSecond = perSecond;
        this.burst = perSecond * 2;
    }

    /** 0 when the request may pass; otherwise the seconds to wait (for Retry-After). */
    public long acquire(String agentId) {
        long now = System.nanoTime();
        Bucket b = buckets.computeIfAbsent(agentId, k -> new Bucket(burst, now));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.lastNanos) / 1e9 * perSecond);
            b.lastNanos = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - b.tokens) / perSecond));
        }
    }
}
