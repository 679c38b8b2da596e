package dev.orgos.governance.charter;

/** Action type patterns: literal text with '*' for any run of characters (dots included). */
final class TypePattern {
    private TypePattern() {
    }

    /** Whether some action type matches both patterns: the pathways would overlap. */
    static boolean intersect(String a, String b) {
        return intersect(a, 0, b, 0, new java.util.HashMap<>());
    }

    private static boolean intersect(String a, int i, String b, int j, java.util.Map<Long, Boolean> memo) {
        long key = ((long) i << 32) | j;
        Boolean known = memo.get(key);
        if (known != null) {
            return known;
        }
        boolean result;
        if (i == a.length() && j == b.length()) {
            result = true;
        } else if (i < a.length() && a.charAt(i) == '*') {
            // '*' takes nothing, or one more character of whatever the other side produces
            result = intersect(a, i + 1, b, j, memo)
                    || (j < b.length() && (b.charAt(j) == '*' ? intersect(a, i, b, j + 1, memo) || intersect(a, i + 1, b, j + 1, memo)
                    : intersect(a, i, b, j + 1, memo)));
        } else if (j < b.length() && b.charAt(j) == '*') {
            result = intersect(a, i, b, j + 1, memo) || (i < a.length() && intersect(a, i + 1, b, j, memo));
        } else {
            result = i < a.length() && j < b.length() && a.charAt(i) == b.charAt(j) && intersect(a, i + 1, b, j + 1, memo);
        }
        memo.put(key, result);
        return result;
    }

    static boolean matches(String pattern, String value) {
        return matches(pattern, 0, value, 0);
    }

    private static boolean matches(String p, int pi, String v, int vi) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = vi; k <= v.length(); k++) {
                    if (matches(p, pi + 1, v, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (vi >= v.length() || v.charAt(vi) != c) {
                return false;
            }
            pi++;
            vi++;
        }
        return vi == v.length();
    }
}
