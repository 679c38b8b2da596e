package dev.orgos.service.store;

import io.vertx.sqlclient.DatabaseException;
import java.sql.SQLException;

/**
 * What a database failure says about the values it was given. A statement refused for what it
 * carries (SQLSTATE class 22, a data exception: a value too long, a NUL character; class 23, a
 * constraint) is refused again at every try, so the record behind it goes to the dead letters with
 * the database's words. Any other failure (a missing table, a bug in a statement, the database
 * away) would refuse every record alike: it is retried or stops the stream, rather than send
 * everything to the dead letters.
 *
 * <p>Both the reactive client's {@link DatabaseException} and JDBC's {@link SQLException} count,
 * wherever they are in the chain of causes (Hibernate Reactive wraps them).
 */
public final class DatabaseRefusals {
    private DatabaseRefusals() {
    }

    /** Whether the database refused a statement for the values it carries (SQLSTATE class 22 or 23). */
    public static boolean forWhatItHolds(Throwable e) {
        String state = sqlState(e);
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** The SQLSTATE of the first database failure in the chain of causes; null when there is none. */
    public static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String state = t instanceof DatabaseException db ? db.getSqlState() : t instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null) {
                return state;
            }
        }
        return null;
    }

    /** The database's own words, without the statement that a wrapper's message repeats; else the failure's message. */
    public static String inItsWords(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DatabaseException || t instanceof SQLException) {
                return t.getMessage();
            }
        }
        return e.getMessage();
    }
}
