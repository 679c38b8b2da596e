package dev.orgos.governance.charter;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a charter from YAML and refuses one that cannot govern: unknown fields, missing anchors,
 * pathways without limits, escalation chains that never reach a human.
 */
public final class CharterParser {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    /** Unknown fields are collected, not fatal, so one run reports every problem of the file. */
    private static final ThreadLocal<List<String>> UNKNOWN = new ThreadLocal<>();
    private static final ObjectMapper YAML_COLLECTING = YAML.copy()
            .addHandler(new com.fasterxml.jackson.databind.deser.DeserializationProblemHandler() {
                @Override
                public boolean handleUnknownProperty(com.fasterxml.jackson.databind.DeserializationContext ctxt,
                                                     com.fasterxml.jackson.core.JsonParser p,
                                                     com.fasterxml.jackson.databind.JsonDeserializer<?> deserializer,
                                                     Object beanOrClass, String propertyName) throws java.io.IOException {
                    var loc = p.currentTokenLocation();
                    List<String> known = new ArrayList<>();
                    deserializer.getKnownPropertyNames().forEach(k -> known.add(String.valueOf(k)));
                    UNKNOWN.get().add("line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": unknown field '"
                            + propertyName + "' (known here: " + String.join(", ", known.stream().sorted().toList()) + ")");
                    p.skipChildren();
                    return true;
                }
            });
    /** Canonical form for the digest: JSON, keys sorted, no insignificant white space. */
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private CharterParser() {
    }

    /** @param source a name for error messages, usually the file name */
    public static Charter parse(String source, String yaml) throws CharterException {
        Doc doc;
        List<String> problems = new ArrayList<>();
        UNKNOWN.set(new ArrayList<>());
        try {
            doc = YAML_COLLECTING.readValue(yaml, Doc.class);
            UNKNOWN.get().forEach(u -> problems.add(source + ": " + u));
        } catch (JsonMappingException e) {
            throw new CharterException(List.of(source + ": " + locate(e) + describe(e)));
        } catch (JsonProcessingException e) {
            throw new CharterException(List.of(source + ": " + locate(e) + e.getOriginalMessage()));
        } finally {
            UNKNOWN.remove();
        }
        if (doc == null) {
            throw new CharterException(List.of(source + ": the charter is empty"));
        }
        List<Anchor> anchors = new ArrayList<>();
        for (AnchorDoc a : nonNull(doc.anchors)) {
            if (blank(a.id)) {
                problems.add(source + ": an anchor has no id");
                continue;
            }
            longId(source + ": anchor", a.id, problems);
            nonNull(a.members).forEach(m -> longId(source + ": anchor '" + a.id + "' member", m, problems));
            anchors.add(new Anchor(a.id, a.description, nonNull(a.members),
                    a.rotation == null ? null : a.rotation.start,
                    a.rotation == null || a.rotation.shift == null ? Duration.ofDays(7) : a.rotation.shift,
                    a.acknowledgeWithin == null ? Duration.ofMinutes(15) : a.acknowledgeWithin,
                    a.resolveWithin == null ? Duration.ofHours(4) : a.resolveWithin,
                    a.escalatesTo, a.rotation == null ? List.of() : overrides(source, a, problems)));
        }
        Map<String, Anchor> byId;
        try {
            byId = Charter.index(anchors);
        } catch (IllegalStateException duplicate) {
            problems.add(source + ": anchor ids must be unique (" + duplicate.getMessage() + ")");
            throw new CharterException(problems);
        }
        if (blank(doc.charter)) {
            problems.add(source + ": 'charter' (the charter's id) is required");
        } else {
            longId(source + ": charter", doc.charter, problems);
        }
        if (doc.version == null || doc.version < 1) {
            problems.add(source + ": 'version' must be a whole number >= 1");
        }
        if (blank(doc.defaultAnchor) || !byId.containsKey(doc.defaultAnchor)) {
            problems.add(source + ": 'defaultAnchor' must name a declared anchor; it owns every action no pathway covers");
        }
        for (Anchor a : anchors) {
            checkChain(source, a, byId, problems);
        }
        List<Pathway> pathways = new ArrayList<>();
        Set<String> pathwayIds = new HashSet<>();
        YamlLocator locator = new YamlLocator(yaml);
        List<PathwayDoc> pathwayDocs = nonNull(doc.pathways);
        for (int index = 0; index < pathwayDocs.size(); index++) {
            PathwayDoc p = pathwayDocs.get(index);
            String where = source + ": pathway '" + p.id + "'";
            if (blank(p.id) || !pathwayIds.add(p.id)) {
                problems.add(source + ": every pathway needs a unique id (found '" + p.id + "')");
                continue;
            }
            longId(source + ": pathway", p.id, problems);
            if (nonNull(p.covers).isEmpty()) {
                problems.add(where + ": 'covers' must list at least one action type");
            }
            if (blank(p.anchor) || !byId.containsKey(p.anchor)) {
                problems.add(where + ": 'anchor' must name a declared anchor (who is accountable?)");
            }
            Limits limits = p.limits == null ? null : new Limits(p.limits.maxAmount, p.limits.minConfidence,
                    p.limits.maxRisk, p.limits.requireReversible, p.limits.allowedTargetSystems);
            if (p.limits != null) {
                finite(where + ": 'limits.maxAmount'", p.limits.maxAmount, problems);
                finite(where + ": 'limits.minConfidence'", p.limits.minConfidence, problems);
                finite(where + ": 'limits.maxRisk'", p.limits.maxRisk, problems);
            }
            if (limits == null || !limits.declaresAny()) {
                problems.add(where + ": 'limits' must declare at least one bound (what are the limits of autonomy?)");
            }
            int approvals = p.requiredApprovals == null ? 1 : p.requiredApprovals;
            if (approvals < 1) {
                problems.add(where + ": 'requiredApprovals' must be at least 1");
            }
            Expression when = p.when == null ? null
                    : compile(source, "pathway '" + p.id + "' 'when'", p.when, locator, List.of("pathways", index, "when"), problems);
            List<Trigger> triggers = new ArrayList<>();
            Set<String> triggerIds = new HashSet<>();
            List<TriggerDoc> triggerDocs = nonNull(p.triggers);
            for (int t = 0; t < triggerDocs.size(); t++) {
                TriggerDoc td = triggerDocs.get(t);
                if (blank(td.id) || !triggerIds.add(td.id)) {
                    problems.add(where + ": every trigger needs a unique id (found '" + td.id + "')");
                    continue;
                }
                if (blank(td.when)) {
                    problems.add(where + ": trigger '" + td.id + "' needs a 'when' expression");
                    continue;
                }
                Expression e = compile(source, "pathway '" + p.id + "' trigger '" + td.id + "'", td.when, locator,
                        List.of("pathways", index, "triggers", t, "when"), problems);
                triggers.add(new Trigger(td.id, e, blank(td.reason) ? "trigger '" + td.id + "' fired: " + td.when : td.reason));
            }
            if (triggerDocs.isEmpty()) {
                problems.add(where + ": 'triggers' must name at least one condition under which a human must decide "
                        + "(when must escalation occur?); a pathway without escalation design is refused");
            }
            List<Budget> budgets = new ArrayList<>();
            for (BudgetDoc b : nonNull(p.budgets)) {
                if (blank(b.id) || b.window == null || b.window.isZero() || b.window.isNegative()
                        || (b.maxCount == null && b.maxAmount == null)) {
                    problems.add(where + ": budget '" + b.id + "' needs an id, a positive 'window' and 'maxCount' or 'maxAmount'");
                    continue;
                }
                longId(where + ": budget", b.id, problems);
                finite(where + ": budget '" + b.id + "' 'maxAmount'", b.maxAmount, problems);
                budgets.add(new Budget(b.id, b.window, b.maxCount, b.maxAmount));
            }
            pathways.add(new Pathway(p.id, p.description, nonNull(p.covers), when, p.anchor,
                    limits == null ? new Limits(null, null, null, null, null) : limits, triggers, budgets, approvals, p.forbidden));
        }
        if (!problems.isEmpty()) {
            throw new CharterException(problems);
        }
        return new Charter(doc.charter, doc.version, digest(yaml), doc.defaultAnchor, byId, pathways, overlaps(pathways));
    }

