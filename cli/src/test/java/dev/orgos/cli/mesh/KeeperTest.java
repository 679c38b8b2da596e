package dev.orgos.cli.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgos.cli.mesh.Keeper.Act;
import dev.orgos.cli.mesh.Keeper.Seen;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeeperTest {
    static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

    @Test
    void aServiceWhoseProcessEndedIsRestartedAtOnce() {
        assertEquals(Act.RESTART, new Keeper.Watch().after(Seen.ENDED, T0));
    }

    @Test
    void downOrSilentIsRestartedOnlyAfterThreeChecksInARow() {
        Keeper.Watch watch = new Keeper.Watch();
        assertEquals(Act.NOTHING, watch.after(Seen.DOWN, T0));
        assertEquals(Act.NOTHING, watch.after(Seen.NO_ANSWER, T0.plusSeconds(5)));
        assertEquals(Act.NOTHING, watch.after(Seen.ALIVE, T0.plusSeconds(10)), "a blip: alive again");
        assertEquals(Act.NOTHING, watch.after(Seen.DOWN, T0.plusSeconds(15)));
        assertEquals(Act.NOTHING, watch.after(Seen.DOWN, T0.plusSeconds(20)));
        assertEquals(Act.RESTART, watch.after(Seen.DOWN, T0.plusSeconds(25)));
        assertEquals(Act.NOTHING, watch.after(Seen.DOWN, T0.plusSeconds(30)), "the count starts again after a restart");
    }

    @Test
    void aServiceThatKeepsFailingIsLeftForItsLogToBeReadAfterFiveRestartsInTenMinutes() {
        Keeper.Watch watch = new Keeper.Watch();
        for (int i = 0; i < Keeper.MOST_RESTARTS; i++) {
            assertEquals(Act.RESTART, watch.after(Seen.ENDED, T0.plus(Duration.ofMinutes(i))));
        }
        assertEquals(Act.GIVE_UP, watch.after(Seen.ENDED, T0.plus(Duration.ofMinutes(5))));
        assertEquals(Act.NOTHING, watch.after(Seen.ENDED, T0.plus(Duration.ofMinutes(30))), "given up for good");
    }

    @Test
    void restartsOlderThanTheWindowDoNotCount() {
        Keeper.Watch watch = new Keeper.Watch();
        for (int i = 0; i < Keeper.MOST_RESTARTS; i++) {
            watch.after(Seen.ENDED, T0.plus(Duration.ofMinutes(i)));
        }
        // the first restart (T0) is ten minutes old: four remain in the window, so one more is allowed
        assertEquals(Act.RESTART, watch.after(Seen.ENDED, T0.plus(Keeper.RESTART_WINDOW)));
    }

    @Test
    void aDownAnswerIsToldByItsChecksAndTheirReasons() {
        String ours = """
                {"status":"DOWN","checks":[{"name":"Outbox relay","status":"DOWN","data":{"runInProgressSeconds":301,
                "reason":"an outbox relay run has been in progress for 301 s"}},{"name":"Kafka","status":"UP"}]}""";
        assertEquals("Outbox relay: an outbox relay run has been in progress for 301 s", Keeper.downChecks(ours));
        String messaging = """
                {"status":"DOWN","checks":[{"name":"SmallRye Reactive Messaging - liveness check","status":"DOWN",
                "data":{"actions":"[KO] - The schema registry has not answered for PT1M"}}]}""";
        assertEquals("SmallRye Reactive Messaging - liveness check: actions [KO] - The schema registry has not answered for PT1M",
                Keeper.downChecks(messaging));
        assertEquals("not json", Keeper.downChecks("not json"));
    }
}
