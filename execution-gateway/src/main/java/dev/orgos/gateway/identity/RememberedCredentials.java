package dev.orgos.gateway.identity;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * What a replica remembers of the credentials it has checked (verified JWTs, API keys), so that an
 * agent, which sends the same credential with every request, pays for the check once. Bounded: once
 * {@code capacity} are remembered, all are forgotten and each is checked afresh on its next use.
 * Forgetting costs one check per agent, never a wrong answer, and no order needs keeping on the
 * request path; a fleet larger than the capacity on one replica would churn, so it is configurable
 * ({@code orgos.gateway.remembered-credentials}).
 */
final class RememberedCredentials<V> {
    private final int capacity;
    private final Map<String, V> entries = new ConcurrentHashMap<>();

    RememberedCredentials(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("orgos.gateway.remembered-credentials must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
    }

    V get(String key) {
        return entries.get(key);
    }

    void remember(String key, V value) {
        if (entries.size() >= capacity) {
            entries.clear();
        }
        entries.put(key, value);
    }

    /** Forgets {@code key} if it is still remembered as {@code value}. */
    void forget(String key, V value) {
        entries.remove(key, value);
    }

    void forgetIf(Predicate<V> which) {
        entries.values().removeIf(which);
    }

    void forgetAll() {
        entries.clear();
    }

    int size() {
        return entries.size();
    }
}
