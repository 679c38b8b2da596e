package dev.orgos.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void portsAreChosenBelowTheRangeOutgoingConnectionsTakeTheirsFromAndNeverTwice() throws Exception {
        Set<Integer> ports = new HashSet<>();
        IntStream.range(0, 200).forEach(i -> ports.add(Ports.free()));
        assertEquals(200, ports.size(), "each port handed out once, though none is bound yet");
        int ephemeral = Ports.ephemeralStart();
        assertTrue(ports.stream().allMatch(p -> p >= Ports.LOWEST && p < ephemeral), "below " + ephemeral + ": " + ports);
        int port = ports.iterator().next();
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, s.getLocalPort(), "and free to bind");
        }
    }
}
