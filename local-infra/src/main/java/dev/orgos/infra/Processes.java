package dev.orgos.infra;

import java.util.concurrent.TimeUnit;

final class Processes {
    private Processes() {
    }

    /** Asks politely (SIGTERM), then insists; waits until the process is gone. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
