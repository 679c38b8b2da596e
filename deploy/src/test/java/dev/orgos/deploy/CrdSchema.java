package dev.orgos.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A CustomResourceDefinition's structural OpenAPI v3 schema, as the API server applies it:
 * types (with x-kubernetes-int-or-string), required fields, enums, string lengths and
 * patterns, numeric bounds, item counts, and unknown fields: a field the schema does not
 * declare, where the schema neither preserves unknown fields nor allows additionalProperties,
 * is reported (the API server would prune it silently). Not checked: CEL rules
 * (x-kubernetes-validations), formats, and list-map key uniqueness. The root metadata is left
 * to fabric8's ObjectMeta (ModelValidator).
 */
final class CrdSchema {
    private final String group;
    private final String kind;
    /** served version name to its openAPIV3Schema */
    private final Map<String, JsonNode> versions = new HashMap<>();
    private final Map<String, Pattern> patterns = new HashMap<>();

    private CrdSchema(JsonNode crd) {
        JsonNode spec = crd.path("spec");
        this.group = spec.path("group").asText();
        this.kind = spec.path("names").path("kind").asText();
        for (JsonNode v : spec.path("versions")) {
            if (v.path("served").asBoolean(false)) {
                versions.put(v.path("name").asText(), v.path("schema").path("openAPIV3Schema"));
            }
        }
        if (group.isEmpty() || kind.isEmpty() || versions.isEmpty()) {
            throw new IllegalArgumentException("not a CustomResourceDefinition with a served version");
        }
    }

