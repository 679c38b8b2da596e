package dev.orgos.gateway.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ApiKeyFormatTest {
    private static final String ID = "0123456789abcdef";

    /** As {@link ApiKeys#issue} makes them: 32 random bytes, base64url without padding. */
    private static String secret(long seed) {
        byte[] b = new byte[32];
        new Random(seed).nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Test
    void everyKeyAsIssuedIsWellFormedAndNamesItsKeyId() {
        for (long seed = 0; seed < 1000; seed++) {
            String key = "orgos_ak_" + ID + "_" + secret(seed);
            assertEquals(ID, ApiKeys.keyIdOf(key), key);
        }
    }

    @Test
    void anythingElseIsNotAKey() {
        String good = "orgos_ak_" + ID + "_" + secret(1);
        assertEquals(ID, ApiKeys.keyIdOf(good));
        assertNull(ApiKeys.keyIdOf(null));
        assertNull(ApiKeys.keyIdOf(""));
        assertNull(ApiKeys.keyIdOf(good.substring(1)), "no prefix");
        assertNull(ApiKeys.keyIdOf(good + "A"), "too long");
        assertNull(ApiKeys.keyIdOf(good.substring(0, good.length() - 1)), "too short");
        assertNull(ApiKeys.keyIdOf("orgos_ak_0123456789ABCDEF_" + secret(1)), "a key id in upper case");
        assertNull(ApiKeys.keyIdOf("orgos_ak_0123456789abcdeg_" + secret(1)), "not hex");
        assertNull(ApiKeys.keyIdOf("orgos_ak_" + ID + "-" + secret(1)), "no separator");
        assertNull(ApiKeys.keyIdOf("orgos_ak_" + ID + "_" + secret(1).substring(1) + "="), "padding is not base64url as issued");
        assertNull(ApiKeys.keyIdOf("orgos_ak_" + ID + "_" + secret(1).substring(1) + "+"), "nor is standard base64");
        assertNull(ApiKeys.keyIdOf("orgos_AK_" + ID + "_" + secret(1)), "the prefix is exact");
    }
}
