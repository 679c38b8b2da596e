package dev.orgos.router.state;

import dev.orgos.schema.RouterStateDelta;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Rebuilds partitions' state from their deltas on the state topic, from a point in time on rather
 * than from the topic's beginning: its retention (7 days) is longer than what the state remembers
 * (24 hours by default), and at 1,000 actions/s each day of it holds ~86 million action ids, all
 * read only to be dropped again. Every delta names the charter in force after it, so the newest
 * delta read tells the charter; a partition with no delta since that point takes it from its last
 * delta before.
 */
final class StateRestore {
    private StateRestore() {
    }

    /** The states rebuilt, and how many deltas each replayed. */
    record Restored(Map<Integer, PartitionState> states, Map<Integer, Long> deltas) {
    }

    /**
     * @param consumer a read_committed consumer of the state topic, not assigned yet
     * @param since    replay deltas from this time on; empty: from the beginning
     * @param longestBudgetWindow of any charter published; empty when the charters could not be read
     */
    static Restored restore(KafkaConsumer<String, RouterStateDelta> consumer, String topic, List<Integer> partitions,
                            Optional<Instant> since, Duration dedupWindow, Optional<Duration> longestBudgetWindow) {
        List<TopicPartition> tps = partitions.stream().map(i -> new TopicPartition(topic, i)).toList();
        consumer.assign(tps);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps);
        Map<TopicPartition, Long> end = consumer.endOffsets(tps);
        Map<TopicPartition, Long> from = new HashMap<>(begin);
        since.ifPresent(t -> from.putAll(firstAtOrAfter(consumer, tps, t, end)));
        from.forEach(consumer::seek);
        Map<Integer, PartitionState> states = new HashMap<>();
        Map<Integer, Long> deltas = new HashMap<>();
        partitions.forEach(i -> states.put(i, new PartitionState(dedupWindow, longestBudgetWindow.orElse(null))));
        while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            for (ConsumerRecord<String, RouterStateDelta> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.value() != null) {
                    states.get(r.partition()).apply(r.value());
                    deltas.merge(r.partition(), 1L, Long::sum);
                }
            }
        }
        for (TopicPartition tp : tps) {
            if (!deltas.containsKey(tp.partition()) && from.get(tp) > begin.get(tp)) {
                lastCharterBefore(consumer, tp, begin.get(tp), from.get(tp)).ifPresent(states.get(tp.partition())::activate);
            }
        }
        return new Restored(states, deltas);
    }

    /** The first offset of each partition at or after a time; its end when nothing is that new. */
    private static Map<TopicPartition, Long> firstAtOrAfter(KafkaConsumer<?, ?> c, List<TopicPartition> tps, Instant since,
                                                            Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> query = new HashMap<>();
        tps.forEach(tp -> query.put(tp, since.toEpochMilli()));
        Map<TopicPartition, Long> first = new HashMap<>();
        c.offsetsForTimes(query).forEach((tp, at) -> first.put(tp, at == null ? end.get(tp) : at.offset()));
        return first;
    }

    /**
     * The charter named by the last committed delta before {@code before}, looking further back each
     * time none is found (transaction markers, and aborted deltas, sit between committed ones).
     */
    private static Optional<String> lastCharterBefore(KafkaConsumer<String, RouterStateDelta> c, TopicPartition tp, long begin,
                                                      long before) {
        for (long back = 16; ; back *= 8) {
            long start = Math.max(begin, before - back);
            c.seek(tp, start);
            String charter = null;
            boolean found = false;
            while (c.position(tp) < before) {
                for (ConsumerRecord<String, RouterStateDelta> r : c.poll(Duration.ofMillis(500)).records(tp)) {
                    if (r.offset() < before && r.value() != null) {
                        charter = r.value().getCharterKey();
                        found = true;
                    }
                }
            }
            if (found || start == begin) {
                return Optional.ofNullable(charter);
            }
        }
    }
}
