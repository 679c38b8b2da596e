package dev.orgos.gateway.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class StatementBatcherTest {

    /** A stand-in round trip that the test finishes by hand: which items went together, and when. */
    private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> roundTrips = new CopyOnWriteArrayList<>();
    private final List<Integer> singles = new CopyOnWriteArrayList<>();

    private StatementBatcher<Integer, String> batcher(int maxBatch, int maxInFlight) {
        return new StatementBatcher<>("items", items -> {
            batches.add(items);
            CompletableFuture<Void> roundTrip = new CompletableFuture<>();
            roundTrips.add(roundTrip);
            return Uni.createFrom().completionStage(roundTrip).map(v -> items.stream().map(i -> "row " + i).toList());
        }, item -> {
            singles.add(item);
            return item == 13 ? Uni.createFrom().failure(new IllegalStateException("13 is refused"))
                    : Uni.createFrom().item("single " + item);
        }, maxBatch, maxInFlight, java.time.Duration.ofSeconds(10));
    }

    private static List<CompletableFuture<String>> submit(StatementBatcher<Integer, String> b, int from, int to) {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            answers.add(b.submit(i).subscribeAsCompletionStage());
        }
        return answers;
    }

    @Test
    void aLoneRequestGoesAtOnce() {
        var answers = submit(batcher(256, 1), 1, 1);
        assertEquals(List.of(List.of(1)), batches);
        roundTrips.get(0).complete(null);
        assertEquals("row 1", answers.get(0).join());
    }

    @Test
    void whatArrivesDuringARoundTripGoesTogetherInTheNextAndEachGetsItsOwnAnswer() {
        var b = batcher(256, 1);
        var first = submit(b, 1, 1);
        var next = submit(b, 2, 5);
        assertEquals(List.of(List.of(1)), batches, "one round trip at a time: the others wait");
        roundTrips.get(0).complete(null);
        assertEquals("row 1", first.get(0).join());
        assertEquals(List.of(List.of(1), List.of(2, 3, 4, 5)), batches);
        roundTrips.get(1).complete(null);
        assertEquals(List.of("row 2", "row 3", "row 4", "row 5"), next.stream().map(CompletableFuture::join).toList());
    }

    @Test
    void batchesNeverExceedTheirSizeAndRoundTripsTheirNumber() {
        var b = batcher(3, 2);
        var answers = submit(b, 1, 8);
        assertEquals(List.of(List.of(1), List.of(2)), batches, "two round trips at once, each taken as it became free");
        roundTrips.get(0).complete(null);
        assertEquals(List.of(3, 4, 5), batches.get(2));
        roundTrips.get(1).complete(null);
        roundTrips.get(2).complete(null);
        assertEquals(List.of(6, 7, 8), batches.get(3));
        roundTrips.get(3).complete(null);
        assertEquals(List.of("row 1", "row 2", "row 3", "row 4", "row 5", "row 6", "row 7", "row 8"),
                answers.stream().map(CompletableFuture::join).toList());
    }

    @Test
    void aFailedBatchIsRetriedOneByOneSoThatOneBadItemFailsOnlyItsOwnRequest() {
        var b = batcher(256, 1);
        var first = submit(b, 1, 1);
        var next = submit(b, 12, 14);
        roundTrips.get(0).complete(null);
        first.get(0).join();
        roundTrips.get(1).completeExceptionally(new IllegalStateException("deadlock detected"));
        assertEquals(List.of(12, 13, 14), singles);
        assertEquals("single 12", next.get(0).join());
        assertTrue(next.get(1).isCompletedExceptionally());
        assertInstanceOf(IllegalStateException.class, next.get(1).exceptionNow());
        assertEquals("single 14", next.get(2).join());
        assertEquals(1, b.failedBatches(), "the fallback is counted, so that a batch that always fails shows");

        var after = submit(b, 20, 20);
        assertEquals(List.of(20), batches.get(2), "the failure gave its round trip back");
        roundTrips.get(2).complete(null);
        assertEquals("row 20", after.get(0).join());
    }

    @Test
    void aLoneRequestWhoseRoundTripFailsGetsThatFailure() {
        var answers = submit(batcher(256, 1), 1, 1);
        roundTrips.get(0).completeExceptionally(new IllegalStateException("connection reset"));
        assertTrue(answers.get(0).isCompletedExceptionally());
        assertEquals(List.of(), singles, "not run a second time");
    }
    /**
     * A round trip that never comes back (the database client waits without a limit) fails its own
     * requests after the limit, with no retry one by one, and the next round trip goes.
     */
    @Test
    void aRoundTripThatNeverAnswersFailsItsRequestsAfterTheLimitAndTheNextGoes() {
        List<List<Integer>> sent = new CopyOnWriteArrayList<>();
        var b = new StatementBatcher<Integer, String>("items", items -> {
            sent.add(items);
            return items.contains(1) ? Uni.createFrom().nothing() : Uni.createFrom().item(items.stream().map(i -> "row " + i).toList());
        }, item -> {
            singles.add(item);
            return Uni.createFrom().item("single " + item);
        }, 256, 1, java.time.Duration.ofMillis(200));
        var hung = submit(b, 1, 1);
        var waiting = submit(b, 2, 3);
        var failure = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class,
                () -> hung.get(0).orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join());
        assertInstanceOf(StatementBatcher.RoundTripTimeout.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().contains("within 200 ms"), failure.getCause().getMessage());
        assertEquals(List.of("row 2", "row 3"),
                waiting.stream().map(f -> f.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join()).toList());
        assertEquals(List.of(List.of(1), List.of(2, 3)), sent);
        assertEquals(List.of(), singles, "a timed-out round trip is not tried again one by one");
    }
}
