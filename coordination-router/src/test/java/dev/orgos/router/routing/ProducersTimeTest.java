package dev.orgos.router.routing;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ProducersTimeTest {

    @Test
    void anActionsTopicOnTheProducersTimeIsNamedWithTheCommandThatMendsIt() {
        String warning = ActionRouter.producersTimeWarning(TimestampType.CREATE_TIME, "orgos.actions");
        assertTrue(warning != null && warning.contains("CreateTime")
                && warning.contains("--entity-name orgos.actions --add-config message.timestamp.type=LogAppendTime"), warning);
        assertNull(ActionRouter.producersTimeWarning(TimestampType.LOG_APPEND_TIME, "orgos.actions"), "the broker's time: nothing to say");
    }
}
