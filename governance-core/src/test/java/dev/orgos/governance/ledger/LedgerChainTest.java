package dev.orgos.governance.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerChainTest {

    @Test
    void eachEntryLinksToThePreviousOneFromGenesis() {
        LedgerChain chain = LedgerChain.genesis();
        var first = chain.append(1000, "a".getBytes(StandardCharsets.UTF_8));
        var second = chain.append(1001, "b".getBytes(StandardCharsets.UTF_8));
        assertEquals(0, first.sequence());
        assertArrayEquals(LedgerChain.GENESIS, first.previousHash());
        assertArrayEquals(first.entryHash(), second.previousHash());
        assertEquals(2, chain.nextSequence());
        assertArrayEquals(second.entryHash(), LedgerChain.hash(1, 1001, first.entryHash(), "b".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anyChangeToAFactChangesItsHash() {
        byte[] h1 = LedgerChain.hash(5, 1, LedgerChain.GENESIS, "{\"amount\":100}".getBytes(StandardCharsets.UTF_8));
        byte[] h2 = LedgerChain.hash(5, 1, LedgerChain.GENESIS, "{\"amount\":101}".getBytes(StandardCharsets.UTF_8));
        byte[] h3 = LedgerChain.hash(6, 1, LedgerChain.GENESIS, "{\"amount\":100}".getBytes(StandardCharsets.UTF_8));
        assertFalse(Arrays.equals(h1, h2));
        assertFalse(Arrays.equals(h1, h3));
    }

    @Test
    void canonicalJsonSortsKeysAndDropsNulls() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", "x\"y");
        m.put("n", null);
        m.put("l", List.of(true, 2.5));
        m.put("m", Map.of("b", "1"));
        assertEquals("{\"a\":\"x\\\"y\",\"l\":[true,2.5],\"m\":{\"b\":\"1\"},\"z\":1}",
                new String(CanonicalJson.bytes(m), StandardCharsets.UTF_8));
    }
}
