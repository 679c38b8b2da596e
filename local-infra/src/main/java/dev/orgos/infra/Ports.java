package dev.orgos.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

public final class Ports {
    private Ports() {
    }

    /** Where chosen ports start: above the well-known and most registered ones. */
    static final int LOWEST = 10_000;
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.Random RANDOM = new java.util.Random();

    /**
     * A port that was free on 127.0.0.1 a moment ago, below the kernel's ephemeral range, and not
     * handed out before by this JVM. A port the kernel picks for a bind to port 0 comes from the
     * range it also takes the local ports of outgoing connections from. Between the choice and the
     * service binding it (seconds, for a JVM starting on a busy machine), any client's connection
     * may take it as its own port, and the service then cannot start: CI once lost a run to a
     * gateway that found its port in use. Below that range only listeners compete for it.
     */
    public static int free() {
        int highest = ephemeralStart() - 1;
        for (int attempt = 0; attempt < 100 && highest > LOWEST; attempt++) {
            int port = LOWEST + RANDOM.nextInt(highest - LOWEST + 1);
            if (!HANDED_OUT.contains(port) && isFree(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        // a machine with its ephemeral range set low: let the kernel choose, as before
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /** Whether {@code port} can be bound on 127.0.0.1 now. */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of Linux's ephemeral range (32768 unless configured); elsewhere, the IANA range's. */
    static int ephemeralStart() {
        // read by line: Files.readString on this /proc file answered "3" here (its size says 0)
        try (var in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            return Integer.parseInt(in.readLine().trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 49_152;
        }
    }

    static boolean listening(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls until ready or the deadline passes; polling is the point here, not a test sleep. */
    static void await(String what, Duration timeout, BooleanSupplier ready) {
        Instant deadline = Instant.now().plus(timeout);
        while (!ready.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(what + " did not become ready within " + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }
}
