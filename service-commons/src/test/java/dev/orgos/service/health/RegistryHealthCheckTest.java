package dev.orgos.service.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class RegistryHealthCheckTest {

    private static HealthCheckResponse check(String url) {
        RegistryHealthCheck check = new RegistryHealthCheck();
        check.registryUrl = Optional.ofNullable(url);
        return check.call().await().atMost(Duration.ofSeconds(10));
    }

    private static HttpServer registryAnswering(int status) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/apis/registry/v3/system/info", exchange -> {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void readyWhenTheRegistryAnswers() throws Exception {
        HttpServer registry = registryAnswering(200);
        try {
            var r = check("http://127.0.0.1:" + registry.getAddress().getPort() + "/apis/registry/v3/");
            assertEquals(HealthCheckResponse.Status.UP, r.getStatus());
        } finally {
            registry.stop(0);
        }
    }

    @Test
    void notReadyWhenTheRegistryFailsNamingTheStatus() throws Exception {
        HttpServer registry = registryAnswering(503);
        try {
            var r = check("http://127.0.0.1:" + registry.getAddress().getPort() + "/apis/registry/v3");
            assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
            assertTrue(r.getData().orElseThrow().get("reason").toString().contains("503"));
        } finally {
            registry.stop(0);
        }
    }

    @Test
    void notReadyWhenNothingListensOrNothingIsConfigured() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertEquals(HealthCheckResponse.Status.DOWN, check("http://127.0.0.1:" + port + "/apis/registry/v3").getStatus());
        assertEquals(HealthCheckResponse.Status.DOWN, check(null).getStatus());
    }
}
