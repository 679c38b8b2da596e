package dev.orgos.cli.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Asks again until the answer is there or the time is up; the mesh is asynchronous by design. */
final class Poll {
    private Poll() {
    }

    static <T> T until(String what, Duration timeout, Supplier<T> attempt) {
        Instant deadline = Instant.now().plus(timeout);
        RuntimeException last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                T value = attempt.get();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("gave up waiting for " + what + " after " + timeout.toSeconds() + " s"
                + (last == null ? "" : ": " + last.getMessage()), last);
    }
}
