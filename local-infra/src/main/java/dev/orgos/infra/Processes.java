package dev.orgos.infra;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finding and stopping the servers and services this project starts as processes. */
public final class Processes {
    private Processes() {
    }

    /**
     * A process's whole command line from /proc, its arguments separated (and ended) by spaces; empty
     * elsewhere than on Linux. Whole, unlike {@code ProcessHandle.Info}, which gives no arguments at all
     * past 4,096 bytes (the broker's long class path).
     */
    public static String commandLine(long pid) {
        try {
            return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + pid + "/cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * The JVM options every server and service this project starts gets after its own: SerialGC, one
     * collector thread, which suits a small process on a small machine, then {@code extra} (from
     * {@code orgos.jvm-args.<name>}, for measuring). The JVM refuses two collectors, so a collector
     * chosen in {@code extra} replaces SerialGC; and {@code extra} comes last, so that where it
     * repeats a setting (-Xmx), it wins.
     */
    public static List<String> jvmOptions(String extra) {
        extra = extra.trim();
        List<String> options = new java.util.ArrayList<>();
        if (!extra.matches(".*-XX:\\+Use\\w+GC.*")) {
            options.add("-XX:+UseSerialGC");
        }
        if (!extra.isEmpty()) {
            options.addAll(List.of(extra.split("\\s+")));
        }
        return options;
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
