package dev.orgos.gateway.identity;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies each distinct agent JWT once, not on every request. An agent sends the same token with
 * every call for the token's lifetime; checking its RSA signature and claims each time was the
 * largest single cost of a submission (about an eighth of the gateway's CPU under load). The first
 * request with a token is verified by smallrye-jwt's own parser, with the service's configuration
 * (key, issuer, audience, clock skew); later ones reuse that verdict until the token expires.
 *
 * <p>What stays as strict as before: a token is never honoured past its {@code exp} plus the
 * configured clock skew, the parser's own rule, checked on every use; an invalid token is never remembered; a
 * token is only remembered in this process's memory, which a restart empties. The identity is
 * built fresh for each request, since it carries the request's routing context.
 */
// a singleton, not a proxied bean: asked on every request (see the action package's note)
@Singleton
public class VerifiedTokens implements IdentityProvider<TokenAuthenticationRequest> {
    @Inject
    JWTParser parser;

    /** The parser's grace for clocks that disagree (smallrye-jwt's setting and default). */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "mp.jwt.verify.clock.skew", defaultValue = "60")
    long clockSkewSeconds;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "orgos.gateway.remembered-credentials", defaultValue = "50000")
    int capacity;

    private RememberedCredentials<Verified> verified;

    @jakarta.annotation.PostConstruct
    void init() {
        verified = new RememberedCredentials<>(capacity);
    }

    /**
     * A verified token with what each request needs from it read once: a claim read from the token
     * goes through smallrye-jwt's claim conversion every time (2% of the gateway's CPU under load).
     */
    private record Verified(JsonWebToken jwt, long honouredUntilMillis, java.util.Set<String> roles, String agentId) {
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Before smallrye-jwt's own provider (1001), which this one replaces for bearer tokens. */
    @Override
    public int priority() {
        return 2000;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        Verified known = verified.get(token);
        if (known != null) {
            if (System.currentTimeMillis() < known.honouredUntilMillis()) {
                return Uni.createFrom().item(identity(known, request));
            }
            verified.forget(token, known);
        }
        // the key may be fetched from a JWKS endpoint: verify off the event loop
        return context.runBlocking(() -> {
            JsonWebToken jwt;
            try {
                jwt = parser.parse(token);
            } catch (ParseException e) {
                throw new AuthenticationFailedException(e);
            }
            Verified v = new Verified(jwt, (jwt.getExpirationTime() + clockSkewSeconds) * 1000, java.util.Set.copyOf(jwt.getGroups()),
                    jwt.getSubject());
            verified.remember(token, v);
            return identity(v, request);
        });
    }

    /** The identity smallrye-jwt builds: the token as principal and credential, its groups as roles. */
    private static SecurityIdentity identity(Verified v, TokenAuthenticationRequest request) {
        QuarkusSecurityIdentity.Builder b = QuarkusSecurityIdentity.builder().setPrincipal(v.jwt()).addCredential(request.getToken())
                .addRoles(v.roles()).addAttribute("quarkus.user", v.jwt()).addAttribute(Agent.ID_ATTRIBUTE, v.agentId());
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (rc != null) {
            b.addAttribute(RoutingContext.class.getName(), rc);
        }
        return b.build();
    }

    /** How many tokens are remembered. */
    public int size() {
        return verified.size();
    }
}