    static CrdSchema fromResource(String resource) {
        try (InputStream in = CrdSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CrdSchema parse(String yaml, String source) {
        for (Manifests.Doc d : Manifests.parse(yaml, source)) {
            if (d.kind().equals("CustomResourceDefinition")) {
                return new CrdSchema(d.node());
            }
        }
        throw new IllegalArgumentException(source + " holds no CustomResourceDefinition");
    }

    /** The problems of one document ("path: what"), empty if it conforms. */
    List<String> validate(JsonNode doc) {
        List<String> problems = new ArrayList<>();
        String apiVersion = doc.path("apiVersion").asText();
        String version = apiVersion.startsWith(group + "/") ? apiVersion.substring(group.length() + 1) : null;
        if (version == null || !versions.containsKey(version)) {
            problems.add("apiVersion: " + apiVersion + " is not served by this CRD (" + group + "/" + versions.keySet() + ")");
            return problems;
        }
        if (!kind.equals(doc.path("kind").asText())) {
            problems.add("kind: " + doc.path("kind").asText() + " is not " + kind);
            return problems;
        }
        check(versions.get(version), doc, "", problems, true);
        return problems;
    }

    private void check(JsonNode schema, JsonNode value, String path, List<String> out, boolean root) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return; // absent (the API server prunes nulls of non-nullable fields)
        }
        String at = path.isEmpty() ? "(document)" : path;
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!(value.isIntegralNumber() || value.isTextual())) {
                out.add(at + ": expected an integer or a string, got " + describe(value));
            }
            return;
        }
        checkCombinators(schema, value, path, out);
        JsonNode enumValues = schema.get("enum");
        if (enumValues != null && enumValues.isArray()) {
            boolean found = false;
            for (JsonNode e : enumValues) {
                found |= e.equals(value);
            }
            if (!found) {
                out.add(at + ": " + value + " is not one of " + enumValues);
            }
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> checkObject(schema, value, path, out, root);
            case "array" -> {
                if (!value.isArray()) {
                    out.add(at + ": expected a list, got " + describe(value));
                    return;
                }
                bound(schema, "minItems", value.size(), true, at, "items", out);
                bound(schema, "maxItems", value.size(), false, at, "items", out);
                JsonNode items = schema.get("items");
                if (items != null) {
                    for (int i = 0; i < value.size(); i++) {
                        check(items, value.get(i), path + "[" + i + "]", out, false);
                    }
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    out.add(at + ": expected a string, got " + describe(value));
                    return;
                }
                String s = value.asText();
                bound(schema, "minLength", s.codePointCount(0, s.length()), true, at, "characters", out);
                bound(schema, "maxLength", s.codePointCount(0, s.length()), false, at, "characters", out);
                Pattern p = pattern(schema.path("pattern").asText(null));
                if (p != null && !p.matcher(s).find()) {
                    out.add(at + ": '" + s + "' does not match " + p.pattern());
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    out.add(at + ": expected an integer, got " + describe(value));
                    return;
                }
                numeric(schema, value, at, out);
            }
            case "number" -> {
                if (!value.isNumber()) {
                    out.add(at + ": expected a number, got " + describe(value));
                    return;
                }
                numeric(schema, value, at, out);
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    out.add(at + ": expected true or false, got " + describe(value));
                }
            }
            default -> {
                // no type: only valid with x-kubernetes-preserve-unknown-fields (anything goes)
            }
        }
    }

    private void checkObject(JsonNode schema, JsonNode value, String path, List<String> out, boolean root) {
        String at = path.isEmpty() ? "(document)" : path;
        if (!value.isObject()) {
            out.add(at + ": expected an object, got " + describe(value));
            return;
        }
        for (JsonNode r : schema.path("required")) {
            if (!value.has(r.asText())) {
                out.add(join(path, r.asText()) + ": required field missing");
            }
        }
        JsonNode properties = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        for (Map.Entry<String, JsonNode> f : value.properties()) {
            String fieldPath = join(path, f.getKey());
            if (root && f.getKey().equals("metadata")) {
                continue; // ObjectMeta, checked by ModelValidator against fabric8's model
            }
            if (properties != null && properties.has(f.getKey())) {
                check(properties.get(f.getKey()), f.getValue(), fieldPath, out, false);
            } else if (additional != null && additional.isObject()) {
                check(additional, f.getValue(), fieldPath, out, false);
            } else if (preserve || (additional != null && additional.asBoolean(false))) {
                // kept as written
            } else {
                out.add(fieldPath + ": unknown field '" + f.getKey() + "' (not in the " + kind + " schema; the API server would drop it)");
            }
        }
    }

    private void checkCombinators(JsonNode schema, JsonNode value, String path, List<String> out) {
        String at = path.isEmpty() ? "(document)" : path;
        for (JsonNode sub : schema.path("allOf")) {
            check(sub, value, path, out, false);
        }
        if (schema.has("anyOf")) {
            boolean any = false;
            for (JsonNode sub : schema.get("anyOf")) {
                List<String> tmp = new ArrayList<>();
                check(sub, value, path, tmp, false);
                any |= tmp.isEmpty();
            }
            if (!any) {
                out.add(at + ": matches none of " + schema.get("anyOf"));
            }
        }
        if (schema.has("oneOf")) {
            int matching = 0;
            for (JsonNode sub : schema.get("oneOf")) {
                List<String> tmp = new ArrayList<>();
                check(sub, value, path, tmp, false);
                matching += tmp.isEmpty() ? 1 : 0;
            }
            if (matching != 1) {
                out.add(at + ": matches " + matching + " of oneOf " + schema.get("oneOf") + ", not exactly one");
            }
        }
    }

    private static void numeric(JsonNode schema, JsonNode value, String at, List<String> out) {
        double v = value.asDouble();
        if (schema.has("minimum") && v < schema.get("minimum").asDouble()) {
            out.add(at + ": " + value + " is below the minimum " + schema.get("minimum"));
        }
        if (schema.has("maximum") && v > schema.get("maximum").asDouble()) {
            out.add(at + ": " + value + " is above the maximum " + schema.get("maximum"));
        }
    }

    private static void bound(JsonNode schema, String keyword, int actual, boolean min, String at, String unit, List<String> out) {
        if (schema.has(keyword)) {
            int limit = schema.get(keyword).asInt();
            if (min ? actual < limit : actual > limit) {
                out.add(at + ": " + actual + " " + unit + ", " + keyword + " is " + limit);
            }
        }
    }

    private Pattern pattern(String regex) {
        if (regex == null) {
            return null;
        }
        return patterns.computeIfAbsent(regex, r -> {
            try {
                return Pattern.compile(r);
            } catch (PatternSyntaxException e) {
                return null; // an RE2 construct Java lacks: not checked
            }
        });
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String describe(JsonNode v) {
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + v;
    }
}
