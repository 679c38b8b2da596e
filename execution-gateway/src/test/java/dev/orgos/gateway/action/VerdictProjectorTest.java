package dev.orgos.gateway.action;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

class VerdictProjectorTest {

    static PgException sqlState(String state) {
        return new PgException("x", "ERROR", state, "detail");
    }

    @Test
    void theDatabasesPassingTroubleIsTriedAgain() {
        assertTrue(VerdictProjector.passing(sqlState("57P01")), "terminated by an administrator, or the server restarting");
        assertTrue(VerdictProjector.passing(sqlState("08006")), "the connection failed");
        assertTrue(VerdictProjector.passing(sqlState("53300")), "too many connections");
        assertTrue(VerdictProjector.passing(sqlState("40P01")), "a deadlock");
        assertTrue(VerdictProjector.passing(new io.vertx.core.VertxException("Connection is closed")));
        assertTrue(VerdictProjector.passing(new java.net.ConnectException("Connection refused")));
        assertTrue(VerdictProjector.passing(new IllegalStateException("wrapped", sqlState("57P01"))), "found under a wrapper");
    }

    @Test
    void whatIsWrongWithTheVerdictsOrTheCodeIsNot() {
        assertFalse(VerdictProjector.passing(sqlState("22001")), "a value too long for its column");
        assertFalse(VerdictProjector.passing(sqlState("42601")), "a syntax error");
        assertFalse(VerdictProjector.passing(new io.vertx.core.VertxException("wrapped", sqlState("22001"))),
                "a refusal under a wrapper of Vert.x's is not passing trouble");
        assertFalse(VerdictProjector.passing(new NullPointerException()));
    }
}
