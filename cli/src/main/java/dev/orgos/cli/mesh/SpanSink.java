package dev.orgos.cli.mesh;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal OTLP/HTTP trace receiver for the local mesh when no collector is configured: the
 * services export their spans here instead of failing to reach one, and the demo can say which
 * services reported. It counts export requests per service; it does not store spans.
 */
public final class SpanSink implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, AtomicLong> exportsByService = new ConcurrentHashMap<>();

    private SpanSink(HttpServer server) {
        this.server = server;
    }

    public static SpanSink start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            SpanSink sink = new SpanSink(server);
            server.createContext("/v1/traces", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    // the service.name attribute travels as plain UTF-8 inside the protobuf payload
                    String body = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                    for (Service s : Service.values()) {
                        if (body.contains(s.module)) {
                            sink.exportsByService.computeIfAbsent(s.module, k -> new AtomicLong()).incrementAndGet();
                        }
                    }
                }
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return sink;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the local span receiver", e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many span exports each service made. */
    public Map<String, Long> exports() {
        Map<String, Long> out = new java.util.TreeMap<>();
        exportsByService.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
