package dev.orgos.router.state;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/** Partitions that move are forgotten here and rebuilt from the state topic by their next owner. */
@ApplicationScoped
@Identifier("orgos-router-rebalance")
public class RebalanceListener implements KafkaConsumerRebalanceListener {
    private static final Logger LOG = Logger.getLogger(RebalanceListener.class);

    @Inject
    StateStore store;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        LOG.infof("This router now decides partitions %s", partitions.stream().map(TopicPartition::partition).sorted().toList());
        store.forget(partitions.stream().map(TopicPartition::partition).toList());
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        store.forget(partitions.stream().map(TopicPartition::partition).toList());
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        store.forget(partitions.stream().map(TopicPartition::partition).toList());
    }
}
