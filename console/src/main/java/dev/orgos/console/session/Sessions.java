package dev.orgos.console.session;

import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;
import java.util.Optional;

/**
 * The session is the person's token in an HttpOnly, SameSite=Strict cookie: scripts cannot read
 * it and other sites cannot make the browser send it, which also keeps the console's forms safe
 * from cross-site requests.
 */
public final class Sessions {
    public static final String COOKIE = "orgos_console";

    private Sessions() {
    }

    /**
     * The person signed in: through the organization's identity provider (OpenID Connect; the
     * access token is what the services get), or else through development sign-in.
     */
    public static Optional<User> user(HttpHeaders headers) {
        Optional<User> viaOidc = oidcUser();
        if (viaOidc.isPresent()) {
            return viaOidc;
        }
        if (headers == null) {
            return Optional.empty();
        }
        Cookie c = headers.getCookies().get(COOKIE);
        if (c == null || c.getValue() == null || c.getValue().isBlank()) {
            return Optional.empty();
        }
        User u = User.fromToken(c.getValue());
        return u == null || u.expired() ? Optional.empty() : Optional.of(u);
    }

    private static Optional<User> oidcUser() {
        var identity = io.quarkus.arc.Arc.container().instance(io.quarkus.security.identity.SecurityIdentity.class);
        if (!identity.isAvailable() || identity.get().isAnonymous()) {
            return Optional.empty();
        }
        var token = identity.get().getCredential(io.quarkus.oidc.AccessTokenCredential.class);
        if (token == null) {
            return Optional.empty();
        }
        User u = User.fromToken(token.getToken());
        return u == null ? Optional.empty() : Optional.of(u);
    }

    /** Whether this person came through the identity provider (their sign-out goes there too). */
    public static boolean viaOidc() {
        return oidcUser().isPresent();
    }

    public static NewCookie signIn(String token, boolean secure) {
        return new NewCookie.Builder(COOKIE).value(token).path("/").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).build();
    }

    public static NewCookie signOut(boolean secure) {
        return new NewCookie.Builder(COOKIE).value("").path("/").httpOnly(true).secure(secure).maxAge(0)
                .sameSite(NewCookie.SameSite.STRICT).build();
    }
}
