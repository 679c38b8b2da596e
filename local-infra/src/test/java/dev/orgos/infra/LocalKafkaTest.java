package dev.orgos.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LocalKafkaTest {
    private static final List<String> JVM = List.of("java", "-Xmx512m", "-XX:+UseSerialGC", "-cp", "libs/*");

    @Test
    void extraArgumentsComeLastSoThatTheyWinAndAChosenCollectorReplacesSerialGc() {
        assertEquals(JVM, LocalKafka.brokerJvm(JVM, " "), "nothing extra: as it was");
        assertEquals(List.of("java", "-Xmx512m", "-XX:+UseSerialGC", "-cp", "libs/*", "-Xlog:gc:file=k.log", "-Xmx1g"),
                LocalKafka.brokerJvm(JVM, "-Xlog:gc:file=k.log  -Xmx1g"), "the JVM takes the last -Xmx");
        assertEquals(List.of("java", "-Xmx512m", "-cp", "libs/*", "-XX:+UseParallelGC"),
                LocalKafka.brokerJvm(JVM, "-XX:+UseParallelGC"), "the JVM refuses two collectors");
    }
}
