package dev.orgos.governance.decision;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The checks every action passes before the charter sees it, whether it came through the
 * gateway or straight from a Kafka-native worker: one definition for both doors.
 */
public final class ActionContract {

    /**
     * Lower-case dotted types such as refund.issue or email.customer.reply. The definition; the check
     * on every action is {@link #isActionType}, a loop over the characters, since a matcher cost a
     * few microseconds of every submission and every routed record.
     */
    public static final Pattern ACTION_TYPE = Pattern.compile("[a-z0-9][a-z0-9_-]*(\\.[a-z0-9_-]+)*");
    /**
     * Ids are opaque but bounded and printable, so they are safe in logs, keys and URLs (and never
     * contain a space, which the gateway's notices separate ids with). Checked by {@link #isId}.
     */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    /** One problem with one field. */
    public record FieldProblem(String field, String message) {
    }

    private ActionContract() {
    }

    /** Every problem found, empty when the action is acceptable. */
    public static List<FieldProblem> problems(ProposedAction a) {
        List<FieldProblem> problems = new ArrayList<>();
        id(problems, "actionId", a.actionId());
        id(problems, "agentId", a.agentId());
        if (a.actionType() == null || a.actionType().isBlank()) {
            problems.add(new FieldProblem("actionType", "is required"));
        } else if (a.actionType().length() > 200 || !isActionType(a.actionType())) {
            problems.add(new FieldProblem("actionType", "must be a dotted lower-case type such as refund.issue"));
        }
        if (a.amount() != null && !(a.amount() >= 0 && !a.amount().isInfinite())) {
            problems.add(new FieldProblem("amount", "must be a finite number >= 0"));
        }
        unit(problems, "confidence", a.confidence());
        unit(problems, "riskScore", a.riskScore());
        return problems;
    }

    private static void id(List<FieldProblem> problems, String field, String value) {
        if (value == null || value.isBlank()) {
            problems.add(new FieldProblem(field, "is required"));
        } else if (!isId(value)) {
            problems.add(new FieldProblem(field, "must be 1-128 letters, digits, '.', '_', ':' or '-'"));
        }
    }

    private static void unit(List<FieldProblem> problems, String field, Double value) {
        if (value != null && !(value >= 0 && value <= 1)) {
            problems.add(new FieldProblem(field, "must be between 0 and 1"));
        }
    }

    /** Whether {@code s} matches {@link #ID}. */
    public static boolean isId(String s) {
        int n = s.length();
        if (n == 0 || n > 128 || !alphanumeric(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = s.charAt(i);
            if (!alphanumeric(c) && c != '.' && c != '_' && c != ':' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} matches {@link #ACTION_TYPE}: segments of [a-z0-9_-] joined by dots, the first starting with [a-z0-9]. */
    public static boolean isActionType(String s) {
        int n = s.length();
        if (n == 0 || !lowerOrDigit(s.charAt(0))) {
            return false;
        }
        boolean afterDot = false;
        for (int i = 1; i < n; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (afterDot) {
                    return false;
                }
                afterDot = true;
            } else if (lowerOrDigit(c) || c == '_' || c == '-') {
                afterDot = false;
            } else {
                return false;
            }
        }
        return !afterDot;
    }

    private static boolean lowerOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean alphanumeric(char c) {
        return lowerOrDigit(c) || (c >= 'A' && c <= 'Z');
    }
}
