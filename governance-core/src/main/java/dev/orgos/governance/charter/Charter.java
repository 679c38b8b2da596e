package dev.orgos.governance.charter;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A versioned delegation charter. Immutable; obtained from {@link CharterParser}.
 *
 * @param digest "sha256:hex" over the canonical form: equal for charters that mean the same
 * @param warnings what a reviewer should look at although the charter is valid (overlaps)
 */
public record Charter(
        String id,
        long version,
        String digest,
        String defaultAnchor,
        Map<String, Anchor> anchors,
        List<Pathway> pathways,
        List<String> warnings) {

    public Charter {
        anchors = Map.copyOf(anchors);
        pathways = List.copyOf(pathways);
        warnings = List.copyOf(warnings);
    }

    public Optional<Pathway> pathway(String id) {
        return pathways.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    static Map<String, Anchor> index(List<Anchor> anchors) {
        return anchors.stream().collect(Collectors.toUnmodifiableMap(Anchor::id, Function.identity()));
    }

    public Optional<Anchor> anchor(String id) {
        return Optional.ofNullable(anchors.get(id));
    }

    /** The first pathway, in charter order, whose types cover this action type (conditions aside). */
    public Optional<Pathway> pathwayFor(String actionType) {
        return pathways.stream().filter(p -> p.covers(actionType)).findFirst();
    }
}
