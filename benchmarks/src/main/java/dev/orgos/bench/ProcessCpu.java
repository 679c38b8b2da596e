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

    private record Sample(String part, long cpuNanos) {
    }

    private final Map<Long, Sample> samples;

    private ProcessCpu(Map<Long, Sample> samples) {
        this.samples = samples;
    }

    static ProcessCpu now() {
        long self = ProcessHandle.current().pid();
        Map<Long, Sample> samples = new HashMap<>();
        ProcessHandle.allProcesses().forEach(p -> {
            ProcessHandle.Info info = p.info();
            String part = p.pid() == self ? "load driver" : part(info.command().orElse(""), arguments(p.pid(), info));
            if (part != null) {
                info.totalCpuDuration().ifPresent(cpu -> samples.put(p.pid(), new Sample(part, cpu.toNanos())));
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

    /** CPU time used by each part between {@code before} and this: a process seen only now counts from its start. */
    Map<String, Duration> since(ProcessCpu before) {
        Map<String, Long> nanos = new HashMap<>();
        samples.forEach((pid, now) -> {
            Sample then = before.samples.get(pid);
            long used = now.cpuNanos() - (then == null ? 0 : then.cpuNanos());
            nanos.merge(now.part(), Math.max(0, used), Long::sum);
        });
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
        long mesh = used.entrySet().stream().filter(e -> !e.getKey().equals("load driver")).mapToLong(e -> e.getValue().toNanos()).sum();
        return String.format(Locale.ROOT, "%s; the mesh without the driver %,.0f µs", each, mesh / 1e3 / actions);
    }
}
