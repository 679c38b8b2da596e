package dev.orgos.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The build refuses a schema change that is not BACKWARD compatible: every value schema as it
 * is now must be able to read data written with every version of it ever committed to git.
 * (BACKWARD, transitively: consumers upgrade first and must still read what is on the topics.)
 */
class SchemaCompatibilityTest {

    private static final Path AVRO_DIR = Path.of("src/main/avro");

    @Test
    void everyTopicSchemaReadsEveryCommittedVersionOfItself() throws Exception {
        Assumptions.assumeTrue(insideGitCheckout(), "not a git checkout: no committed history to compare with");
        List<String> problems = new ArrayList<>();
        int compared = 0;
        for (Topics topic : Topics.withSchemas()) {
            Schema current = topic.valueSchema();
            String file = current.getName() + ".avsc";
            for (Map.Entry<String, Schema> committed : committedVersions(file).entrySet()) {
                compared++;
                var result = SchemaCompatibility.checkReaderWriterCompatibility(current, committed.getValue());
                if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                    problems.add(file + " can no longer read data written with commit " + committed.getKey()
                            + ": " + result.getResult().getIncompatibilities());
                }
            }
        }
        if (!problems.isEmpty()) {
            fail("Schema change is not BACKWARD compatible. Add fields with defaults instead of changing or "
                    + "removing them, or publish a new topic.\n" + String.join("\n", problems));
        }
        System.out.println("schemas: compared the current schemas with " + compared + " committed versions");
    }

    @Test
    void aFieldRemovedWithoutDefaultIsDetectedAsIncompatible() {
        // The check above is only worth something if Avro's checker refuses what we think it refuses.
        Schema old = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[{"name":"a","type":"string"}]}""");
        Schema addedRequired = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[{"name":"a","type":"string"},{"name":"b","type":"string"}]}""");
        Schema addedOptional = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[{"name":"a","type":"string"},{"name":"b","type":["null","string"],"default":null}]}""");
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(addedRequired, old).getType());
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(addedOptional, old).getType());
    }

    @Test
    void everyEventCarriesItsIdentityFields() {
        for (Topics topic : Topics.withSchemas()) {
            Schema s = topic.valueSchema();
            if (topic == Topics.LEDGER) {
                assertTrue(s.getField("factEventId") != null && s.getField("actionId") != null, s.getName());
                continue;
            }
            assertTrue(s.getField("eventId") != null, s.getName() + " has no eventId");
            assertTrue(s.getField("occurredAt") != null, s.getName() + " has no occurredAt");
            if (!java.util.Set.of(Topics.CHARTERS, Topics.DEAD_LETTERS, Topics.ROUTER_STATE, Topics.CHECKPOINTS).contains(topic)) {
                assertTrue(s.getField("actionId") != null, s.getName() + " has no actionId");
                assertTrue(s.getField("agentId") != null, s.getName() + " has no agentId");
            }
        }
    }

    private static boolean insideGitCheckout() {
        try {
            // A checkout with no commit yet has no history to be compatible with.
            return run("git", "rev-parse", "--is-inside-work-tree").trim().equals("true")
                    && !run("git", "rev-parse", "--verify", "HEAD").isBlank();
        } catch (Exception e) {
            return false;
        }
    }

    /** Every committed version of a schema file, oldest first, by commit id. */
    private static Map<String, Schema> committedVersions(String file) throws Exception {
        Path path = findFile(file);
        Map<String, Schema> versions = new TreeMap<>();
        if (path == null) {
            return versions;
        }
        String relative = path.toString();
        for (String commit : run("git", "log", "--format=%H", "--", relative).split("\\s+")) {
            if (commit.isBlank()) {
                continue;
            }
            String text = run("git", "show", commit + ":./" + relative);
            versions.put(commit.substring(0, 12), parseWithCommon(text));
        }
        return versions;
    }

    private static Path findFile(String file) throws IOException {
        try (var stream = Files.walk(AVRO_DIR)) {
            return stream.filter(p -> p.getFileName().toString().equals(file)).findFirst().orElse(null);
        }
    }

    /**
     * Parses a committed schema file. A file may name types defined in sibling files (AnchorRef,
     * FactType, ...); those are taken as they are today, one at a time, as the parser asks for them.
     */
    private static Schema parseWithCommon(String text) {
        Map<String, Schema> known = new TreeMap<>();
        for (Topics t : Topics.withSchemas()) {
            collectNamed(t.valueSchema(), known);
        }
        List<Schema> borrowed = new ArrayList<>();
        while (true) {
            Schema.Parser parser = new Schema.Parser();
            if (!borrowed.isEmpty()) {
                parser.addTypes(borrowed);
            }
            try {
                return parser.parse(text);
            } catch (org.apache.avro.AvroRuntimeException e) {
                String msg = String.valueOf(e.getMessage());
                String prefix = "Undefined schema: ";
                int at = msg.indexOf(prefix);
                Schema missing = at < 0 ? null : known.get(msg.substring(at + prefix.length()).trim());
                if (missing == null || borrowed.contains(missing)) {
                    throw e;
                }
                borrowed.add(missing);
            }
        }
    }

    private static void collectNamed(Schema s, Map<String, Schema> into) {
        switch (s.getType()) {
            case RECORD -> {
                if (into.putIfAbsent(s.getFullName(), s) == null) {
                    s.getFields().forEach(f -> collectNamed(f.schema(), into));
                }
            }
            case ENUM, FIXED -> into.putIfAbsent(s.getFullName(), s);
            case ARRAY -> collectNamed(s.getElementType(), into);
            case MAP -> collectNamed(s.getValueType(), into);
            case UNION -> s.getTypes().forEach(t -> collectNamed(t, into));
            default -> { }
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
