package dev.orgos.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A JVM killed with SIGKILL leaves no child behind; a child it had stopped itself is left alone. */
class OrphanGuardTest {
    private final List<ProcessHandle> started = new ArrayList<>();

    /** Runs in a JVM of its own: starts two children, guards both, releases the second, reports, waits to be killed. */
    public static void main(String[] args) throws Exception {
        Process guarded = new ProcessBuilder("sleep", "300").start();
        Process released = new ProcessBuilder("sleep", "300").start();
        OrphanGuard.guard(guarded.toHandle());
        OrphanGuard.guard(released.toHandle());
        OrphanGuard.release(released.toHandle());
        System.out.println(guarded.pid() + " " + released.pid() + " " + OrphanGuard.watcherFile());
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await(5, TimeUnit.MINUTES); // until the test kills this JVM
    }

    @Test
    void aKilledJvmsGuardedChildIsStoppedAndAReleasedOneIsNot() throws Exception {
        assumeTrue(OrphanGuard.supported(), "needs /proc and /bin/sh");
        Process parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OrphanGuardTest.class.getName()).redirectErrorStream(true).start();
        started.add(parent.toHandle());
        String[] report = new BufferedReader(new InputStreamReader(parent.getInputStream())).readLine().split(" ");
        ProcessHandle guarded = ProcessHandle.of(Long.parseLong(report[0])).orElseThrow();
        ProcessHandle released = ProcessHandle.of(Long.parseLong(report[1])).orElseThrow();
        started.add(guarded);
        started.add(released);
        Path list = Path.of(report[2]);
        assertTrue(guarded.isAlive() && released.isAlive());
        assertEquals(List.of(guarded.pid() + " " + OrphanGuard.startTime(guarded.pid())), Files.readAllLines(list));

        parent.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(parent.waitFor(10, TimeUnit.SECONDS));

        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !guarded.isAlive());
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !Files.exists(list)); // the watcher is done
        assertTrue(released.isAlive(), "a child its JVM had released is not the watcher's to stop");
    }

    @Test
    void aChildIsKnownByItsStartTimeSoThatAReusedIdIsNotMistakenForIt() {
        assumeTrue(OrphanGuard.supported(), "needs /proc and /bin/sh");
        String self = OrphanGuard.startTime(ProcessHandle.current().pid());
        assertTrue(self != null && self.matches("\\d+"), self);
        assertEquals(null, OrphanGuard.startTime(Long.MAX_VALUE));
    }

    @AfterEach
    void stopWhatIsLeft() {
        started.forEach(ProcessHandle::destroyForcibly);
    }
}
