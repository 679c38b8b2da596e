package dev.orgos.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LocalKafkaTest {
    private static final List<String> JVM = List.of("java", "-Xmx512m", "-cp", "libs/*");

    @Test
    void extraArgumentsComeLastSoThatTheyWinAndAChosenCollectorReplacesSerialGc() {
        assertEquals(List.of("java", "-Xmx512m", "-cp", "libs/*", "-XX:+UseSerialGC"), LocalKafka.brokerJvm(JVM, " "),
                "nothing extra: one collector thread");
        assertEquals(List.of("java", "-Xmx512m", "-cp", "libs/*", "-XX:+UseSerialGC", "-Xlog:gc:file=k.log", "-Xmx1g"),
                LocalKafka.brokerJvm(JVM, "-Xlog:gc:file=k.log  -Xmx1g"), "the JVM takes the last -Xmx");
        assertEquals(List.of("java", "-Xmx512m", "-cp", "libs/*", "-XX:+UseParallelGC"),
                LocalKafka.brokerJvm(JVM, "-XX:+UseParallelGC"), "the JVM refuses two collectors");
    }
}
