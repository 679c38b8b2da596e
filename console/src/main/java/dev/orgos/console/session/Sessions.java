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

    public static Optional<User> user(HttpHeaders headers) {
        Cookie c = headers.getCookies().get(COOKIE);
        if (c == null || c.getValue() == null || c.getValue().isBlank()) {
            return Optional.empty();
        }
        User u = User.fromToken(c.getValue());
        return u == null || u.expired() ? Optional.empty() : Optional.of(u);
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
