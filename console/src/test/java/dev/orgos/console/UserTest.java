package dev.orgos.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.console.session.User;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserTest {

    private static String token(String claims) {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        return b.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".signature";
    }

    @Test
    void theNameAndRolesShownComeFromTheTokensClaims() {
        User u = User.fromToken(token("{\"sub\":\"u-1\",\"upn\":\"alice\",\"groups\":[\"finance-ops\"],\"exp\":4102444800}"));
        assertEquals("alice", u.name());
        assertEquals(List.of("finance-ops"), u.groups());
        assertEquals("finance-ops", u.roles());
    }

    @Test
    void anExpiredOrUnreadableTokenIsNoSession() {
        assertTrue(User.fromToken(token("{\"sub\":\"bob\",\"exp\":1}")).expired());
        assertNull(User.fromToken("not a token"));
        assertEquals("no roles", User.fromToken(token("{\"preferred_username\":\"nora\"}")).roles());
    }
}
