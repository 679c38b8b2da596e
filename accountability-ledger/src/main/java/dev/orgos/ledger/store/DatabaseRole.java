package dev.orgos.ledger.store;

import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.pgclient.PgPool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Says, at start, which database role the ledger's queries run as: it should be one that cannot UPDATE or DELETE. */
@ApplicationScoped
public class DatabaseRole {
    private static final Logger LOG = Logger.getLogger(DatabaseRole.class);

    void report(@Observes StartupEvent e, PgPool db) {
        db.query("SELECT current_user, has_table_privilege(current_user, 'ledger_entry', 'UPDATE') AS can_update, "
                        + "has_table_privilege(current_user, 'ledger_entry', 'DELETE') AS can_delete").execute()
                .subscribe().with(rows -> {
                    var r = rows.iterator().next();
                    if (r.getBoolean("can_update") || r.getBoolean("can_delete")) {
                        LOG.warnf("Ledger queries run as database role %s, which may UPDATE or DELETE entries (the trigger still "
                                + "refuses); run as orgos_ledger_appender", r.getString("current_user"));
                    } else {
                        LOG.infof("Ledger queries run as database role %s: it can read and append, not change or delete",
                                r.getString("current_user"));
                    }
                }, err -> LOG.warnf("Could not check the database role: %s", err.getMessage()));
    }
}
