package dev.orgos.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgos.console.diff.LineDiff;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineDiffTest {

    private static List<String> render(List<LineDiff.Line> lines) {
        return lines.stream().map(l -> l.sign() + l.text()).toList();
    }

    @Test
    void aChangedLimitShowsAsOneLineRemovedAndOneAdded() {
        String v1 = "version: 1\nlimits:\n  maxAmount: 500\n  minConfidence: 0.8\n";
        String v2 = "version: 2\nlimits:\n  maxAmount: 300\n  minConfidence: 0.8\n";
        assertEquals(List.of("-version: 1", "+version: 2", " limits:", "-  maxAmount: 500", "+  maxAmount: 300", "   minConfidence: 0.8", " "),
                render(LineDiff.diff(v1, v2)));
    }

    @Test
    void onlyChangesWithTheirContextAreKeptAndEqualDocumentsHaveNone() {
        String a = "a\nb\nc\nd\ne\nf\ng\n";
        String b = "a\nb\nc\nd\ne\nF\ng\n";
        assertEquals(List.of(" e", "-f", "+F", " g"), render(LineDiff.changes(LineDiff.diff(a, b), 1)));
        // two changes far apart: the unchanged lines between them are one gap
        String c = "A\nb\nc\nd\ne\nf\nG\n";
        assertEquals(List.of("-a", "+A", " b", "⋯", " f", "-g", "+G", " "),
                render(LineDiff.changes(LineDiff.diff("a\nb\nc\nd\ne\nf\ng\n", c), 1)));
        assertEquals(List.of(), LineDiff.changes(LineDiff.diff(a, a), 3));
    }

    @Test
    void linesAddedAtTheEndAndRemovedAtTheStart() {
        assertEquals(List.of("-x", " y", "+z"), render(LineDiff.diff("x\ny", "y\nz")));
    }
}
