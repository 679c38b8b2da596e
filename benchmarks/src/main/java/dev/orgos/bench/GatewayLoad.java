package dev.orgos.bench;

import dev.orgos.cli.mesh.Mesh;
import dev.orgos.cli.mesh.Service;
import dev.orgos.infra.DevTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load on the packaged gateway, from this separate process (its HTTP client: {@link LeanHttp}):
 * (1) after a warm-up until the JIT compilers rest ({@link #warmUp}), accepted actions per second and POST latency, with many agents and 64 requests in flight
 *     ({@code -Dorgos.bench.in-flight}; the capacity: a closed loop, as wrk's, so its latency is mostly the requests queued behind each other);
 * (2) POST latency at a fixed rate (default 1,000 actions/s) for 10 s, open loop;
 * (3) at that rate, the time from each POST to its autonomous verdict being visible to the worker (a long
 *     poll issued right after the 202);
 * (4) the same, with the verdict awaited in the POST's own answer ({@code Prefer: wait=10}).
 * Agents present JWTs, or API keys with {@code -Dorgos.bench.api-keys=true} (see {@link #agents}).
 * Usage: java [-Dorgos.bench.trace-sampling=0.1] -cp "benchmarks/target/classes:benchmarks/target/lib/*" -Dorgos.bench.warmup=60000 ... dev.orgos.bench.GatewayLoad [N] [RATE]
 */
public final class GatewayLoad {
    /** How fast a core ran during each phase, printed with it: the machine's speed varies, and every figure with it. */
    private static final CoreSpeed SPEED = CoreSpeed.start();

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        Path home = Path.of(System.getProperty("orgos.home", ".")).toAbsolutePath().normalize();
        try (Mesh mesh = Mesh.start(home, home.resolve(".orgos/bench-gateway"), false,
                config(), System.out::println,
                EnumSet.of(Service.EXECUTION_GATEWAY, Service.COORDINATION_ROUTER))) {
            String url = mesh.url(Service.EXECUTION_GATEWAY);
            // 64 submissions in flight, and in the verdict phases a long poll or a waiting POST for each action
            // until its verdict: 256 connections unless set otherwise. A request beyond them waits in the
            // driver, timed from when it was due, and each phase says whether any did. Without a limit
            // (4,096), an overloaded mesh was only slower: it then also opened thousands of connections.
            LeanHttp http = new LeanHttp(url, Integer.getInteger("orgos.bench.connections", 256));
            // the measured phases run this many times, the figures of the last counting: see measure()
            int passes = Math.max(1, Integer.getInteger("orgos.bench.passes", 2));
            signInEveryPhasesAgents(http, passes);
            List<String> tokens = agents(http, "load-agent-");
            warmUp(mesh, http, tokens, rate);
            for (int pass = 1; pass <= passes; pass++) {
                if (passes > 1) {
                    System.out.printf(Locale.ROOT, pass < passes
                            ? "Pass %d of %d through every phase, so that the last meets no load its compiled code has not seen yet "
                            + "(not the figures)%n" : "Pass %d of %d: the figures%n", pass, passes);
                }
                measure(mesh, http, url, n, rate, tokens, pass);
            }
            http.close();
            // what de-duplication costs the router after all this: bounded by its window, not by the run's length
            Map<String, Double> remembered = timers(mesh.url(Service.COORDINATION_ROUTER), REMEMBERED);
            System.out.printf(Locale.ROOT, "The router remembers %,.0f decided action ids in %.1f MB (orgos.router.dedup-window)%n",
                    remembered.getOrDefault("remembered_actions", Double.NaN),
                    remembered.getOrDefault("remembered_actions_bytes", Double.NaN) / 1_000_000);
        }
    }

    /**
     * The measured phases, in order: capacity, the mesh at rest, POSTs alone at the rate, and the
     * verdict at the rate two ways. Each shape of load (64 in flight on 64 connections; paced, on up
     * to 256; long polls; waiting POSTs) makes the JIT compilers undo code compiled for the shape
     * before (class checks and branches that no longer hold) and compile it again: a quarter of the
     * mesh's CPU in the paced phases after a warm-up at capacity alone. So the phases run more than
     * once ({@code orgos.bench.passes}, 2), each pass with fresh agents, and the last pass's figures
     * are the ones to read; each phase prints the compilers' share of the mesh's CPU.
     */
    private static void measure(Mesh mesh, LeanHttp http, String url, int n, int rate, List<String> tokens, int pass) throws Exception {
        // 64 by default; fewer trade throughput for latency, as wrk's connection count does
        int inFlight = Integer.getInteger("orgos.bench.in-flight", 64);
        System.out.printf(Locale.ROOT, "Measuring %,d actions, %d in flight...%n", n, inFlight);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        PhaseMeter meter = PhaseMeter.start(http);
        long start = System.nanoTime();
        int ok = run(http, tokens, n, inFlight, latencies);
        double seconds = (System.nanoTime() - start) / 1e9;
        String cpu = meter.cpuPerAction(ok);
        System.out.printf(Locale.ROOT, "POST /v1/actions: %,d accepted in %.1f s = %,.0f/s (%d in flight); %s%n",
                ok, seconds, ok / seconds, inFlight, percentiles(latencies));
        System.out.printf(Locale.ROOT, "  CPU per accepted action, meanwhile: %s%n", cpu);
        System.out.printf(Locale.ROOT, "  %s%n", meter.conditions());

        // POSTs alone at a fixed rate (open loop: a slow answer does not slow the next request), so that the
        // latency is the gateway's at that rate and not a queue of 64 waiting for each other
        drain(mesh);
        atRest(rate, 10);
        pacedPosts(http, url, rate, 3, "warm-paced-agent-" + pass + "-", "warm-up, ");
        drain(mesh);
        pacedPosts(http, url, rate, 10, "paced-agent-" + pass + "-", "");

        drain(mesh);
        // at the rate: POST, then long-poll until the autonomous verdict is visible; then the same with the
        // verdict awaited in the POST itself (Prefer: wait), one request instead of two
        verdicts(mesh, http, rate, "verdict-agent-" + pass + "-", false, "");
        drain(mesh);
        verdicts(mesh, http, rate, "prefer-agent-" + pass + "-", true, "");
    }

    /**
     * What the mesh uses with no request at all, for {@code seconds}: consumers polling, heartbeats,
     * exporters, metrics, and the JIT compilers if they still work. At a low rate this is a share of
     * every action's CPU that the rate alone decides, not the action's path: at 1,000/s, each
     * millisecond of CPU a second at rest is a microsecond of each action's.
     */
    private static void atRest(int rate, int seconds) throws InterruptedException {
        ProcessCpu before = ProcessCpu.now();
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L); // the measurement itself: nothing to wait for
        ProcessCpu after = ProcessCpu.now();
        double elapsed = (System.nanoTime() - start) / 1e9;
        Map<String, Duration> used = after.since(before);
        double compilers = after.compilerShareSince(before);
        String each = used.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.1f ms", e.getKey(), e.getValue().toNanos() / 1e6 / elapsed))
                .collect(java.util.stream.Collectors.joining(", "));
        double mesh = ProcessCpu.meshNanos(used) / 1e6 / elapsed;
        System.out.printf(Locale.ROOT, "At rest for %d s (no requests), CPU a second: %s; the mesh without the driver %.1f ms (the JIT "
                        + "compilers %s of it): at %,d/s, %.0f µs of each action's CPU%n", seconds, each, mesh,
                Double.isNaN(compilers) ? "(not measurable here)" : String.format(Locale.ROOT, "%.0f%%", compilers * 100), rate,
                mesh * 1000 / rate);
    }

    /**
     * POSTs alone at {@code rate} for {@code seconds}, open loop, each timed from when it was due. Run
     * first for three seconds as a warm-up (printed as such), for the driver as much as for the mesh:
     * this loop is the driver's own code path, and cold, it sent the first second's requests late.
     * And the driver says how late it sent: a request sent late is timed from when it was due all the
     * same, and the count shows where the driver, not the gateway, was slow.
     */
    private static void pacedPosts(LeanHttp http, String url, int rate, int seconds, String agentPrefix, String label)
            throws Exception {
        List<Long> paced = Collections.synchronizedList(new ArrayList<>());
        List<String> tokens = agents(http, agentPrefix);
        int count = rate * seconds;
        List<CompletableFuture<?>> all = new ArrayList<>();
        AtomicInteger accepted = new AtomicInteger();
        Map<String, Double> before = submissionStages(url);
        PhaseMeter meter = PhaseMeter.start(http);
        long p0 = System.nanoTime();
        SlowestPerSecond slowest = new SlowestPerSecond(seconds, p0);
        int sentLate = 0;
        long latest = 0;
        for (int i = 0; i < count; i++) {
            // timed from when it was due, not when it left: a late driver must not hide a slow gateway
            long due = p0 + i * (1_000_000_000L / rate);
            waitUntil(due);
            long late = System.nanoTime() - due;
            if (late > 5_000_000) {
                sentLate++;
            }
            latest = Math.max(latest, late);
            all.add(http.post("/v1/actions", tokens.get(i % tokens.size()), action()).thenAccept(r -> {
                if (r.status() == 202) {
                    accepted.incrementAndGet();
                    long micros = (System.nanoTime() - due) / 1000;
                    paced.add(micros);
                    slowest.answered(due, micros);
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        String cpu = meter.cpuPerAction(count);
        double took = (System.nanoTime() - p0) / 1e9;
        System.out.printf(Locale.ROOT, "%sPOST /v1/actions at %,d/s offered: %,d of %,d accepted in %.1f s; %s%n",
                label, rate, accepted.get(), count, took, percentiles(paced));
        Map<String, Double> after = submissionStages(url);
        System.out.printf(Locale.ROOT, "  the gateway's own account, on average: recording %.1f ms, sending until the broker's acknowledgement %.1f ms%n",
                mean(before, after, "recording"), mean(before, after, "sending"));
        System.out.printf(Locale.ROOT, "  slowest answer in each of the %d seconds: %s ms%n", seconds, slowest);
        System.out.printf(Locale.ROOT, "  CPU per action: %s%n", cpu);
        System.out.printf(Locale.ROOT, "  the driver sent %,d of them more than 5 ms late (the latest %.1f ms late)%n",
                sentLate, latest / 1e6);
        System.out.printf(Locale.ROOT, "  %s%n", meter.conditions());
    }

    /**
     * Until the mesh's JIT compilers rest: what is measured after it is what a running mesh sustains.
     * Two cores are shared by five JVMs, and each keeps compiling its hot code for minutes: on
     * 2026-11-27, after the 60,000 actions this warm-up used to be, C2 still took a third of the
     * gateway's CPU and a fifth of the broker's, and the same build measured 3,900-5,400/s from one
     * run to the next. So it goes on in rounds of {@code orgos.bench.warmup-round} actions (20,000)
     * until the compilers used less than {@code orgos.bench.warmup-compilers} percent (5) of the
     * mesh's CPU in a round: at least {@code orgos.bench.warmup} actions (60,000; 0 for none), at most
     * {@code orgos.bench.warmup-max} (600,000). The long poll's and the waiting POST's paths are
     * warmed once on the way, at the rate: measured cold, a phase's first seconds timed their
     * compilation. Each round is printed, with the compilers' share.
     */
    private static void warmUp(Mesh mesh, LeanHttp http, List<String> tokens, int rate) throws Exception {
        int least = Integer.getInteger("orgos.bench.warmup", 60_000);
        if (least <= 0) {
            return;
        }
        int round = Math.max(1_000, Integer.getInteger("orgos.bench.warmup-round", 20_000)); // a round must move on
        int most = Math.max(least, Integer.getInteger("orgos.bench.warmup-max", 600_000));
        double resting = Integer.getInteger("orgos.bench.warmup-compilers", 5) / 100.0;
        System.out.printf(Locale.ROOT, "Warming up until the JIT compilers use less than %.0f%% of the mesh's CPU "
                + "(%,d to %,d actions, 64 in flight)...%n", resting * 100, least, most);
        boolean pathsWarmed = false;
        for (int done = 0; ; ) {
            ProcessCpu before = ProcessCpu.now();
            int speedMark = SPEED.mark();
            long start = System.nanoTime();
            int accepted = run(http, tokens, round, 64, null);
            double seconds = (System.nanoTime() - start) / 1e9;
            double share = ProcessCpu.now().compilerShareSince(before);
            done += round;
            System.out.printf(Locale.ROOT, "warm-up, %,d actions: %,.0f/s, the JIT compilers %s of the mesh's CPU; %s%n",
                    done, accepted / seconds, Double.isNaN(share) ? "(not measurable here)" : String.format(Locale.ROOT, "%.0f%%", share * 100),
                    SPEED.since(speedMark));
            if (done < least) {
                continue;
            }
            if (!pathsWarmed) {
                verdicts(mesh, http, rate, "warm-poll-agent-", false, "warm-up, ");
                drain(mesh);
                verdicts(mesh, http, rate, "warm-prefer-agent-", true, "warm-up, ");
                drain(mesh);
                pathsWarmed = true;
                continue; // the POSTs' compiled code is measured again after those paths ran
            }
            if (Double.isNaN(share) || share < resting) {
                return;
            }
            if (done >= most) {
                System.out.printf(Locale.ROOT, "warm-up: the compilers still work after %,d actions; measuring anyway%n", done);
                return;
            }
        }
    }

    /**
     * At {@code rate}, POST and learn each autonomous verdict: with a long poll after the 202, or
     * ({@code inThePost}) from the POST's own answer, asked to wait for it. Fresh agents each time: the
     * earlier phases used up the others' hourly refund budgets, and over budget means escalated.
     */
    static void verdicts(Mesh mesh, LeanHttp http, int rate, String agentPrefix, boolean inThePost, String label) throws Exception {
        String routerUrl = mesh.url(Service.COORDINATION_ROUTER);
        Map<String, Double> routerBefore = timers(routerUrl, ROUTER_TRANSACTION);
        List<String> tokens = agents(http, agentPrefix);
        List<Long> toVerdict = Collections.synchronizedList(new ArrayList<>());
        List<String> otherAnswers = Collections.synchronizedList(new ArrayList<>());
        // where the time goes: accepted (submittedAt) to decided (the verdict's time), and decided to seen by the worker
        List<Long> toDecision = Collections.synchronizedList(new ArrayList<>());
        List<Long> decisionToSeen = Collections.synchronizedList(new ArrayList<>());
        int count = Math.min(5_000, rate * 10); // at most 10 per agent: within the budget of 20 an hour
        List<CompletableFuture<?>> all = new ArrayList<>();
        PhaseMeter meter = PhaseMeter.start(http);
        long t0 = System.nanoTime();
        SlowestPerSecond slowest = new SlowestPerSecond((count + rate - 1) / rate, t0);
        for (int i = 0; i < count; i++) {
            long sent = t0 + i * (1_000_000_000L / rate);
            waitUntil(sent);
            String token = tokens.get(i % tokens.size());
            CompletableFuture<LeanHttp.Response> answered = inThePost
                    ? http.post("/v1/actions", token, action(), "Prefer", "wait=10")
                    : http.post("/v1/actions", token, action()).thenCompose(r -> {
                        java.util.regex.Matcher m = ACTION_ID.matcher(r.body());
                        if (r.status() != 202 || !m.find()) {
                            // counted below as another answer
                            return CompletableFuture.completedFuture(new LeanHttp.Response(r.status(), "POST answered: " + r.body()));
                        }
                        return http.get("/v1/actions/" + m.group(1) + "?waitSeconds=10", token);
                    });
            all.add(answered.thenAccept(r -> {
                if (r.body().contains("\"status\":\"AUTONOMOUS\"")) {
                    long micros = (System.nanoTime() - sent) / 1000;
                    toVerdict.add(micros);
                    slowest.answered(sent, micros);
                    Instant seen = Instant.now();
                    Instant submitted = Instant.parse(r.body().replaceAll(".*\"submittedAt\":\"([^\"]+)\".*", "$1"));
                    Instant decided = Instant.parse(r.body().replaceAll(".*\"updatedAt\":\"([^\"]+)\".*", "$1"));
                    toDecision.add(Duration.between(submitted, decided).toNanos() / 1000);
                    decisionToSeen.add(Duration.between(decided, seen).toNanos() / 1000);
                } else {
                    otherAnswers.add(r.status() + " after " + (System.nanoTime() - sent) / 1_000_000 + " ms: " + r.body());
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        String cpu = meter.cpuPerAction(count);
        System.out.printf(Locale.ROOT, "%sat %,d actions/s, POST to autonomous verdict visible (%s): %,d of %,d verdicts; %s%n",
                label, rate, inThePost ? "in the POST's answer, Prefer: wait=10" : "by a long poll after the 202", toVerdict.size(), count,
                percentiles(toVerdict));
        System.out.printf(Locale.ROOT, "  slowest in each second: %s ms%n", slowest);
        System.out.printf(Locale.ROOT, "  CPU per action, until its verdict was seen: %s%n", cpu);
        Map<String, Double> routerAfter = timers(routerUrl, ROUTER_TRANSACTION);
        double transactions = routerAfter.getOrDefault("transaction_count", 0.0) - routerBefore.getOrDefault("transaction_count", 0.0);
        System.out.printf(Locale.ROOT, "  of which submitted to decided by the router: %s (its transactions: %.0f, on average %.1f ms, the longest "
                        + "of the last minutes %.1f ms; %.0f took over 50 ms)%n", percentiles(toDecision), transactions,
                mean(routerBefore, routerAfter, "transaction"), routerAfter.getOrDefault("transaction_max", Double.NaN) * 1000,
                transactions - (routerAfter.getOrDefault(UNDER_50_MS, 0.0) - routerBefore.getOrDefault(UNDER_50_MS, 0.0)));
        System.out.printf(Locale.ROOT, "  and decided to seen by the worker: %s%n", percentiles(decisionToSeen));
        System.out.printf(Locale.ROOT, "  %s%n", meter.conditions());
        if (!otherAnswers.isEmpty()) {
            System.out.printf(Locale.ROOT, "  %,d answers were not an autonomous verdict, for example: %s%n", otherAnswers.size(),
                    otherAnswers.get(0));
        }
    }

    /**
     * What each phase reports beside its latencies, from its start: the CPU each process used per
     * action, the most requests in flight at once and how fast a core ran meanwhile.
     */
    private record PhaseMeter(LeanHttp http, ProcessCpu cpuBefore, int speedMark) {
        static PhaseMeter start(LeanHttp http) {
            http.countInFlightAfresh();
            return new PhaseMeter(http, ProcessCpu.now(), SPEED.mark());
        }

        /**
         * Read as soon as the phase's last answer is in: what comes after (the router catching up, the
         * gateway applying verdicts) is the same work, done later, and a longer phase shrinks that edge.
         */
        String cpuPerAction(int actions) {
            ProcessCpu now = ProcessCpu.now();
            double compilers = now.compilerShareSince(cpuBefore);
            // a phase whose load differs from the one before can make the compilers work again: their share says how much
            return ProcessCpu.perAction(now.since(cpuBefore), actions) + (Double.isNaN(compilers) ? ""
                    : String.format(Locale.ROOT, " (the JIT compilers %.0f%% of it)", compilers * 100));
        }

        String conditions() {
            return http.mostInFlight() + "; " + SPEED.since(speedMark);
        }
    }

    /** The slowest answer in each second of a phase: a stall (a pause, a slow commit) shows as one bad second. */
    static final class SlowestPerSecond {
        private final long[] micros;
        private final long start;

        SlowestPerSecond(int seconds, long startNanos) {
            this.micros = new long[seconds];
            this.start = startNanos;
        }

        /** An answer to the request due at {@code dueNanos}, which took {@code took} microseconds. */
        synchronized void answered(long dueNanos, long took) {
            int second = (int) Math.min(micros.length - 1, (dueNanos - start) / 1_000_000_000L);
            micros[second] = Math.max(micros[second], took);
        }

        /** In milliseconds, one figure per second. */
        @Override
        public synchronized String toString() {
            return java.util.Arrays.stream(micros).mapToObj(w -> String.format(Locale.ROOT, "%.0f", w / 1000.0))
                    .collect(java.util.stream.Collectors.joining(" "));
        }
    }

    /** Each phase's fresh agents, by their ids' prefix. */
    static List<String> phasesAgents(int passes) {
        List<String> prefixes = new ArrayList<>(List.of("load-agent-", "warm-poll-agent-", "warm-prefer-agent-"));
        for (int pass = 1; pass <= passes; pass++) {
            for (String phase : List.of("warm-paced-agent-", "paced-agent-", "verdict-agent-", "prefer-agent-")) {
                prefixes.add(phase + pass + "-");
            }
        }
        return prefixes;
    }

    private static final Map<String, List<String>> SIGNED_IN = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Every phase's agents sign in at the start, before the warm-up: a worker's first request with a
     * new credential (verified on a worker thread, its request paused and resumed) is a rare event
     * spread over the hour, not 500 at once. Signed in just before each phase, they made the gateway's
     * compiled HTTP code meet request types it had not seen since the warm-up, and the compilers
     * recompiled it during the measurement (a quarter of the mesh's CPU in the paced phases).
     */
    static void signInEveryPhasesAgents(LeanHttp http, int passes) {
        List<String> prefixes = phasesAgents(passes);
        System.out.printf(Locale.ROOT, "Signing in %d phases' agents, 500 each...%n", prefixes.size());
        for (String prefix : prefixes) {
            agents(http, prefix);
        }
    }

    /** A phase's agents, signed in (now, unless {@link #signInEveryPhasesAgents} did already). */
    static List<String> agents(LeanHttp http, String prefix) {
        return SIGNED_IN.computeIfAbsent(prefix, p -> {
            List<String> credentials = issue(http, p);
            signIn(http, credentials);
            return credentials;
        });
    }

    /**
     * Credentials for 500 agents named {@code prefix} and a number: JWTs valid for an hour, or, with
     * {@code -Dorgos.bench.api-keys=true}, API keys issued by an admin through the gateway (and with
     * {@code -Dorgos.bench.api-key-memory=0s}, checked in the database on every request, as before
     * the gateway remembered them).
     */
    private static List<String> issue(LeanHttp http, String prefix) {
        List<String> credentials = new ArrayList<>();
        if (!Boolean.getBoolean("orgos.bench.api-keys")) {
            for (int i = 0; i < 500; i++) {
                credentials.add(DevTokens.agent(prefix + i, Duration.ofHours(1)));
            }
            return credentials;
        }
        String admin = DevTokens.human("load-admin", List.of("orgos-admin"), Duration.ofHours(2));
        List<CompletableFuture<LeanHttp.Response>> issued = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            issued.add(http.post("/v1/api-keys", admin, "{\"agentId\":\"" + prefix + i + "\",\"description\":\"load driver\"}"));
        }
        for (var f : issued) {
            LeanHttp.Response r = f.join();
            java.util.regex.Matcher m = API_KEY.matcher(r.body());
            if (r.status() != 201 || !m.find()) {
                throw new IllegalStateException("the gateway issued no API key: " + r.status() + " " + r.body());
            }
            credentials.add(m.group(1));
        }
        return credentials;
    }

    private static final java.util.regex.Pattern API_KEY = java.util.regex.Pattern.compile("\"apiKey\":\"(orgos_ak_[^\"]+)\"");

    /**
     * Each token's first request has its signature verified (an RSA check, then remembered until the
     * token expires): a worker pays it once an hour, not per action. Done before the warm-up (see
     * {@link #signInEveryPhasesAgents}), so that no phase measures a burst of verifications.
     */
    static void signIn(LeanHttp http, List<String> tokens) {
        CompletableFuture.allOf(tokens.stream().map(t -> http.get("/v1/actions/sign-in-check", t))
                .toArray(CompletableFuture[]::new)).join();
    }

    /** The gateway's submission timers (seconds and counts), from its Prometheus endpoint. */
    static Map<String, Double> submissionStages(String url) throws Exception {
        return timers(url, STAGE);
    }

    /** Timers' sums, counts and maxima (in seconds), named by the pattern's first group, from a Prometheus endpoint. */
    static Map<String, Double> timers(String url, java.util.regex.Pattern timer) throws Exception {
        String text = Prometheus.scrape(url);
        Map<String, Double> out = new java.util.HashMap<>();
        for (String line : text.split("\n")) {
            java.util.regex.Matcher m = timer.matcher(line);
            if (m.find()) {
                out.put(m.group(1) + "_" + m.group(2), Double.parseDouble(m.group(3)));
            }
        }
        return out;
    }

    private static final java.util.regex.Pattern STAGE =
            java.util.regex.Pattern.compile("^orgos_gateway_submission_(\\w+?)_seconds_(sum|count)\\{?[^ ]*\\s+([0-9.eE+-]+)");
    private static final String UNDER_50_MS = "transaction_bucket{le=\"0.05\"";
    private static final java.util.regex.Pattern ROUTER_TRANSACTION =
            java.util.regex.Pattern.compile("^orgos_router_(transaction)_seconds_(sum|count|max|bucket\\{le=\"0.05\")\\S*\\s+([0-9.eE+-]+)");

    private static final java.util.regex.Pattern REMEMBERED =
            java.util.regex.Pattern.compile("^orgos_router_(remembered)_(actions_bytes|actions)(?:\\{[^ ]*)?\\s+([0-9.eE+-]+)");

    static double mean(Map<String, Double> before, Map<String, Double> after, String stage) {
        double sum = after.getOrDefault(stage + "_sum", 0.0) - before.getOrDefault(stage + "_sum", 0.0);
        double count = after.getOrDefault(stage + "_count", 0.0) - before.getOrDefault(stage + "_count", 0.0);
        return count == 0 ? Double.NaN : sum / count * 1000;
    }

    /** Lets the earlier phase's verdicts drain, so that the next phase measures its own. */
    private static void drain(Mesh mesh) throws Exception {
        RoutingThroughput.awaitGroupAtEnd(mesh.endpoints().kafkaBootstrap(), "orgos-router", dev.orgos.schema.Topics.ACTIONS.topic(),
                Duration.ofMinutes(5));
        RoutingThroughput.awaitGroupAtEnd(mesh.endpoints().kafkaBootstrap(), "orgos-gateway", dev.orgos.schema.Topics.VERDICTS.topic(),
                Duration.ofMinutes(5), dev.orgos.schema.Topics.VERDICTS.defaultPartitions());
    }

    /**
     * Sleeps until {@code due} (System.nanoTime). Not a spin: the driver shares the two cores with
     * the mesh it measures, and a spinning pacer took one of them whole. Parking may wake some tens
     * of microseconds late; the schedule is absolute, so lateness does not add up.
     */
    static void waitUntil(long due) {
        for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    /**
     * No rate limit in the way; and, with -Dorgos.bench.trace-sampling=0.1, the gateway's trace
     * sampling ratio (default: every action traced, as the gateway ships).
     */
    static Map<String, String> config() {
        Map<String, String> config = new java.util.HashMap<>(Map.of("orgos.gateway.rate-limit.per-second", "100000"));
        String sampling = System.getProperty("orgos.bench.trace-sampling");
        if (sampling != null) {
            config.put("quarkus.otel.traces.sampler.arg", sampling);
        }
        String keyMemory = System.getProperty("orgos.bench.api-key-memory");
        if (keyMemory != null) {
            config.put("orgos.gateway.api-key-memory", keyMemory);
        }
        return config;
    }

    private static final java.util.regex.Pattern ACTION_ID = java.util.regex.Pattern.compile("\"actionId\":\"([^\"]+)\"");

    static String action() {
        return "{\"actionId\":\"" + UUID.randomUUID() + "\",\"actionType\":\"refund.issue\",\"amount\":10,\"confidence\":0.95}";
    }

    /**
     * A closed loop of {@code inFlight} lanes on the client's event loop: each answer sends the lane's
     * next request. Driven from another thread through a semaphore instead, the hand-offs took 45% of
     * a core at 4,000 requests/s, CPU the mesh under test then did not have (wrk, written in C, would
     * take a fraction of it); on the event loop the driver takes 8-17%.
     */
    static int run(LeanHttp http, List<String> tokens, int n, int inFlight, List<Long> latencies) throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger issued = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        Runnable[] lane = new Runnable[1];
        lane[0] = () -> {
            int i = issued.getAndIncrement();
            if (i >= n) {
                return;
            }
            long s = System.nanoTime();
            http.post("/v1/actions", tokens.get(i % tokens.size()), action()).whenComplete((r, e) -> {
                if (e == null && r.status() == 202) {
                    accepted.incrementAndGet();
                    if (latencies != null) {
                        latencies.add((System.nanoTime() - s) / 1000);
                    }
                }
                if (answered.incrementAndGet() == n) {
                    finished.complete(null);
                } else {
                    lane[0].run();
                }
            });
        };
        if (n == 0) {
            return 0;
        }
        http.onLoop(() -> {
            for (int k = 0; k < inFlight; k++) {
                lane[0].run();
            }
        });
        finished.join();
        return accepted.get();
    }

    static String percentiles(List<Long> micros) {
        List<Long> s = new ArrayList<>(micros);
        Collections.sort(s);
        if (s.isEmpty()) {
            return "no samples";
        }
        return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms", s.get(s.size() / 2) / 1000.0,
                s.get((int) (s.size() * 0.99)) / 1000.0, s.get(s.size() - 1) / 1000.0);
    }
}
