package dev.orgos.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Multi-document YAML as the documents a cluster would receive. */
final class Manifests {
    static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder().build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private Manifests() {
    }

    /** One Kubernetes object, with where it came from (a render or a file) for the messages. */
    record Doc(String source, JsonNode node) {
        String apiVersion() {
            return node.path("apiVersion").asText();
        }

        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        /** kind/name, as kubectl names an object. */
        String id() {
            return kind() + "/" + name();
        }

        /** apiVersion/kind, e.g. apps/v1/Deployment. */
        String type() {
            return apiVersion() + "/" + kind();
        }

        @Override
        public String toString() {
            return id() + " (" + source + ")";
        }
    }

    static List<Doc> parse(String yaml, String source) {
        List<Doc> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNextValue()) {
                JsonNode n = it.nextValue();
                if (n != null && !n.isNull() && !n.isMissingNode() && !(n.isObject() && n.isEmpty())) {
                    docs.add(new Doc(source, n));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + source + ": " + e.getMessage(), e);
        }
        return docs;
    }

    static List<Doc> parse(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Doc> ofKind(List<Doc> docs, String kind) {
        return docs.stream().filter(d -> d.kind().equals(kind));
    }
}
