package dev.orgos.governance.replay;

import dev.orgos.governance.charter.Charter;
import dev.orgos.governance.decision.CharterEvaluator;
import dev.orgos.governance.decision.Decision;
import dev.orgos.governance.decision.Outcome;
import dev.orgos.governance.decision.ProposedAction;
import dev.orgos.governance.decision.RollingWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A candidate charter applied to recorded history, before it goes live: each recorded action is
 * decided again under the candidate and compared with the decision it actually got, per pathway.
 *
 * <p>It decides as the router does: budgets are charged by the candidate's own autonomous
 * decisions, at the action's recorded time, so a looser budget lets more through later in the
 * history and a tighter one escalates sooner; and an action id is decided once, so a resubmitted
 * action (a worker's retry that reached the topic twice) is counted once. Actions must be given in
 * the order they were recorded: one agent's actions share a partition, so its budget sees them in
 * the order the router did.
 */
public final class CharterReplay {

    /** From least to most strict: which way a changed decision went. */
    private static final List<Outcome> STRICTNESS = List.of(Outcome.AUTONOMOUS, Outcome.ESCALATE, Outcome.REJECT);

    private final CharterEvaluator evaluator;
    private final int examplesPerDirection;
    private final Map<String, RollingWindow> budgets = new HashMap<>();
    private final Set<String> replayedIds = new HashSet<>();
    private final Map<String, PathwayChanges> byPathway = new TreeMap<>();
    private int resubmissions;

    /**
     * @param examplesPerDirection how many changed actions to keep as examples, per pathway and
     *                             direction (say "AUTONOMOUS -> ESCALATE")
     */
    public CharterReplay(Charter candidate, int examplesPerDirection) {
        this.evaluator = new CharterEvaluator(candidate);
        this.examplesPerDirection = examplesPerDirection;
    }

    /**
     * Decides one recorded action again and compares. Returns false, and counts nothing, for an
     * action id already replayed: the router gave the resubmission no decision either.
     *
     * @param at              when the action was recorded (its budget time)
     * @param recorded        the outcome it got when it was decided
     * @param recordedPathway the pathway it was decided under, or null; it names the row when the
     *                        candidate has no pathway for the action
     */
    public boolean replay(Instant at, ProposedAction action, Outcome recorded, String recordedPathway) {
        if (!replayedIds.add(action.actionId())) {
            resubmissions++;
            return false;
        }
        Decision after = evaluator.evaluate(action, at, (agent, pathway, budget, window, now) ->
                budget(agent, pathway, budget).usage(now, window));
        evaluator.chargeBudgets(after, action, at, (agent, pathway, budget, when, amount) -> budget(agent, pathway, budget).add(when, amount));
        String pathway = after.pathwayId() != null ? after.pathwayId() : recordedPathway != null ? recordedPathway : "(no pathway)";
        byPathway.computeIfAbsent(pathway, PathwayChanges::new).add(action, recorded, after, examplesPerDirection);
        return true;
    }

    private RollingWindow budget(String agentId, String pathwayId, String budgetId) {
        return budgets.computeIfAbsent(agentId + "|" + pathwayId + "|" + budgetId, k -> new RollingWindow());
    }

    /** Actions decided again. */
    public int replayed() {
        return replayedIds.size();
    }

    /** Actions given again under an id already replayed, and not counted. */
    public int resubmissions() {
        return resubmissions;
    }

    /** What changed, per pathway, in pathway order. */
    public Map<String, PathwayChanges> byPathway() {
        return Collections.unmodifiableMap(byPathway);
    }

    /** One pathway's decisions: how many stayed, how many became stricter or looser, with examples. */
    public static final class PathwayChanges {
        private final String pathway;
        private int total;
        private int unchanged;
        private int stricter;
        private int looser;
        private final Map<String, List<String>> examples = new LinkedHashMap<>();

        PathwayChanges(String pathway) {
            this.pathway = pathway;
        }

        void add(ProposedAction a, Outcome before, Decision after, int maxExamples) {
            total++;
            int cmp = Integer.compare(STRICTNESS.indexOf(after.outcome()), STRICTNESS.indexOf(before));
            if (cmp == 0) {
                unchanged++;
                return;
            }
            if (cmp > 0) {
                stricter++;
            } else {
                looser++;
            }
            List<String> list = examples.computeIfAbsent(before + " -> " + after.outcome() + (cmp > 0 ? " (stricter)" : " (looser)"),
                    k -> new ArrayList<>());
            if (list.size() < maxExamples) {
                list.add(a.actionId() + " " + a.actionType() + " by " + a.agentId()
                        + (a.amount() == null ? "" : " (amount " + a.amount() + ")") + ": " + after.reason());
            }
        }

        public String pathway() {
            return pathway;
        }

        public int total() {
            return total;
        }

        public int unchanged() {
            return unchanged;
        }

        public int stricter() {
            return stricter;
        }

        public int looser() {
            return looser;
        }

        /** Examples per direction ("AUTONOMOUS -> ESCALATE (stricter)"), in the order the directions first occurred. */
        public Map<String, List<String>> examples() {
            return Collections.unmodifiableMap(examples);
        }
    }
}
