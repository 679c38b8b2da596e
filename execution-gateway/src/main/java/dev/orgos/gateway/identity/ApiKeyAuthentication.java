package dev.orgos.gateway.identity;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * Agents authenticate with a JWT (their id is its subject) or with an API key in the
 * {@code X-API-Key} header (their id is the key's agent). Either way the identity comes from the
 * credential, never from the request body, and carries the role {@code agent} only: a key can
 * never act as a human.
 */
public final class ApiKeyAuthentication {
    public static final String HEADER = "X-API-Key";

    private ApiKeyAuthentication() {
    }

    /** The presented key, as a credential for the identity provider. */
    public static final class Request extends BaseAuthenticationRequest {
        final String key;

        Request(String key) {
            this.key = key;
        }
    }

    // singletons, not proxied beans: asked on every request
    @Singleton
    public static class Mechanism implements HttpAuthenticationMechanism {
        @Override
        public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
            String key = context.request().getHeader(HEADER);
            if (key == null || key.isBlank()) {
                return Uni.createFrom().optional(java.util.Optional.empty()); // not ours: the JWT mechanism may still apply
            }
            return identityProviderManager.authenticate(new Request(key));
        }

        @Override
        public Uni<ChallengeData> getChallenge(RoutingContext context) {
            return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
        }

        @Override
        public Set<Class<? extends io.quarkus.security.identity.request.AuthenticationRequest>> getCredentialTypes() {
            return Set.of(Request.class);
        }
    }

    @Singleton
    public static class Provider implements IdentityProvider<Request> {
        @Inject
        ApiKeys keys;

        @Override
        public Class<Request> getRequestType() {
            return Request.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(Request request, AuthenticationRequestContext context) {
            return keys.agentOf(request.key).map(agentId -> {
                if (agentId == null) {
                    throw new AuthenticationFailedException("the API key is not valid (unknown, revoked or malformed)");
                }
                return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(agentId)).addRole("agent")
                        .addAttribute("orgos.credential", "api-key").build();
            });
        }
    }
}
