package dev.orgos.infra;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping the servers and services this project starts as child processes. */
public final class Processes {
    private Processes() {
    }

    /** Asks politely (SIGTERM), then insists; waits until the process is gone. */
    public static void stop(Process process) {
        stopAll(List.of(process));
    }

    /**
     * As {@link #stop}, for several at once: all are asked first, so they shut down side by side
     * rather than one after the other.
     */
    public static void stopAll(Collection<Process> processes) {
        processes.forEach(Process::destroy);
        for (Process process : processes) {
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            OrphanGuard.release(process.toHandle());
        }
    }
}
