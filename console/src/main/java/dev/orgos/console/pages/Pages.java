package dev.orgos.console.pages;

import dev.orgos.console.session.Sessions;
import dev.orgos.console.session.User;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** What every page needs: the signed-in person, or a redirect to sign in. */
final class Pages {
    private Pages() {
    }

    static User user(HttpHeaders headers) {
        return Sessions.user(headers).orElseThrow(() -> new WebApplicationException(
                Response.seeOther(URI.create("/sign-in")).build()));
    }

    static Response back(String path, String key, String message) {
        return Response.seeOther(URI.create(path + (path.contains("?") ? "&" : "?") + key + "="
                + URLEncoder.encode(message, StandardCharsets.UTF_8))).build();
    }
}
