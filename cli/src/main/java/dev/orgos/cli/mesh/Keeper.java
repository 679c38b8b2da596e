package dev.orgos.cli.mesh;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps the services of a local mesh running, as an orchestrator does in production: a service
 * whose process has ended is started again at once, and one whose liveness check says DOWN (or
 * that does not answer it) at three checks in a row, 5 s apart, is stopped and started again. The services
 * say DOWN only when a restart is the remedy: a channel stopped after the registry was away for
 * longer than its patience, an outbox relay or routing transaction stuck for minutes. Without
 * this, such a service stayed broken until {@code ./orgos up} was restarted by hand.
 *
 * <p>A service that fails {@link #MOST_RESTARTS} times within {@link #RESTART_WINDOW} is left
 * stopped, and said so with its log: restarting it again would only hide the cause.
 */
public final class Keeper implements AutoCloseable {
    static final Duration EVERY = Duration.ofSeconds(5);
    static final int FAILED_CHECKS = 3;
    static final int MOST_RESTARTS = 5;
    static final Duration RESTART_WINDOW = Duration.ofMinutes(10);

    /** What one check saw of a service. */
    enum Seen {
        ALIVE, DOWN, NO_ANSWER, ENDED
    }

    /** What to do about it. */
    enum Act {
        NOTHING, RESTART, GIVE_UP
    }

    /** One service's checks and restarts: what to do after each check. */
    static final class Watch {
        private int failedInARow;
        private final Deque<Instant> restarts = new ArrayDeque<>();
        private boolean gaveUp;

        Act after(Seen seen, Instant now) {
            if (gaveUp) {
                return Act.NOTHING;
            }
            if (seen == Seen.ALIVE) {
                failedInARow = 0;
                return Act.NOTHING;
            }
            failedInARow++;
            if (seen != Seen.ENDED && failedInARow < FAILED_CHECKS) {
                return Act.NOTHING; // a long pause or a blip: a live service answers again within seconds
            }
            failedInARow = 0;
            while (!restarts.isEmpty() && !restarts.peekFirst().isAfter(now.minus(RESTART_WINDOW))) {
                restarts.pollFirst();
            }
            if (restarts.size() >= MOST_RESTARTS) {
                gaveUp = true;
                return Act.GIVE_UP;
            }
            restarts.addLast(now);
            return Act.RESTART;
        }
    }

    private final Mesh mesh;
    private final Consumer<String> say;
    private final Map<Service, Watch> watches = new EnumMap<>(Service.class);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "orgos-keeper");
        t.setDaemon(true);
        return t;
    });
    /**
     * Restarts run here, one thread each: a restart waits up to two minutes for its service to be
     * ready, and meanwhile the other services are still checked (and restarted) every 5 s.
     */
    private final ExecutorService restarter = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "orgos-keeper-restart");
        t.setDaemon(true);
        return t;
    });
    /** The services being restarted: not checked until their restart has ended. */
    private final Set<Service> restarting = ConcurrentHashMap.newKeySet();

    Keeper(Mesh mesh, Consumer<String> say) {
        this.mesh = mesh;
        this.say = say;
        timer.scheduleWithFixedDelay(this::checkAll, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkAll() {
        for (Service s : Service.values()) {
            if (restarting.contains(s)) {
                continue; // checked again once its restart has ended, and not before: its process is changing
            }
            Process p = mesh.process(s);
            if (p == null || Thread.currentThread().isInterrupted()) {
                continue; // not started here (a benchmark's own), or the keeper is closing
            }
            try {
                check(s, p);
            } catch (RuntimeException e) {
                if (mesh.closing() || Thread.currentThread().isInterrupted()) {
                    return; // stopping with the mesh: an abandoned restart is no news
                }
                say.accept("The keeper could not check or restart " + s.module + ": " + e.getMessage() + "; see " + mesh.log(s));
            }
        }
    }

    private void check(Service s, Process p) {
        String why;
        Seen seen;
        if (!p.isAlive()) {
            seen = Seen.ENDED;
            why = "its process ended (exit code " + p.exitValue() + ")";
        } else {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(mesh.url(s) + "/q/health/live"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                // 503 is DOWN; any other answer is a service that answers (one without liveness checks too)
                seen = r.statusCode() == 503 ? Seen.DOWN : Seen.ALIVE;
                why = seen == Seen.DOWN ? "its liveness check says DOWN (" + downChecks(r.body()) + ")" : null;
            } catch (IOException e) {
                seen = Seen.NO_ANSWER;
                why = "it does not answer its liveness check (" + e.getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (mesh.closing()) {
            return; // a service ending as the mesh stops is not to be started again
        }
        switch (watches.computeIfAbsent(s, x -> new Watch()).after(seen, Instant.now())) {
            case RESTART -> {
                say.accept(s.module + " is not alive: " + why + ". Restarting it, as an orchestrator would (its log goes on in "
                        + mesh.log(s) + ")...");
                restart(s);
            }
            case GIVE_UP -> say.accept(s.module + " is not alive (" + why + ") and has been restarted " + MOST_RESTARTS + " times in "
                    + RESTART_WINDOW.toMinutes() + " minutes: it is left as it is, for its log to be read: " + mesh.log(s));
            case NOTHING -> {
            }
        }
    }

    private void restart(Service s) {
        restarting.add(s);
        try {
            restarter.execute(() -> {
                try {
                    if (mesh.replace(s)) {
                        say.accept(s.module + " is ready again on " + mesh.url(s));
                    }
                } catch (RuntimeException e) {
                    if (!mesh.closing() && !Thread.currentThread().isInterrupted()) {
                        say.accept("The keeper could not restart " + s.module + ": " + e.getMessage() + "; see " + mesh.log(s));
                    }
                } finally {
                    restarting.remove(s);
                }
            });
        } catch (RejectedExecutionException closing) {
            restarting.remove(s); // the keeper is closing: nothing is started any more
        }
    }

    /** The checks a DOWN liveness answer names, with their reasons: "Outbox relay: an outbox relay run has been...". */
    static String downChecks(String body) {
        try {
            var checks = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("checks");
            java.util.List<String> down = new java.util.ArrayList<>();
            checks.forEach(c -> {
                if ("DOWN".equals(c.path("status").asText())) {
                    // orgos's checks give a reason; SmallRye's messaging check names each channel with [KO] and why
                    String reason = c.path("data").path("reason").asText("");
                    if (reason.isEmpty()) {
                        java.util.List<String> data = new java.util.ArrayList<>();
                        c.path("data").properties().forEach(e -> data.add(e.getKey() + " " + e.getValue().asText()));
                        reason = String.join(", ", data);
                    }
                    down.add(c.path("name").asText("?") + (reason.isEmpty() ? "" : ": " + shortened(reason)));
                }
            });
            return down.isEmpty() ? "no check named" : String.join("; ", down);
        } catch (IOException e) {
            return shortened(body);
        }
    }

    private static String shortened(String text) {
        String one = text.replaceAll("\\s+", " ");
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }

    boolean closed() {
        return timer.isShutdown();
    }

    /** Stops keeping; a restart under way is abandoned (its process is the mesh's, stopped with it). */
    @Override
    public void close() {
        timer.shutdownNow();
        restarter.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
            restarter.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
