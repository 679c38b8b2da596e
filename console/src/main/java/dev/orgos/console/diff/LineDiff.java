package dev.orgos.console.diff;

import java.util.ArrayList;
import java.util.List;

/**
 * The difference between two versions of a charter, line by line (longest common subsequence):
 * charters are reviewed like code, so they are compared like code. Charters are a few hundred
 * lines; the quadratic table is small.
 */
public final class LineDiff {
    private LineDiff() {
    }

    /** GAP stands for unchanged lines left out between two changes. */
    public enum Kind { SAME, ADDED, REMOVED, GAP }

    @io.quarkus.qute.TemplateData

    public record Line(Kind kind, int oldNumber, int newNumber, String text) {
        public String sign() {
            return switch (kind) {
                case SAME -> " ";
                case ADDED -> "+";
                case REMOVED -> "-";
                case GAP -> "⋯";
            };
        }
    }

    public static List<Line> diff(String before, String after) {
        String[] a = before.split("\n", -1);
        String[] b = after.split("\n", -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Line> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                out.add(new Line(Kind.SAME, i + 1, j + 1, a[i]));
                i++;
                j++;
            } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                // removals first, as readers of diffs expect
                out.add(new Line(Kind.REMOVED, i + 1, 0, a[i]));
                i++;
            } else {
                out.add(new Line(Kind.ADDED, 0, j + 1, b[j]));
                j++;
            }
        }
        return out;
    }

    /** Only the changes, each with up to {@code context} unchanged lines around it. */
    public static List<Line> changes(List<Line> all, int context) {
        List<Line> out = new ArrayList<>();
        int lastKept = -1;
        for (int k = 0; k < all.size(); k++) {
            boolean near = false;
            for (int d = -context; d <= context && !near; d++) {
                int x = k + d;
                near = x >= 0 && x < all.size() && all.get(x).kind() != Kind.SAME;
            }
            if (near) {
                if (lastKept >= 0 && k > lastKept + 1) {
                    out.add(new Line(Kind.GAP, 0, 0, ""));
                }
                out.add(all.get(k));
                lastKept = k;
            }
        }
        return out;
    }
}
