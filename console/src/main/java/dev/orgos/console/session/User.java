package dev.orgos.console.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The signed-in person, as their token says. The claims are read here only to show a name and
 * to choose what to display; the services verify the token on every call, so nothing here
 * grants anything.
 */
@io.quarkus.qute.TemplateData
public record User(String name, List<String> groups, Instant expiresAt, String token) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static User fromToken(String token) {
        try {
            String[] parts = token.split("\\.");
            JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            String name = claims.hasNonNull("upn") ? claims.get("upn").asText()
                    : claims.hasNonNull("preferred_username") ? claims.get("preferred_username").asText() : claims.path("sub").asText();
            List<String> groups = new ArrayList<>();
            claims.path("groups").forEach(g -> groups.add(g.asText()));
            Instant exp = claims.hasNonNull("exp") ? Instant.ofEpochSecond(claims.get("exp").asLong()) : Instant.MAX;
            return new User(name, List.copyOf(groups), exp, token);
        } catch (RuntimeException | java.io.IOException e) {
            return null;
        }
    }

    public boolean expired() {
        return Instant.now().isAfter(expiresAt);
    }

    public String roles() {
        return groups.isEmpty() ? "no roles" : String.join(", ", groups);
    }
}
