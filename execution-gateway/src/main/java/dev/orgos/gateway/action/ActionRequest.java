package dev.orgos.gateway.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * What a worker sends. There is no agentId: the agent is whoever the credential says. Unknown
 * fields are refused (Jackson's FAIL_ON_UNKNOWN_PROPERTIES, see application.properties).
 */
public record ActionRequest(
        String actionId,
        String actionType,
        String description,
        Double amount,
        String currency,
        Double confidence,
        Double riskScore,
        Boolean reversible,
        String targetSystem,
        Map<String, Object> parameters) {

    /** The same request under the given action id. */
    public ActionRequest withActionId(String id) {
        return id.equals(actionId) ? this
                : new ActionRequest(id, actionType, description, amount, currency, confidence, riskScore, reversible, targetSystem,
                parameters);
    }

    /** Fields and parameters in alphabetical order, nulls included: one text per meaning. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder().enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    /**
     * SHA-256 of the request's canonical JSON: what an idempotency key is bound to, so that a
     * retry is recognised whatever its field order or spacing, and a different body is not.
     * The stored fingerprints of earlier versions are the same bytes (see ActionRequestTest).
     */
    public String fingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(CANONICAL.writeValueAsBytes(this)));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint an action request", e);
        }
    }
}
