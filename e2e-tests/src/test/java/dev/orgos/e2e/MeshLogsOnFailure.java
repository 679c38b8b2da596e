package dev.orgos.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a test fails, prints what the mesh's processes warned about: the WARN and ERROR lines of
 * each log under the mesh's work directory (their first lines, not the stack traces). A CI run
 * keeps only the test's output, and a failure such as "one router owns all six partitions" says
 * nothing of why without the routers' own words.
 */
final class MeshLogsOnFailure implements TestWatcher {
    /** Per log: enough for a chain of events, not so many that the output is lost in them. */
    static final int MOST_LINES_PER_LOG = 40;

    private final Path workDir;

    MeshLogsOnFailure(Path workDir) {
        this.workDir = workDir;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Path logs = workDir.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return;
        }
        System.out.println("[logs] " + context.getDisplayName() + " failed; the warnings and errors of the mesh in " + logs + ":");
        try (Stream<Path> files = Files.list(logs)) {
            files.filter(f -> f.toString().endsWith(".log")).sorted().forEach(MeshLogsOnFailure::printWarnings);
        } catch (IOException e) {
            System.out.println("[logs] could not list " + logs + ": " + e.getMessage());
        }
    }

    private static void printWarnings(Path log) {
        List<String> lines = warnings(log);
        if (lines.isEmpty()) {
            return;
        }
        String name = log.getFileName().toString();
        int skipped = Math.max(0, lines.size() - MOST_LINES_PER_LOG);
        if (skipped > 0) {
            System.out.println("[logs] " + name + ": " + skipped + " earlier lines left out");
        }
        lines.subList(skipped, lines.size()).forEach(l -> System.out.println("[logs] " + name + ": " + l));
    }

    /** The WARN and ERROR lines of a service's log (Quarkus's format) or the broker's (log4j's). */
    static List<String> warnings(Path log) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).map(l -> l.length() > 400 ? l.substring(0, 400) + " ..." : l)
                    .toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of("(could not read: " + e.getMessage() + ")");
        }
    }
}
