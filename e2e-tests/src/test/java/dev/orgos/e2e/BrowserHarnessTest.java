package dev.orgos.e2e;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The browser harness itself: Playwright (playwright-core, from package-lock.json) drives Debian's
 * headless Chromium against a page served here, through {@link BrowserScript} and smoke.mjs.
 * Screenshots are kept under target/browser-screenshots for a look after the run.
 */
class BrowserHarnessTest {

    static final String TITLE = "orgos harness";
    static HttpServer server;
    static String baseUrl;

    @BeforeAll
    static void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] page = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + TITLE + "</title></head>"
                + "<body><h1>orgos browser harness</h1><p>served by BrowserHarnessTest</p></body></html>")
                .getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static Path screenshots(String name) throws IOException {
        Path dir = Path.of("target/browser-screenshots", name);
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
        }
        return dir;
    }

    @Test
    void chromiumOpensThePageChecksItsTitleAndTakesAScreenshot() throws IOException {
        Path shots = screenshots("harness");
        BrowserScript.run("smoke.mjs", Map.of("BASE_URL", baseUrl, "EXPECT_TITLE", TITLE), shots);
        Path png = shots.resolve("smoke.png");
        assertTrue(Files.isRegularFile(png), "no screenshot " + png);
        assertTrue(Files.size(png) > 0, "empty screenshot " + png);
    }

    @Test
    void aWrongTitleFailsTheTestWithTheScriptsOutput() throws IOException {
        Path shots = screenshots("harness-wrong-title");
        AssertionFailedError failure = assertThrows(AssertionFailedError.class, () -> BrowserScript.run("smoke.mjs",
                Map.of("BASE_URL", baseUrl, "EXPECT_TITLE", "not the title"), shots));
        assertTrue(failure.getMessage().contains("smoke.mjs failed"), failure.getMessage());
        assertTrue(failure.getMessage().contains("expected title \"not the title\" but was \"" + TITLE + "\""), failure.getMessage());
        try (var files = Files.list(shots)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("failed-")),
                    "the failing step left no screenshot in " + shots);
        }
    }
}
