package dev.orgos.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The load driver's HTTP client: Vert.x's, on one event loop, with keep-alive connections. The
 * JDK's HttpClient took about a seventh of the machine's two cores at 600 requests/s in this same
 * process, CPU that the mesh under test then did not have; this one needs a fraction of that,
 * which is the point of a driver such as wrk.
 */
final class LeanHttp implements AutoCloseable {
    record Response(int status, String body) {
    }

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    /** The one event loop's context: requests made on it are answered on it, with no thread between. */
    private final io.vertx.core.Context loop = vertx.getOrCreateContext();
    private final HttpClient client;
    private final String host;
    private final int port;
    private final int connections;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger mostInFlight = new java.util.concurrent.atomic.AtomicInteger();

    LeanHttp(String baseUrl, int connections) {
        URI uri = URI.create(baseUrl);
        host = uri.getHost();
        port = uri.getPort();
        this.connections = connections;
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    /**
     * Runs {@code task} on the client's event loop. A closed loop driven from there sends each next
     * request from the previous one's answer: no hand-off to another thread and back per request,
     * which was most of what the driver spent (see GatewayLoad).
     */
    void onLoop(Runnable task) {
        loop.runOnContext(v -> task.run());
    }

    /** Counts the most requests in flight at once from now on ({@link #mostInFlight}). */
    void countInFlightAfresh() {
        mostInFlight.set(inFlight.get());
    }

    /**
     * The most requests in flight at once since {@link #countInFlightAfresh}, and whether some of them
     * waited for a connection: a request beyond the pool's connections waits in the client, and an
     * open loop's latency, timed from when the request was due, then includes that wait, which
     * workers each holding their own connection would not have had.
     */
    String mostInFlight() {
        int most = mostInFlight.get();
        return most > connections
                ? String.format(java.util.Locale.ROOT, "at most %,d requests in flight: some waited for one of the driver's %,d connections",
                        most, connections)
                : String.format(java.util.Locale.ROOT, "at most %,d requests in flight, each on a connection of its own", most);
    }

    CompletableFuture<Response> post(String path, String token, String json) {
        return send(HttpMethod.POST, path, token, Buffer.buffer(json), null, null);
    }

    CompletableFuture<Response> post(String path, String token, String json, String header, String value) {
        return send(HttpMethod.POST, path, token, Buffer.buffer(json), header, value);
    }

    CompletableFuture<Response> get(String path, String token) {
        return send(HttpMethod.GET, path, token, null, null, null);
    }

    private CompletableFuture<Response> send(HttpMethod method, String path, String token, Buffer body, String header, String value) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(path);
        if (token.startsWith("orgos_ak_")) {
            options.putHeader("X-API-Key", token);
        } else {
            options.putHeader("Authorization", "Bearer " + token);
        }
        if (header != null) {
            options.putHeader(header, value);
        }
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
        }
        int now = inFlight.incrementAndGet();
        mostInFlight.accumulateAndGet(now, Math::max);
        // the body is asked for in the callback of send itself: a step later, the response may be over and its body gone
        return client.request(options)
                .compose(req -> (body == null ? req.send() : req.send(body))
                        .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), b.toString()))))
                .onComplete(done -> inFlight.decrementAndGet())
                .toCompletionStage().toCompletableFuture();
    }

    @Override
    public void close() throws Exception {
        client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
