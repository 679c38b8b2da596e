package dev.orgos.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/** Where an action stands, as the gateway says. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ActionState(String actionId, String agentId, String actionType, String status, boolean mayProceed,
                          boolean isFinal, String anchor, List<String> decidedBy, String reason, Instant deadline,
                          Long charterVersion, String traceId, Instant submittedAt, Instant updatedAt) {
}
