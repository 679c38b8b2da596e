package dev.orgos.cli.ledger;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

final class Hashes {
    private Hashes() {
    }

    /** A SHA-256 hash in base64; anything else is malformed input. */
    static byte[] hash(String name, String b64) {
        byte[] b;
        try {
            b = Base64.getDecoder().decode(b64.trim());
        } catch (IllegalArgumentException e) {
            throw new Malformed(name + " is not base64: " + e.getMessage());
        }
        if (b.length != 32) {
            throw new Malformed(name + " must be a 32-byte SHA-256 hash, found " + b.length + " bytes");
        }
        return b;
    }

    static List<byte[]> list(String name, String commaSeparated) {
        List<byte[]> out = new ArrayList<>();
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return out;
        }
        String[] parts = commaSeparated.split(",");
        for (int i = 0; i < parts.length; i++) {
            out.add(hash(name + "[" + i + "]", parts[i]));
        }
        return out;
    }

    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message);
        }
    }
}
