package dev.orgos.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
