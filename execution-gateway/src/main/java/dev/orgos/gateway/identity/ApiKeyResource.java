package dev.orgos.gateway.identity;

import dev.orgos.service.problem.Problem;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Issuing and revoking agents' API keys: people with the {@code orgos-admin} role only (from
 * their JWT's groups), never an agent. The key's agent is named in the body because the admin
 * names it; the admin's own identity comes from the token.
 */
@Path("/v1/api-keys")
@RolesAllowed("orgos-admin")
@Produces(MediaType.APPLICATION_JSON)
public class ApiKeyResource {
    private static final Logger LOG = Logger.getLogger(ApiKeyResource.class);

    @Inject
    ApiKeys keys;
    @Inject
    SecurityIdentity admin;

    public record IssueRequest(String agentId, String description) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> issue(IssueRequest body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        // an agent's id as every action carries it: a key for any other id was issued, and then every
        // submission with it refused for an agentId the agent never sent
        if (body == null || body.agentId() == null || !dev.orgos.governance.decision.ActionContract.isId(body.agentId())) {
            errors.add(new Problem.FieldError("agentId", "is required: 1 to 128 letters, digits or . _ : -, beginning with a letter "
                    + "or digit"));
        }
        if (body != null && body.description() != null && body.description().length() > 500) {
            errors.add(new Problem.FieldError("description", "must be at most 500 characters"));
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(Problem.response(400, "Invalid API key request", "No key was made.", errors));
        }
        String by = admin.getPrincipal().getName();
        return keys.issue(body.agentId(), body.description(), by).map(issued -> {
            LOG.infof("%s issued API key %s for agent %s", by, issued.keyId(), issued.agentId());
            return Response.created(URI.create("/v1/api-keys/" + issued.keyId())).entity(issued).build();
        });
    }

    @GET
    public Uni<List<ApiKeys.Listed>> list(@QueryParam("agentId") String agentId) {
        return keys.list(agentId);
    }

    @DELETE
    @Path("/{keyId}")
    public Uni<Response> revoke(@PathParam("keyId") String keyId) {
        String by = admin.getPrincipal().getName();
        return keys.revoke(keyId, by).map(revoked -> {
            if (!revoked) {
                return Problem.response(404, "Not Found", "No active API key " + keyId + ".", null);
            }
            LOG.infof("%s revoked API key %s", by, keyId);
            return Response.noContent().build();
        });
    }
}
