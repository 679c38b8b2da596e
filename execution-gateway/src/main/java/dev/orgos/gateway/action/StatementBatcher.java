package dev.orgos.gateway.action;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Lets concurrent requests share database round trips: what arrives while a batch is running is sent
 * as the next batch, in one round trip and one commit. Alone, a request goes at once and waits for
 * nothing; under load, batches grow by themselves with the load. With fsync on, a commit per
 * submission was what PostgreSQL spent most of its time on.
 *
 * <p>A failed batch (a deadlock with another transaction, say) is retried one statement at a time,
 * so one bad item fails only its own request. That fallback is said in the log (at most once a
 * minute, with how many batches failed) and counted: otherwise a statement that can never run as a
 * batch would show only as slowness, every batch paying a failed round trip and then one per item. Each
 * caller's answer arrives on the caller's own Vert.x context, as if it had run its statement itself.
 */
public final class StatementBatcher<I, O> {

    private record Pending<I, O>(I item, CompletableFuture<O> answer, Context context) {
    }

    private static final Logger LOG = Logger.getLogger(StatementBatcher.class);
    private static final long LOG_EVERY_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

    private final String what;
    private final Function<List<I>, Uni<List<O>>> batch;
    private final Function<I, Uni<O>> single;
    private final int maxBatch;
    private final int maxInFlight;
    private final java.time.Duration roundTripLimit;
    private final ArrayDeque<Pending<I, O>> waiting = new ArrayDeque<>();
    private int inFlight;
    /** Guarded by this, as are how many had failed when the log last said so, and when that was. */
    private long failedBatches;
    private long failedWhenSaid;
    private long saidAt = System.nanoTime() - LOG_EVERY_NANOS;

    /**
     * @param what        what the items are, for the log ("claims")
     * @param batch       runs many items in one round trip; answers in the items' order
     * @param single      runs one item, when its batch failed
     * @param maxBatch    most items in one round trip
     * @param maxInFlight most round trips at once: more means smaller batches and less waiting
     * @param roundTripLimit    how long a round trip may take before its items fail: the database client
     *                          waits for an answer without a limit, and with one round trip at a time, one
     *                          that never came back would hold every later request for ever
     */
    StatementBatcher(String what, Function<List<I>, Uni<List<O>>> batch, Function<I, Uni<O>> single, int maxBatch, int maxInFlight,
                     java.time.Duration roundTripLimit) {
        this.what = what;
        this.batch = batch;
        this.single = single;
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.roundTripLimit = roundTripLimit;
    }

    /** A round trip that took longer than its limit: its items failed, whatever became of it. */
    static final class RoundTripTimeout extends java.util.concurrent.TimeoutException {
        RoundTripTimeout(String what, java.time.Duration limit) {
            super("the database did not answer within " + limit.toMillis() + " ms (" + what + ")");
        }
    }

    private <T> Uni<T> bounded(Uni<T> roundTrip) {
        return bounded(roundTrip, what, roundTripLimit);
    }

    /** A round trip that fails with {@link RoundTripTimeout} once it has taken longer than {@code limit}. */
    public static <T> Uni<T> bounded(Uni<T> roundTrip, String what, java.time.Duration limit) {
        return roundTrip.ifNoItem().after(limit).failWith(() -> new RoundTripTimeout(what, limit));
    }

    Uni<O> submit(I item) {
        return Uni.createFrom().completionStage(() -> enqueue(item));
    }

    /** As {@link #submit}, for callers on plain futures: answered on the caller's Vert.x context. */
    CompletableFuture<O> enqueue(I item) {
        CompletableFuture<O> answer = new CompletableFuture<>();
        synchronized (this) {
            waiting.add(new Pending<>(item, answer, Vertx.currentContext()));
        }
        next();
        return answer;
    }

    private void next() {
        List<Pending<I, O>> taken;
        synchronized (this) {
            if (inFlight >= maxInFlight || waiting.isEmpty()) {
                return;
            }
            inFlight++;
            taken = new ArrayList<>(Math.min(waiting.size(), maxBatch));
            while (!waiting.isEmpty() && taken.size() < maxBatch) {
                taken.add(waiting.poll());
            }
        }
        Uni<List<O>> run;
        try {
            run = bounded(batch.apply(taken.stream().map(Pending::item).toList()));
        } catch (RuntimeException e) {
            run = Uni.createFrom().failure(e);
        }
        run.subscribe().with(results -> {
            for (int i = 0; i < taken.size(); i++) {
                answer(taken.get(i), results.get(i), null);
            }
            done();
        }, failure -> {
            if (taken.size() == 1 || failure instanceof RoundTripTimeout) {
                // one at a time would only wait as long again, for each
                taken.forEach(p -> answer(p, null, failure));
            } else {
                batchFailed(taken.size(), failure);
                taken.forEach(p -> bounded(single.apply(p.item())).subscribe().with(o -> answer(p, o, null), e -> answer(p, null, e)));
            }
            done();
        });
    }

    /** Batches of more than one item that failed and were run one item at a time, since the start. */
    synchronized long failedBatches() {
        return failedBatches;
    }

    private void batchFailed(int items, Throwable failure) {
        long count;
        synchronized (this) {
            failedBatches++;
            long now = System.nanoTime();
            if (now - saidAt < LOG_EVERY_NANOS) {
                return;
            }
            saidAt = now;
            count = failedBatches - failedWhenSaid;
            failedWhenSaid = failedBatches;
        }
        LOG.warnf("A batch of %d %s failed (%s); each is being run on its own instead. %d batch(es) of %s failed since this "
                + "was last said", items, what, failure.getMessage(), count, what);
    }

    private void done() {
        synchronized (this) {
            inFlight--;
        }
        next();
    }

    private static <I, O> void answer(Pending<I, O> p, O result, Throwable failure) {
        Runnable deliver = failure == null ? () -> p.answer().complete(result) : () -> p.answer().completeExceptionally(failure);
        if (p.context() == null || p.context() == Vertx.currentContext()) {
            deliver.run();
        } else {
            p.context().runOnContext(v -> deliver.run());
        }
    }
}
