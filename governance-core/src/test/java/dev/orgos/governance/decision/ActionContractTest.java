package dev.orgos.governance.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The contract's character checks are loops for speed; the patterns stay their definition, and these must agree. */
class ActionContractTest {

    private static final List<String> EDGES = List.of("", "a", "A", "0", ".", "-", "_", ":", "a.b", "a..b", "a.", ".a", "a-b_c",
            "refund.issue", "Refund.issue", "refund.issue.", "email.customer.reply", "a b", "é", "a\n", "act-1:2.3_4",
            "x".repeat(128), "x".repeat(129), "-x", "_x", "x:y", "a.-b", "a._", "a.b.c.d");

    @Test
    void theIdCheckAgreesWithItsPattern() {
        for (String s : samples()) {
            assertEquals(ActionContract.ID.matcher(s).matches(), ActionContract.isId(s), "id '" + s + "'");
        }
    }

    @Test
    void theActionTypeCheckAgreesWithItsPattern() {
        for (String s : samples()) {
            assertEquals(ActionContract.ACTION_TYPE.matcher(s).matches(), ActionContract.isActionType(s), "action type '" + s + "'");
        }
    }

    /** The edges, and 200,000 random strings over an alphabet of the characters the patterns care about and some they refuse. */
    private static List<String> samples() {
        String alphabet = "aZz09._:-. -Aé/";
        Random random = new Random(42);
        java.util.ArrayList<String> samples = new java.util.ArrayList<>(EDGES);
        for (int i = 0; i < 200_000; i++) {
            int length = random.nextInt(i % 100 == 0 ? 140 : 8);
            StringBuilder s = new StringBuilder();
            for (int j = 0; j < length; j++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            samples.add(s.toString());
        }
        return samples;
    }
}
