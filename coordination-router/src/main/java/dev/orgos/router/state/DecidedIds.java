package dev.orgos.router.state;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The action ids one partition decided within the de-duplication window, so that a resubmission
 * gets no second decision, and nothing older: the window is how long an id is remembered after its
 * decision.
 *
 * <p>Kept in time slices of plain byte and int arrays rather than a set of Strings. At 1,000
 * actions/s a day's window holds tens of millions of ids; as objects (a map node, a String and its
 * bytes, ~120 bytes each) they were what every garbage collection of the router copied and
 * scanned, and a set that only grew filled the heap within hours. In arrays an id costs its bytes
 * plus two table slots (~60 bytes for a UUID), the collector never looks inside, and a slice older
 * than the window is dropped whole.
 *
 * <p>Times are decision times (the routing transaction's clock, replayed from each state delta's
 * {@code occurredAt}); the window slides with the latest one seen, so a replay of the state topic
 * forgets exactly what the live partition had forgotten. A clock stepped back loses nothing; one
 * stepped forward by more than the window forgets early, as any time-based window would. Not
 * thread-safe: owned by the partition's routing thread, like {@link PartitionState}.
 */
final class DecidedIds {
    /** An id is kept for the window plus at most one slice: 1/8 more memory, nine lookups at most. */
    private static final int SLICES = 8;

    private final long windowMillis;
    private final long sliceMillis;
    private final ArrayDeque<Slice> slices = new ArrayDeque<>();
    private long latest = Long.MIN_VALUE;
    // kept up to date rather than summed on demand: the metrics thread reads them (a stale value does no harm)
    private int size;
    private long footprint;

    DecidedIds(Duration window) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the de-duplication window must be positive, was " + window);
        }
        this.windowMillis = window.toMillis();
        this.sliceMillis = Math.max(1, windowMillis / SLICES);
    }

    boolean contains(String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        return contains(bytes, hash(bytes));
    }

    private boolean contains(byte[] bytes, int hash) {
        // newest first: a resubmission usually follows its original closely
        for (Iterator<Slice> it = slices.descendingIterator(); it.hasNext();) {
            if (it.next().contains(bytes, hash)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Remembers an id decided at this time, unless it is remembered already, and forgets what the
     * window no longer covers. False when the id was already there: one look, one encoding, for the
     * router's check and its note together.
     */
    boolean add(String id, Instant decidedAt) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        int hash = hash(bytes);
        if (contains(bytes, hash)) {
            return false;
        }
        long at = decidedAt.toEpochMilli();
        latest = Math.max(latest, at);
        long index = Math.floorDiv(latest, sliceMillis);
        // An earlier time (a clock stepped back) goes into the newest slice: kept longer, never shorter.
        Slice newest = slices.peekLast();
        if (newest == null || newest.index < index) {
            newest = new Slice(index);
            slices.addLast(newest);
            footprint += newest.bytes;
        }
        long before = newest.bytes;
        newest.insert(bytes, hash);
        size++;
        footprint += newest.bytes - before;
        forgetBefore(latest - windowMillis);
        return true;
    }

    private void forgetBefore(long cutoff) {
        while (!slices.isEmpty() && (slices.peekFirst().index + 1) * sliceMillis <= cutoff) {
            Slice oldest = slices.removeFirst();
            size -= oldest.size;
            footprint -= oldest.bytes;
        }
    }

    /** Ids remembered. */
    int size() {
        return size;
    }

    /** Bytes held by the arrays, for the operator's gauge. */
    long footprint() {
        return footprint;
    }

    private static int hash(byte[] bytes) {
        int h = 0x9747b28c;
        for (byte b : bytes) {
            h = 31 * h + b;
        }
        // murmur3's finalizer: the table's index is the low bits, which a plain polynomial hash spreads poorly
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /**
     * The ids decided in one slice of time: their bytes (a two-byte length, then UTF-8) in chunks
     * that double from 4 KB to 1 MB, so a quiet partition holds little and a busy one never copies
     * what it wrote; an open-addressing table of references into the chunks, with each id's hash
     * beside it so that a probe rarely reads the bytes.
     */
    private static final class Slice {
        private static final int OFFSET_BITS = 20;
        private static final int MAX_CHUNK = 1 << OFFSET_BITS;
        private static final int MAX_CHUNKS = 1 << (31 - OFFSET_BITS);

        final long index;
        int size;
        private static final int FIRST_SLOTS = 64;

        long bytes = 2L * FIRST_SLOTS * Integer.BYTES;
        private final List<byte[]> chunks = new ArrayList<>();
        private int used;
        private int[] refs = new int[FIRST_SLOTS]; // 0: empty; else (chunk << OFFSET_BITS | offset) + 1
        private int[] hashes = new int[FIRST_SLOTS];

        Slice(long index) {
            this.index = index;
        }

        boolean contains(byte[] id, int hash) {
            int mask = refs.length - 1;
            for (int i = hash & mask;; i = (i + 1) & mask) {
                int ref = refs[i];
                if (ref == 0) {
                    return false;
                }
                if (hashes[i] == hash && same(ref - 1, id)) {
                    return true;
                }
            }
        }

        /** Adds an id that is in no slice. */
        void insert(byte[] id, int hash) {
            if ((size + 1) * 2 > refs.length) {
                grow();
            }
            int ref = append(id) + 1;
            int mask = refs.length - 1;
            int i = hash & mask;
            while (refs[i] != 0) {
                i = (i + 1) & mask;
            }
            refs[i] = ref;
            hashes[i] = hash;
            size++;
        }

        private int append(byte[] id) {
            if (id.length > 0xffff) {
                throw new IllegalArgumentException("an action id of " + id.length + " bytes"); // the contract allows 128 characters
            }
            int need = id.length + 2;
            byte[] chunk = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
            if (chunk == null || chunk.length - used < need) {
                if (chunks.size() == MAX_CHUNKS) {
                    throw new IllegalStateException("more than 2 GB of action ids in one slice of the de-duplication window");
                }
                int length = chunk == null ? 4096 : Math.min(MAX_CHUNK, chunk.length * 2);
                chunk = new byte[Math.max(length, need)];
                chunks.add(chunk);
                bytes += chunk.length;
                used = 0;
            }
            int at = used;
            chunk[at] = (byte) (id.length >>> 8);
            chunk[at + 1] = (byte) id.length;
            System.arraycopy(id, 0, chunk, at + 2, id.length);
            used += need;
            return (chunks.size() - 1) << OFFSET_BITS | at;
        }

        private boolean same(int position, byte[] id) {
            byte[] chunk = chunks.get(position >>> OFFSET_BITS);
            int at = position & (MAX_CHUNK - 1);
            int length = (chunk[at] & 0xff) << 8 | (chunk[at + 1] & 0xff);
            return length == id.length && java.util.Arrays.equals(chunk, at + 2, at + 2 + length, id, 0, length);
        }

        private void grow() {
            int[] oldRefs = refs;
            int[] oldHashes = hashes;
            refs = new int[oldRefs.length * 2];
            hashes = new int[oldRefs.length * 2];
            bytes += 2L * oldRefs.length * Integer.BYTES;
            int mask = refs.length - 1;
            for (int j = 0; j < oldRefs.length; j++) {
                if (oldRefs[j] != 0) {
                    int i = oldHashes[j] & mask;
                    while (refs[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    refs[i] = oldRefs[j];
                    hashes[i] = oldHashes[j];
                }
            }
        }
    }
}
