package dev.orgos.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Real PostgreSQL binaries from a Maven jar, run as child processes on 127.0.0.1. As root the
 * library wraps initdb and postgres in 'unshare -U', which is why this works in CI too.
 */
final class LocalPostgres implements AutoCloseable {
    private final EmbeddedPostgres postgres;
    /** The server itself: pg_ctl starts it detached, so it is no child of ours to find otherwise. */
    private final java.util.Optional<ProcessHandle> postmaster;

    private LocalPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
        String port = " -p " + postgres.getPort() + " ";
        this.postmaster = ProcessHandle.allProcesses()
                .filter(h -> {
                    String command = Processes.commandLine(h.pid()); // empty elsewhere than on Linux: then not guarded
                    return command.contains("/bin/postgres ") && command.contains(port);
                })
                .findFirst();
        postmaster.ifPresent(OrphanGuard::guard);
    }

    static LocalPostgres start(Path workDir) {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setPort(Ports.free())
                    .setOverrideWorkingDirectory(workDir.toFile())
                    .setCleanDataDirectory(true)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "on")
                    // the library's default is off: a commit would return before its WAL is on disk, and
                    // the tests and benchmarks would measure a database that can lose acknowledged work
                    .setServerConfig("synchronous_commit", "on")
                    .start();
            return new LocalPostgres(pg);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL", e);
        }
    }

    int port() {
        return postgres.getPort();
    }

    @Override
    public void close() {
        try {
            postgres.close();
            postmaster.ifPresent(OrphanGuard::release);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
