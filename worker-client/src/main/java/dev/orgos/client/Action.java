package dev.orgos.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * An action a worker intends to take. There is no agent id: the gateway takes it from the
 * worker's credential.
 *
 * @param actionId the worker's own id for the action; resubmitting with the same id is a retry
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Action(String actionId, String actionType, String description, Double amount, String currency,
                     Double confidence, Double riskScore, Boolean reversible, String targetSystem,
                     Map<String, Object> parameters) {

    public static Action of(String actionId, String actionType) {
        return new Action(actionId, actionType, null, null, null, null, null, null, null, null);
    }

    public Action describedAs(String d) {
        return new Action(actionId, actionType, d, amount, currency, confidence, riskScore, reversible, targetSystem, parameters);
    }

    public Action amount(double a, String cur) {
        return new Action(actionId, actionType, description, a, cur, confidence, riskScore, reversible, targetSystem, parameters);
    }

    public Action confidence(double c) {
        return new Action(actionId, actionType, description, amount, currency, c, riskScore, reversible, targetSystem, parameters);
    }

    public Action risk(double r) {
        return new Action(actionId, actionType, description, amount, currency, confidence, r, reversible, targetSystem, parameters);
    }

    public Action reversible(boolean r, String target) {
        return new Action(actionId, actionType, description, amount, currency, confidence, riskScore, r, target, parameters);
    }

    public Action parameters(Map<String, Object> p) {
        return new Action(actionId, actionType, description, amount, currency, confidence, riskScore, reversible, targetSystem, p);
    }
}
