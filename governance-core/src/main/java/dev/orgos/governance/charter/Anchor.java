package dev.orgos.governance.charter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A human role that absorbs accountability.
 *
 * @param id stable id, also the token group that grants the role
 * @param members the humans who hold the role, in rotation order
 * @param rotationStart when the first member's first shift began
 * @param shiftLength how long each member is on call
 * @param acknowledgeWithin how long an assigned escalation may wait for acknowledgement
 * @param resolveWithin how long an acknowledged escalation may wait for a decision
 * @param escalatesTo the next anchor in the chain, or null at the top
 * @param overrides temporary replacements: who is on call instead, from when until when
 */
public record Anchor(
        String id,
        String description,
        List<String> members,
        Instant rotationStart,
        Duration shiftLength,
        Duration acknowledgeWithin,
        Duration resolveWithin,
        String escalatesTo,
        List<Override> overrides) {

    /** {@code member} is on call in [{@code from}, {@code until}), whatever the rotation says. */
    public record Override(String member, Instant from, Instant until) {
        boolean covers(Instant when) {
            return !when.isBefore(from) && when.isBefore(until);
        }
    }

    public Anchor {
        members = List.copyOf(members);
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }

    public Anchor(String id, String description, List<String> members, Instant rotationStart, Duration shiftLength,
                  Duration acknowledgeWithin, Duration resolveWithin, String escalatesTo) {
        this(id, description, members, rotationStart, shiftLength, acknowledgeWithin, resolveWithin, escalatesTo, List.of());
    }

    /** The member on call at the given instant: an override if one covers it, else round-robin shifts; null with no members. */
    public String onCallAt(Instant when) {
        for (Override o : overrides) {
            if (o.covers(when)) {
                return o.member();
            }
        }
        if (members.isEmpty()) {
            return null;
        }
        if (rotationStart == null || shiftLength == null || when.isBefore(rotationStart)) {
            return members.get(0);
        }
        long shifts = Duration.between(rotationStart, when).toMillis() / shiftLength.toMillis();
        return members.get((int) (shifts % members.size()));
    }
}
