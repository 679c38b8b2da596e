package dev.orgos.governance.charter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CharterParserTest {

    static final String MINIMAL = """
        charter: t
        version: 3
        defaultAnchor: board
        anchors:
          - id: board
            members: [olivia]
          - id: fin
            members: [alice, bob]
            rotation:
              start: "2026-01-01T00:00:00Z"
              shift: PT8H
              overrides:
                - {member: bob, from: "2026-02-01T00:00:00Z", until: "2026-02-02T00:00:00Z"}
            escalatesTo: board
        pathways:
          - id: refunds
            covers: ["refund.*"]
            anchor: fin
            limits: {maxAmount: 100}
            triggers:
              - id: vip
                when: "has(action.parameters.vip) && action.parameters.vip"
        """;

    @Test
    void parsesAMinimalCharter() throws Exception {
        Charter c = CharterParser.parse("t.yaml", MINIMAL);
        assertEquals(3, c.version());
        assertEquals("fin", c.pathwayFor("refund.issue").orElseThrow().anchor());
        assertTrue(c.pathwayFor("price.change").isEmpty());
    }

    @Test
    void digestIgnoresFormattingButNotMeaning() {
        String reordered = MINIMAL.replace("charter: t\nversion: 3\n", "version: 3\ncharter: t\n");
        assertEquals(CharterParser.digest(MINIMAL), CharterParser.digest(reordered));
        assertNotEquals(CharterParser.digest(MINIMAL), CharterParser.digest(MINIMAL.replace("100", "101")));
    }

    @Test
    void unknownFieldIsReportedWithLineAndColumn() {
        var e = assertThrows(CharterException.class,
                () -> CharterParser.parse("t.yaml", MINIMAL.replace("limits: {maxAmount: 100}", "limitz: {maxAmount: 100}")));
        assertTrue(e.getMessage().contains("t.yaml: line 19, column 13: unknown field 'limitz'"), e.getMessage());
        // reported together with what follows from it, in one run
        assertTrue(e.getMessage().contains("'limits' must declare at least one bound"), e.getMessage());
    }

    @Test
    void pathwayWithoutLimitsOrAnchorIsRefused() {
        var e = assertThrows(CharterException.class,
                () -> CharterParser.parse("t.yaml", MINIMAL.replace("anchor: fin\n    limits: {maxAmount: 100}\n", "anchor: nobody\n")));
        assertTrue(e.problems().stream().anyMatch(p -> p.contains("'anchor' must name a declared anchor")), e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.contains("'limits' must declare")), e.getMessage());
    }

    /** NaN compares false with every amount: `maxAmount: NaN` was a declared bound that never fired. */
    @Test
    void aBoundThatIsNotAFiniteNumberIsRefused() {
        for (String bound : java.util.List.of("maxAmount: NaN", "minConfidence: NaN", "maxRisk: NaN")) {
            var e = assertThrows(CharterException.class,
                    () -> CharterParser.parse("t.yaml", MINIMAL.replace("limits: {maxAmount: 100}", "limits: {" + bound + "}")), bound);
            assertTrue(e.getMessage().contains("must be a finite number"), e.getMessage());
        }
    }

    /** Escalations and ledger entries keep ids in 128 characters: a longer one stopped the escalation intake at its first escalation. */
    @Test
    void anIdLongerThanTheServicesKeepIsRefused() {
        String longId = "p".repeat(129);
        var e = assertThrows(CharterException.class, () -> CharterParser.parse("t.yaml", MINIMAL.replace("id: refunds", "id: " + longId)));
        assertTrue(e.getMessage().contains("is 129 characters; at most 128"), e.getMessage());
        var member = assertThrows(CharterException.class, () -> CharterParser.parse("t.yaml", MINIMAL.replace("[olivia]", "[" + longId + "]")));
        assertTrue(member.getMessage().contains("member id"), member.getMessage());
    }

    @Test
    void pathwayWithoutEscalationDesignIsRefused() {
        String noTriggers = MINIMAL.substring(0, MINIMAL.indexOf("    triggers:"));
        var e = assertThrows(CharterException.class, () -> CharterParser.parse("t.yaml", noTriggers));
        assertTrue(e.getMessage().contains("pathway 'refunds': 'triggers' must name at least one condition"), e.getMessage());
    }

    @Test
    void celErrorsPointAtFileLineAndColumn() {
        var e = assertThrows(CharterException.class, () -> CharterParser.parse("t.yaml",
                MINIMAL.replace("has(action.parameters.vip) && action.parameters.vip", "action.amount > ")));
        // the expression starts on line 22, column 16 of the file, after the opening quote
        assertTrue(e.getMessage().startsWith("t.yaml: line 22, column "), e.getMessage());
        assertTrue(e.getMessage().contains("trigger 'vip'"), e.getMessage());
        var typeError = assertThrows(CharterException.class, () -> CharterParser.parse("t.yaml",
                MINIMAL.replace("has(action.parameters.vip) && action.parameters.vip", "action.amount + 1")));
        assertTrue(typeError.getMessage().contains("line 22"), typeError.getMessage());
    }

    @Test
    void overlappingPathwaysAreReported() throws Exception {
        String overlapping = MINIMAL + """
              - id: big-refunds
                covers: ["refund.big*"]
                anchor: board
                limits: {maxAmount: 1}
                triggers: [{id: always, when: "true"}]
            """;
        Charter c = CharterParser.parse("t.yaml", overlapping);
        assertEquals(1, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().get(0).contains("'refunds' (refund.*) and 'big-refunds' (refund.big*) overlap"), c.warnings().get(0));
    }

    @Test
    void chainWithoutAHumanIsRefused() {
        var e = assertThrows(CharterException.class,
                () -> CharterParser.parse("t.yaml", MINIMAL.replace("members: [olivia]", "members: []")));
        assertTrue(e.getMessage().contains("anchor 'board': its escalation chain ends without reaching a human"), e.getMessage());
    }

    @Test
    void rotationPicksTheMemberOnCall() throws Exception {
        Anchor fin = CharterParser.parse("t.yaml", MINIMAL).anchor("fin").orElseThrow();
        assertEquals("alice", fin.onCallAt(Instant.parse("2026-01-01T07:59:00Z")));
        assertEquals("bob", fin.onCallAt(Instant.parse("2026-01-01T08:00:00Z")));
        assertEquals("alice", fin.onCallAt(Instant.parse("2026-01-01T16:00:00Z")));
        // on 1 February bob covers every shift, alice's too (08:00 would be hers); the day after, the rotation resumes
        assertEquals("bob", fin.onCallAt(Instant.parse("2026-02-01T08:00:00Z")));
        assertEquals("alice", fin.onCallAt(Instant.parse("2026-02-02T00:00:00Z")));
    }
}
