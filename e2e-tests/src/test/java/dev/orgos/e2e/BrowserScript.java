package dev.orgos.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Playwright script of {@code e2e-tests/src/test/browser} (Node, {@code playwright-core}
 * driving Debian's headless Chromium) from a JUnit test, and fails the test when the script fails.
 *
 * <p>The scripts read their configuration only from the environment: this class passes the given
 * variables, plus {@code SCREENSHOTS} (the directory for screenshots) and {@code CHROMIUM} (the
 * browser binary: env {@code CHROMIUM}, else {@code /usr/bin/chromium}). The script's output is
 * streamed to {@code System.out} with the prefix {@code "[browser] "}. On the first run of a clone
 * {@code npm ci} installs the locked {@code playwright-core} (no browser download: Chromium comes
 * from Debian's package, which {@code .ci/run} installs).
 */
public final class BrowserScript {

    /** Tests run with the module as working directory (surefire and failsafe both). */
    static final Path DIR = Path.of("src/test/browser");
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    static final String DEFAULT_CHROMIUM = "/usr/bin/chromium";
    /** How many of the script's last output lines a failure shows. */
    static final int TAIL = 40;

    private BrowserScript() {
    }

    /** Runs {@code node script} in the browser directory, with a 5 minute timeout. */
    public static void run(String script, Map<String, String> env, Path screenshots) {
        run(script, env, screenshots, DEFAULT_TIMEOUT);
    }

    /** Runs {@code node script} in the browser directory; fails the test if it fails or exceeds the timeout. */
    public static void run(String script, Map<String, String> env, Path screenshots, Duration timeout) {
        Path dir = DIR.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve(script))) {
            fail("no browser script " + dir.resolve(script) + " (tests run with e2e-tests as working directory)");
        }
        String chromium = chromium(env);
        if (!Files.isExecutable(Path.of(chromium))) {
            fail("Chromium is needed for the browser tests: apt-get install chromium (.ci/run does)");
        }
        bootstrap(dir);
        try {
            Files.createDirectories(screenshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("CHROMIUM", chromium);
        all.put("SCREENSHOTS", screenshots.toAbsolutePath().normalize().toString());
        Result r = exec(List.of("node", script), dir, all, timeout, "[browser] ",
                "Node.js is needed for the browser tests: apt-get install nodejs npm");
        if (r.timedOut()) {
            fail("browser script " + script + " did not finish within " + timeout + "; its last output:\n" + r.tail());
        }
        if (r.exit() != 0) {
            fail("browser script " + script + " failed (exit " + r.exit() + "); its last output:\n" + r.tail());
        }
    }

    static String chromium(Map<String, String> env) {
        String fromEnv = env.getOrDefault("CHROMIUM", System.getenv("CHROMIUM"));
        return fromEnv == null || fromEnv.isBlank() ? DEFAULT_CHROMIUM : fromEnv;
    }

    /** {@code npm ci} once per clone: node_modules is not committed, package-lock.json is. */
    static synchronized void bootstrap(Path dir) {
        if (Files.isDirectory(dir.resolve("node_modules/playwright-core"))) {
            return;
        }
        Result r = exec(List.of("npm", "ci", "--no-audit", "--no-fund"), dir, Map.of(), NPM_TIMEOUT, "[npm] ",
                "npm is needed for the browser tests (it installs playwright-core): apt-get install npm");
        if (r.timedOut() || r.exit() != 0) {
            fail("npm ci in " + dir + (r.timedOut() ? " did not finish within " + NPM_TIMEOUT : " failed (exit " + r.exit() + ")")
                    + "; its last output:\n" + r.tail());
        }
        if (!Files.isDirectory(dir.resolve("node_modules/playwright-core"))) {
            fail("npm ci in " + dir + " did not install playwright-core");
        }
    }

    record Result(int exit, boolean timedOut, String tail) {
    }

    /** Runs a command, streaming its output (stderr merged) to System.out with a prefix, keeping the last lines. */
    static Result exec(List<String> command, Path dir, Map<String, String> env, Duration timeout, String prefix, String missing) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            fail(missing + " (" + e.getMessage() + ")");
            return null;
        }
        try {
            p.getOutputStream().close(); // no input: a script that reads stdin sees its end
        } catch (IOException e) {
            // nothing to close
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread pump = Thread.ofPlatform().daemon().name("browser-output").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    System.out.println(prefix + line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                // the process was killed: what was read is in the tail
            }
        });
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            // Chromium is a child of node: kill the whole tree, not only node
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        try {
            pump.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String text;
        synchronized (tail) {
            text = String.join("\n", tail);
        }
        return new Result(finished ? p.exitValue() : -1, !finished, text);
    }
}
