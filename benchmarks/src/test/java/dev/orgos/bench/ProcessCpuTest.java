package dev.orgos.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCpuTest {

    @Test
    void eachPartOfTheMeshIsKnownByItsCommandLineAndNothingElseIsCounted() {
        String java = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";
        assertEquals("gateway", ProcessCpu.part(java, "-Xmx512m -jar /work/main/execution-gateway/target/quarkus-app/quarkus-run.jar"));
        assertEquals("router", ProcessCpu.part(java, "-Dkafka.bootstrap.servers=127.0.0.1:1 -jar coordination-router/target/quarkus-app/quarkus-run.jar"));
        assertEquals("broker", ProcessCpu.part(java, "-Xmx512m -XX:+UseSerialGC -cp /x/libs/* kafka.Kafka /x/server.properties"));
        assertEquals("registry", ProcessCpu.part(java, "-Xmx512m -Dquarkus.http.host=127.0.0.1 -jar local-infra/target/apicurio-registry/quarkus-run.jar"));
        assertEquals("console", ProcessCpu.part(java, "-Dmp.messaging.connector.smallrye-kafka.apicurio.registry.url=http://x "
                + "-jar console/target/quarkus-app/quarkus-run.jar"), "a service told the registry's address is not the registry");
        assertEquals("PostgreSQL", ProcessCpu.part("/tmp/embedded-pg/bin/postgres", ""), "a backend, whatever its title says");
        assertNull(ProcessCpu.part(java, "-jar some-other-app.jar"));
        assertNull(ProcessCpu.part("/usr/bin/bash", "execution-gateway"), "a shell that names a module is not the module");
    }

    @Test
    void aCommandLineLongerThanTheJdkReadsIsReadWholeAsTheBrokersIs() throws Exception {
        String tail = "x".repeat(6_000) + " kafka.Kafka";
        Process p = new ProcessBuilder("/bin/sh", "-c", "sleep 30", "sh", tail).start();
        try {
            String arguments = ProcessCpu.arguments(p.pid(), p.toHandle().info());
            assertTrue(arguments.endsWith("kafka.Kafka"), "the end of a 6,000-byte command line is read");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void theDriversOwnCpuIsMeasuredBetweenTwoReadings() {
        ProcessCpu before = ProcessCpu.now();
        long spin = System.nanoTime() + Duration.ofMillis(200).toNanos();
        double x = 0;
        while (System.nanoTime() < spin) {
            x += Math.sqrt(x + 1);
        }
        Map<String, Duration> used = ProcessCpu.now().since(before);
        assertTrue(x > 0);
        assertTrue(used.get("load driver").toMillis() >= 100, "it spent about 200 ms of CPU: " + used);
    }

    @Test
    void aCompilerThreadIsKnownByItsNameAndItsTimeReadPastANameWithSpaces() {
        String c2 = "4321 (C2 CompilerThre) S 4300 4300 1 0 -1 4194368 12 0 0 0 2417 183 0 0 20 0 50 0 1000 0 0";
        assertTrue(ProcessCpu.isCompilerThread(c2));
        assertEquals(2417 + 183, ProcessCpu.cpuTicks(c2));
        assertTrue(ProcessCpu.isCompilerThread("4322 (C1 CompilerThre) S 4300 4300 1 0 -1 0 0 0 0 0 7 1 0 0"));
        String worker = "4323 (vert.x-eventloo) R 4300 4300 1 0 -1 0 0 0 0 0 900 100 0 0";
        assertTrue(!ProcessCpu.isCompilerThread(worker));
        assertEquals(1000, ProcessCpu.cpuTicks(worker));
        String odd = "4324 (a (b) c) S 4300 4300 1 0 -1 0 0 0 0 0 30 12 0 0";
        assertEquals(42, ProcessCpu.cpuTicks(odd), "the fields are counted after the last parenthesis");
    }

    @Test
    void aProcesssCompilerTimeIsItsCompilerThreadsTimeAlone(@TempDir Path proc) throws Exception {
        thread(proc, 11, "11 (C2 CompilerThre) S 1 1 1 0 -1 0 0 0 0 0 250 50 0 0");
        thread(proc, 12, "12 (C1 CompilerThre) S 1 1 1 0 -1 0 0 0 0 0 20 0 0 0");
        thread(proc, 13, "13 (vert.x-eventloo) R 1 1 1 0 -1 0 0 0 0 0 5000 700 0 0");
        assertEquals(Duration.ofMillis(3_200).toNanos(), ProcessCpu.compilerNanos(proc), "320 ticks of 10 ms");
        assertEquals(0, ProcessCpu.compilerNanos(proc.resolve("gone")), "a process that ended counts nothing");
    }

    private static void thread(Path proc, int tid, String stat) throws Exception {
        Files.createDirectories(proc.resolve("task/" + tid));
        Files.writeString(proc.resolve("task/" + tid + "/stat"), stat + "\n");
    }

    @Test
    void theCompilersShareIsOfTheMeshsCpuWithTheDriverLeftOut() {
        long ms = 1_000_000;
        ProcessCpu before = new ProcessCpu(Map.of(
                1L, new ProcessCpu.Sample("gateway", 1_000 * ms, 100 * ms),
                2L, new ProcessCpu.Sample("load driver", 500 * ms, 50 * ms)));
        ProcessCpu after = new ProcessCpu(Map.of(
                1L, new ProcessCpu.Sample("gateway", 1_600 * ms, 250 * ms),
                2L, new ProcessCpu.Sample("load driver", 900 * ms, 350 * ms),
                3L, new ProcessCpu.Sample("broker", 400 * ms, 50 * ms)));
        // gateway 600 ms of which 150 compiling; the broker, seen only now, 400 of which 50; the driver not at all
        assertEquals(0.2, after.compilerShareSince(before), 1e-9);
        assertTrue(Double.isNaN(before.compilerShareSince(before)), "no CPU used, no share");
    }

    @Test
    void perActionIsEachPartsShareAndTheMeshsSumWithoutTheDriver() {
        Map<String, Duration> used = new LinkedHashMap<>();
        used.put("gateway", Duration.ofMillis(970));
        used.put("broker", Duration.ofMillis(730));
        used.put("load driver", Duration.ofMillis(210));
        assertEquals("gateway 97 µs, broker 73 µs, load driver 21 µs; the mesh without the driver 170 µs",
                ProcessCpu.perAction(used, 10_000));
        assertEquals("not available on this system", ProcessCpu.perAction(Map.of(), 10_000));
    }
}
