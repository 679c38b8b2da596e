package dev.orgos.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Stops the servers and services this JVM started when it dies without stopping them. A shutdown
 * hook covers Ctrl-C and SIGTERM; nothing runs in a JVM killed with SIGKILL (by hand, by the
 * OOM killer, by a CI timeout), and its Kafka, registry, PostgreSQL and services went on running
 * and holding memory and ports until someone found them.
 *
 * <p>So the first guarded child also starts a small watcher outside the JVM ({@code /bin/sh}). It
 * waits for this JVM to end, then asks every child still listed to stop (SIGTERM), and after
 * {@value #GRACE_SECONDS} seconds forces the rest (SIGKILL). The list is a file this JVM rewrites
 * as children start and stop; a child stopped normally leaves it, so after a clean exit the
 * watcher has nothing to do. Each child is listed with its start time from {@code /proc}, and is
 * signalled only if the process with that id still has that start time: a child that ended on its
 * own may have had its id given to another process since.
 *
 * <p>Linux only (it reads {@code /proc}); elsewhere guarding does nothing.
 */
public final class OrphanGuard {
    static final int GRACE_SECONDS = 10;

    private static final String WATCHER = """
            trap '' INT HUP
            parent=$1; list=$2; grace=$3
            # field 3 is the state when the name has no space in it, as for java and postgres
            alive() { [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; }
            while alive "$parent"; do sleep 1; done
            signal() {
              while read -r pid start; do
                [ -r "/proc/$pid/stat" ] || continue
                stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
                set -- ${stat##*") "}
                [ "${20}" = "$start" ] && kill -"$SIG" "$pid" 2>/dev/null
              done < "$list"
            }
            if [ -s "$list" ]; then
              SIG=TERM signal
              i=0
              while [ "$i" -lt "$grace" ]; do
                sleep 1; i=$((i + 1))
                left=0
                while read -r pid start; do alive "$pid" && left=1; done < "$list"
                [ "$left" = 0 ] && break
              done
              SIG=KILL signal
            fi
            rm -f "$list"
            """;

    private static final Map<Long, String> GUARDED = new LinkedHashMap<>();
    private static Path list;
    private static boolean watching;
    private static boolean warned;

    private OrphanGuard() {
    }

    /** Stops {@code child} if this JVM ends without stopping it. */
    public static synchronized void guard(ProcessHandle child) {
        if (!supported()) {
            return;
        }
        String start = startTime(child.pid());
        if (start == null) {
            return; // already gone
        }
        GUARDED.put(child.pid(), start);
        try {
            write();
            if (!watching) {
                startWatcher();
                watching = true;
            }
        } catch (IOException | UncheckedIOException e) {
            // a convenience, not a condition to run: say so once and go on
            if (!warned) {
                warned = true;
                System.err.println("orgos: cannot watch for this process being killed (" + e.getMessage()
                        + "); what it starts is stopped on a normal exit only");
            }
        }
    }

    /** {@code child} was stopped, or is stopped by its owner: not the watcher's business any more. */
    public static synchronized void release(ProcessHandle child) {
        if (GUARDED.remove(child.pid()) != null && list != null) {
            try {
                write();
            } catch (IOException e) {
                // the watcher may signal a child already stopped: it checks the start time, so no other process
            }
        }
    }

    /** The watcher's list of children, once there is one (for tests). */
    static synchronized Path watcherFile() {
        return list;
    }

    static boolean supported() {
        return Files.isReadable(Path.of("/proc/self/stat")) && Files.isExecutable(Path.of("/bin/sh"));
    }

    /** Field 22 of /proc/pid/stat (clock ticks after boot), or null if there is no such process. */
    static String startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            // the command name (field 2) is in parentheses and may hold spaces: count from after it
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return fields[19];
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void write() throws IOException {
        if (list == null) {
            list = Files.createTempFile("orgos-children-", ".pids");
        }
        String text = GUARDED.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + "\n").collect(Collectors.joining());
        // replaced whole, never rewritten in place: the watcher may read it at any moment
        Path next = Files.writeString(list.resolveSibling(list.getFileName() + ".next"), text);
        Files.move(next, list, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void startWatcher() throws IOException {
        new ProcessBuilder(List.of("/bin/sh", "-c", WATCHER, "orgos-orphan-guard", Long.toString(ProcessHandle.current().pid()),
                list.toString(), Integer.toString(GRACE_SECONDS)))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true)
                .start();
    }
}
