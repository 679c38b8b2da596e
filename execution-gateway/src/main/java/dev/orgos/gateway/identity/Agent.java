package dev.orgos.gateway.identity;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Who is asking: the agent id from the request's credential (a JWT's subject, or an API key's agent). */
@RequestScoped
public class Agent {
    /** Where {@link VerifiedTokens} leaves the subject it read once per token. */
    static final String ID_ATTRIBUTE = "orgos.agent-id";

    @Inject
    SecurityIdentity identity;

    public String id() {
        return idOf(identity);
    }

    /** The agent id of an authenticated identity, where no request-scoped bean is at hand. */
    public static String idOf(SecurityIdentity identity) {
        String known = identity.getAttribute(ID_ATTRIBUTE);
        if (known != null) {
            return known;
        }
        return identity.getPrincipal() instanceof JsonWebToken jwt ? jwt.getSubject() : identity.getPrincipal().getName();
    }
}
