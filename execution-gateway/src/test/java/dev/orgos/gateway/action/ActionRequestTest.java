package dev.orgos.gateway.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActionRequestTest {
    private final ObjectMapper json = new ObjectMapper();

    /** How fingerprints were computed before: through a Map, keys sorted when written. */
    private static String earlierFingerprint(ActionRequest r) throws Exception {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        byte[] canonical = m.writeValueAsBytes(m.convertValue(r, Map.class));
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    }

    @Test
    void fingerprintsAreTheBytesStoredByEarlierVersionsSoKeysClaimedBeforeAnUpgradeStillMatch() throws Exception {
        for (String body : List.of(
                "{\"actionType\":\"refund.issue\"}",
                "{\"actionId\":\"a-1\",\"actionType\":\"refund.issue\",\"amount\":120.5,\"currency\":\"EUR\",\"confidence\":0.95,"
                        + "\"riskScore\":0.1,\"reversible\":true,\"targetSystem\":\"billing\",\"description\":\"Refund order 9 (é)\","
                        + "\"parameters\":{\"zeta\":1,\"alpha\":\"x\",\"big\":12345678901,\"ratio\":0.25,\"flag\":false,\"none\":null}}")) {
            ActionRequest r = json.readValue(body, ActionRequest.class);
            assertEquals(earlierFingerprint(r), r.fingerprint(), body);
        }
    }

    @Test
    void theSameRequestWrittenDifferentlyHasOneFingerprintAndAnotherRequestAnother() throws Exception {
        ActionRequest a = json.readValue("{\"amount\":10,\"actionType\":\"refund.issue\",\"parameters\":{\"b\":2,\"a\":1}}", ActionRequest.class);
        ActionRequest b = json.readValue("{ \"actionType\" : \"refund.issue\", \"parameters\": {\"a\":1, \"b\":2}, \"amount\": 10 }", ActionRequest.class);
        ActionRequest c = json.readValue("{\"amount\":11,\"actionType\":\"refund.issue\",\"parameters\":{\"b\":2,\"a\":1}}", ActionRequest.class);
        assertEquals(a.fingerprint(), b.fingerprint());
        assertNotEquals(a.fingerprint(), c.fingerprint());
        Map<String, Object> ordered = new LinkedHashMap<>();
        ordered.put("b", 2);
        ordered.put("a", 1);
        assertEquals(a.fingerprint(), new ActionRequest(null, "refund.issue", null, 10.0, null, null, null, null, null, ordered).fingerprint());
    }
}