    private static Expression compile(String source, String what, String text, YamlLocator locator, List<Object> path,
                                      List<String> problems) {
        Expression.Compiled compiled = Expression.compile(text);
        if (compiled.expression() != null) {
            return compiled.expression();
        }
        int[] at = locator.locate(path);
        for (Expression.Problem problem : compiled.problems()) {
            int line = at[0] == 0 ? 0 : at[0] + problem.line() - 1;
            int column = at[0] == 0 ? 0 : (problem.line() == 1 ? at[1] + problem.column() - 1 : problem.column());
            problems.add(source + ": line " + line + ", column " + column + ": " + what + ": " + problem.message()
                    + " (in: " + text + ")");
        }
        return null;
    }

    /** Pathways whose types can both match one action type; the first in charter order wins. */
    private static List<String> overlaps(List<Pathway> pathways) {
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < pathways.size(); i++) {
            for (int j = i + 1; j < pathways.size(); j++) {
                for (String a : pathways.get(i).covers()) {
                    for (String b : pathways.get(j).covers()) {
                        if (TypePattern.intersect(a, b)) {
                            warnings.add("pathways '" + pathways.get(i).id() + "' (" + a + ") and '" + pathways.get(j).id() + "' (" + b
                                    + ") overlap: for action types both cover, '" + pathways.get(i).id() + "' comes first and "
                                    + (pathways.get(i).when() == null ? "wins" : "wins whenever its 'when' holds"));
                        }
                    }
                }
            }
        }
        return warnings;
    }

    private static List<Anchor.Override> overrides(String source, AnchorDoc a, List<String> problems) {
        List<Anchor.Override> out = new ArrayList<>();
        for (OverrideDoc o : nonNull(a.rotation.overrides)) {
            if (blank(o.member) || o.from == null || o.until == null || !o.until.isAfter(o.from)) {
                problems.add(source + ": anchor '" + a.id + "': every rotation override needs a member, 'from' and a later 'until'");
            } else if (!nonNull(a.members).contains(o.member)) {
                problems.add(source + ": anchor '" + a.id + "': override member '" + o.member + "' is not one of its members");
            } else {
                out.add(new Anchor.Override(o.member, o.from, o.until));
            }
        }
        return out;
    }

    /** Every chain must end at an anchor with at least one human, without going round in circles. */
    private static void checkChain(String source, Anchor start, Map<String, Anchor> byId, List<String> problems) {
        Set<String> seen = new HashSet<>();
        Anchor current = start;
        boolean human = false;
        while (current != null) {
            if (!seen.add(current.id())) {
                problems.add(source + ": anchor '" + start.id() + "': its escalation chain loops back to '" + current.id() + "'");
                return;
            }
            human |= !current.members().isEmpty();
            if (current.escalatesTo() == null) {
                break;
            }
            Anchor next = byId.get(current.escalatesTo());
            if (next == null) {
                problems.add(source + ": anchor '" + current.id() + "' escalates to unknown anchor '" + current.escalatesTo() + "'");
                return;
            }
            current = next;
        }
        if (!human) {
            problems.add(source + ": anchor '" + start.id() + "': its escalation chain ends without reaching a human member");
        }
    }

    /** sha256 over the canonical JSON form of the document, so formatting and key order do not count. */
    public static String digest(String yaml) {
        try {
            Object tree = YAML.readValue(yaml, Object.class);
            byte[] canonical = CANONICAL.writeValueAsBytes(tree);
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("cannot compute the charter digest: " + e.getMessage(), e);
        }
    }

    private static String locate(JsonProcessingException e) {
        var loc = e.getLocation();
        return loc == null ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
    }

    private static String describe(JsonMappingException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "' (known here: " + u.getKnownPropertyIds() + ")";
        }
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("");
        return (path.isEmpty() ? "" : "'" + path + "': ") + e.getOriginalMessage();
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /**
     * The longest id: anchors, members, pathways and budgets are named in escalations and ledger
     * entries, whose columns hold 128 characters. A longer one was accepted here and then refused by
     * the database on every escalation it caused, which stopped the escalation intake at it.
     */
    static final int LONGEST_ID = 128;

    private static void longId(String what, String id, List<String> problems) {
        if (id != null && id.length() > LONGEST_ID) {
            problems.add(what + " id '" + id.substring(0, 20) + "...' is " + id.length() + " characters; at most " + LONGEST_ID);
        }
    }

    /** NaN or an infinity compares false with every amount: a bound that never holds, so never fires. */
    private static void finite(String what, Double bound, List<String> problems) {
        if (bound != null && !Double.isFinite(bound)) {
            problems.add(what + " must be a finite number (found " + bound + ")");
        }
    }

    // The YAML document's shape. Jackson fills these; they never leave this class.

    static final class Doc {
        @JsonProperty public String charter;
        @JsonProperty public Long version;
        @JsonProperty public String description;
        @JsonProperty public String defaultAnchor;
        @JsonProperty public List<AnchorDoc> anchors;
        @JsonProperty public List<PathwayDoc> pathways;
    }

    static final class AnchorDoc {
        @JsonProperty public String id;
        @JsonProperty public String description;
        @JsonProperty public List<String> members;
        @JsonProperty public RotationDoc rotation;
        @JsonProperty public Duration acknowledgeWithin;
        @JsonProperty public Duration resolveWithin;
        @JsonProperty public String escalatesTo;
    }

    static final class RotationDoc {
        @JsonProperty public Instant start;
        @JsonProperty public Duration shift;
        @JsonProperty public List<OverrideDoc> overrides;
    }

    static final class OverrideDoc {
        @JsonProperty public String member;
        @JsonProperty public Instant from;
        @JsonProperty public Instant until;
    }

    static final class PathwayDoc {
        @JsonProperty public String id;
        @JsonProperty public String description;
        @JsonProperty public List<String> covers;
        @JsonProperty public String when;
        @JsonProperty public List<TriggerDoc> triggers;
        @JsonProperty public List<BudgetDoc> budgets;
        @JsonProperty public String anchor;
        @JsonProperty public LimitsDoc limits;
        @JsonProperty public Integer requiredApprovals;
        @JsonProperty public List<String> forbidden;
    }

    static final class TriggerDoc {
        @JsonProperty public String id;
        @JsonProperty public String when;
        @JsonProperty public String reason;
    }

    static final class BudgetDoc {
        @JsonProperty public String id;
        @JsonProperty public Duration window;
        @JsonProperty public Long maxCount;
        @JsonProperty public Double maxAmount;
    }

    static final class LimitsDoc {
        @JsonProperty public Double maxAmount;
        @JsonProperty public Double minConfidence;
        @JsonProperty public Double maxRisk;
        @JsonProperty public Boolean requireReversible;
        @JsonProperty public List<String> allowedTargetSystems;
    }
}
