package dev.orgos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshLogsOnFailureTest {

    @Test
    void aServiceLogsAndTheBrokersWarningsAndErrorsAreKeptAndNothingElse(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("coordination-router-3.log"), String.join("\n",
                "09:44:45.326 INFO  [d.o.r.s.RebalanceListener] (traceId=) This router now decides partitions [0, 1, 2]",
                "09:44:45.360 WARN  [d.o.s.k.Rewinds] (traceId=) A batch from channel 'actions' failed",
                "\tat dev.orgos.router.routing.ActionRouter.routeOne(ActionRouter.java:183)",
                "09:44:45.554 ERROR [i.s.r.m.provider] (traceId=) SRMSG00201: Error caught while processing a message",
                "2026-11-27 09:44:45,616 WARN [kafka.server.KafkaApis] a broker's warning",
                "2026-11-27 09:44:45,617 INFO [org.apache.kafka.coordinator.group.GroupMetadataManager] Member left"));
        List<String> kept = MeshLogsOnFailure.warnings(log);
        assertEquals(3, kept.size(), kept.toString());
        assertEquals("09:44:45.360 WARN  [d.o.s.k.Rewinds] (traceId=) A batch from channel 'actions' failed", kept.get(0));
    }
}
