package dev.orgos.bench;

import dev.orgos.infra.Processes;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time used by each part of the mesh on this host, per process as the operating system counts
 * it: what an accepted action costs the gateway, the broker, PostgreSQL, the router and the load
 * driver. How fast the machine's cores are varies from day to day; how much CPU an action takes
 * does not, so this is the figure that compares builds. Processes are told apart by their command
 * line (the broker's main class, a service's module directory, PostgreSQL's executable); any other
 * process is left out. Where the JDK cannot read another process's CPU time, it is absent.
 */
final class ProcessCpu {

    /** The parts, in the order they are printed. */
    static final List<String> PARTS = List.of("gateway", "broker", "PostgreSQL", "router", "escalation", "ledger", "console",
            "registry", "load driver");

    /** Whether this system shows a process's threads under /proc (Linux does). */
    private static final boolean THREADS_READABLE = java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/self/task"));

    /** A process's CPU time, and the part of it its JIT compiler threads used (0 where unknown). */
    record Sample(String part, long cpuNanos, long compilerNanos) {
        /** What the process used since {@code then}: all of it when it was not seen then (it started since). */
        Sample since(Sample then) {
            return then == null ? this
                    : new Sample(part, Math.max(0, cpuNanos - then.cpuNanos), Math.max(0, compilerNanos - then.compilerNanos));
        }
    }

    private final Map<Long, Sample> samples;

    ProcessCpu(Map<Long, Sample> samples) {
        this.samples = samples;
    }

    static ProcessCpu now() {
        long self = ProcessHandle.current().pid();
        Map<Long, Sample> samples = new HashMap<>();
        ProcessHandle.allProcesses().forEach(p -> {
            ProcessHandle.Info info = p.info();
            String part = p.pid() == self ? "load driver" : part(info.command().orElse(""), arguments(p.pid(), info));
            if (part != null) {
                long compilers = part.equals("PostgreSQL") ? 0 : compilerNanos(p.pid());
                info.totalCpuDuration().ifPresent(cpu -> samples.put(p.pid(), new Sample(part, cpu.toNanos(), compilers)));
            }
        });
        return new ProcessCpu(samples);
    }

    /**
     * The JDK gives no arguments when the command line is longer than it reads (4,096 bytes): the
     * broker's, with its long class path and its main class at the end. Then it is read from /proc.
     */
    static String arguments(long pid, ProcessHandle.Info info) {
        return info.arguments().map(a -> String.join(" ", a)).orElseGet(() -> Processes.commandLine(pid).strip());
    }

    /** Which part of the mesh a process is, from its executable and arguments; null for none. */
    static String part(String command, String arguments) {
        if (command.endsWith("/postgres")) {
            return "PostgreSQL"; // its backends rename themselves, but not their executable
        }
        if (!command.endsWith("/java")) {
            return null;
        }
        if (arguments.contains("kafka.Kafka")) {
            return "broker";
        }
        for (String[] module : new String[][] {{"execution-gateway", "gateway"}, {"coordination-router", "router"},
                {"escalation-service", "escalation"}, {"accountability-ledger", "ledger"}, {"console/", "console"},
                // the registry's own path: the services are told its address under "apicurio.registry"
                {"apicurio-registry", "registry"}}) {
            if (arguments.contains(module[0])) {
                return module[1];
            }
        }
        return null;
    }

    /**
     * CPU time of a JVM's JIT compiler threads (HotSpot names them "C1 CompilerThreadN" and "C2
     * CompilerThreadN", cut to 15 characters by Linux), from /proc; 0 elsewhere than on Linux. /proc
     * counts in USER_HZ, which Linux fixes at 100 a second for what it shows user space.
     */
    static long compilerNanos(long pid) {
        return compilerNanos(java.nio.file.Path.of("/proc/" + pid));
    }

    static long compilerNanos(java.nio.file.Path process) {
        long ticks = 0;
        try (var tasks = java.nio.file.Files.newDirectoryStream(process.resolve("task"))) {
            for (java.nio.file.Path task : tasks) {
                try {
                    String stat = java.nio.file.Files.readString(task.resolve("stat"));
                    if (isCompilerThread(stat)) {
                        ticks += cpuTicks(stat);
                    }
                } catch (java.io.IOException | RuntimeException threadGone) {
                    // a thread that ended meanwhile: its time is no longer counted anywhere
                }
            }
        } catch (java.io.IOException | RuntimeException noProc) {
            return 0;
        }
        return ticks * 10_000_000L;
    }

    /** Whether a thread's /proc stat line names a HotSpot JIT compiler thread. */
    static boolean isCompilerThread(String stat) {
        int open = stat.indexOf('(');
        return stat.startsWith("C1 CompilerThre", open + 1) || stat.startsWith("C2 CompilerThre", open + 1);
    }

    /**
     * User plus system time, in ticks, from a /proc stat line: the 14th and 15th fields, counted after
     * the name's closing parenthesis because the name itself may hold spaces and parentheses.
     */
    static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * The share of the mesh's CPU (the driver left out) that its JVMs' JIT compilers used between
     * {@code before} and this; NaN when nothing was measured. A share near nothing is what a mesh
     * warmed up looks like: while it is high, the compilers take CPU from the work being measured.
     */
    double compilerShareSince(ProcessCpu before) {
        if (!THREADS_READABLE) {
            return Double.NaN; // no /proc: the compilers' time reads as nothing, which is not a share of 0
        }
        long all = 0;
        long compilers = 0;
        for (var e : samples.entrySet()) {
            Sample used = e.getValue().since(before.samples.get(e.getKey()));
            if (!used.part().equals("load driver")) {
                all += used.cpuNanos();
                compilers += used.compilerNanos();
            }
        }
        return all == 0 ? Double.NaN : (double) compilers / all;
    }

    /** CPU time used by each part between {@code before} and this: a process seen only now counts from its start. */
    Map<String, Duration> since(ProcessCpu before) {
        Map<String, Long> nanos = new HashMap<>();
        samples.forEach((pid, now) -> nanos.merge(now.part(), now.since(before.samples.get(pid)).cpuNanos(), Long::sum));
        Map<String, Duration> ordered = new LinkedHashMap<>();
        PARTS.stream().filter(nanos::containsKey).forEach(part -> ordered.put(part, Duration.ofNanos(nanos.get(part))));
        return ordered;
    }

    /** "gateway 97 µs, broker 73 µs, ...; the mesh without the driver 276 µs": per action, of {@code actions}. */
    static String perAction(Map<String, Duration> used, long actions) {
        if (used.isEmpty() || actions == 0) {
            return "not available on this system";
        }
        String each = used.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %,.0f µs", e.getKey(), e.getValue().toNanos() / 1e3 / actions))
                .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "%s; the mesh without the driver %,.0f µs", each, meshNanos(used) / 1e3 / actions);
    }

    /** CPU time of every part but the load driver, in nanoseconds. */
    static long meshNanos(Map<String, Duration> used) {
        return used.entrySet().stream().filter(e -> !e.getKey().equals("load driver")).mapToLong(e -> e.getValue().toNanos()).sum();
    }
}
