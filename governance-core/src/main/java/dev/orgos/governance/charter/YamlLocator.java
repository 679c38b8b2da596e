package dev.orgos.governance.charter;

import java.io.StringReader;
import java.util.List;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Finds where a value sits in the YAML text, so errors inside expressions point at the file. */
final class YamlLocator {
    private final Node root;

    YamlLocator(String yaml) {
        Node parsed;
        try {
            parsed = new Yaml().compose(new StringReader(yaml));
        } catch (RuntimeException e) {
            parsed = null;
        }
        this.root = parsed;
    }

    /** 1-based line and column of the first character of the scalar's text; {0, 0} when unknown. */
    int[] locate(List<Object> path) {
        Node node = root;
        for (Object step : path) {
            node = child(node, step);
            if (node == null) {
                return new int[] {0, 0};
            }
        }
        int line = node.getStartMark().getLine() + 1;
        int column = node.getStartMark().getColumn() + 1;
        if (node instanceof ScalarNode s && s.getScalarStyle() != null && s.getScalarStyle().getChar() != null) {
            column++; // past the opening quote
        }
        return new int[] {line, column};
    }

    private static Node child(Node node, Object step) {
        if (node instanceof MappingNode m && step instanceof String key) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return t.getValueNode();
                }
            }
        } else if (node instanceof SequenceNode s && step instanceof Integer index && index < s.getValue().size()) {
            return s.getValue().get(index);
        }
        return null;
    }
}
