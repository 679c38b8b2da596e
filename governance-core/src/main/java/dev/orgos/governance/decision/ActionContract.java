package dev.orgos.governance.decision;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The checks every action passes before the charter sees it, whether it came through the
 * gateway or straight from a Kafka-native worker: one definition for both doors.
 */
public final class ActionContract {

    /** Lower-case dotted types such as refund.issue or email.customer.reply. */
    public static final Pattern ACTION_TYPE = Pattern.compile("[a-z0-9][a-z0-9_-]*(\\.[a-z0-9_-]+)*");
    /** Ids are opaque but bounded and printable, so they are safe in logs, keys and URLs. */
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
        } else if (a.actionType().length() > 200 || !ACTION_TYPE.matcher(a.actionType()).matches()) {
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
        } else if (!ID.matcher(value).matches()) {
            problems.add(new FieldProblem(field, "must be 1-128 letters, digits, '.', '_', ':' or '-'"));
        }
    }

    private static void unit(List<FieldProblem> problems, String field, Double value) {
        if (value != null && !(value >= 0 && value <= 1)) {
            problems.add(new FieldProblem(field, "must be between 0 and 1"));
        }
    }
}
