package dev.orgos.escalation.api;

import dev.orgos.service.problem.Problem;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Two humans acting on one escalation at the same moment: the task's version lets exactly one
 * transaction commit, and the other fails with the persistence layer's version conflict, which
 * left as a bare 500. Nothing of the loser's was recorded; it hears so as a problem detail.
 */
public class ConcurrentChanges {

    @ServerExceptionMapper({org.hibernate.StaleStateException.class, jakarta.persistence.OptimisticLockException.class})
    public Response changedMeanwhile(Exception e) {
        return conflict();
    }

    static Response conflict() {
        return Problem.response(409, "Changed meanwhile", "Someone else acted on this escalation at the same moment and was "
                + "recorded first; nothing of yours was. Read it again and decide anew if it is still open.", null);
    }
}
