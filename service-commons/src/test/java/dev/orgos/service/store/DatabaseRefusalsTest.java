package dev.orgos.service.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.sqlclient.DatabaseException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class DatabaseRefusalsTest {

    static DatabaseException refused(String state, String words) {
        return new DatabaseException(words, 0, state, null) {
        };
    }

    @Test
    void onlyARefusalOfTheValuesThemselvesCounts() {
        assertTrue(DatabaseRefusals.forWhatItHolds(refused("22001", "x")), "a value too long for its column");
        assertTrue(DatabaseRefusals.forWhatItHolds(refused("22021", "x")), "a NUL character in text");
        assertTrue(DatabaseRefusals.forWhatItHolds(refused("23502", "x")), "a null where none is allowed");
        assertFalse(DatabaseRefusals.forWhatItHolds(refused("42P01", "x")), "a missing table refuses every record alike");
        assertFalse(DatabaseRefusals.forWhatItHolds(refused("57P01", "x")), "the server restarting is passing");
        assertFalse(DatabaseRefusals.forWhatItHolds(refused(null, "x")));
        assertFalse(DatabaseRefusals.forWhatItHolds(new NullPointerException()));
    }

    @Test
    void theRefusalIsFoundUnderAWrapperAndInJdbcsTermsToo() {
        var wrapped = new IllegalStateException("could not execute statement [insert into ... a long statement]",
                refused("22001", "ERROR: value too long for type character varying(128) (22001)"));
        assertTrue(DatabaseRefusals.forWhatItHolds(wrapped));
        assertEquals("ERROR: value too long for type character varying(128) (22001)", DatabaseRefusals.inItsWords(wrapped));
        assertTrue(DatabaseRefusals.forWhatItHolds(new RuntimeException(new SQLException("duplicate key", "23505"))));
        assertEquals("no database here", DatabaseRefusals.inItsWords(new IllegalStateException("no database here")));
    }
}
