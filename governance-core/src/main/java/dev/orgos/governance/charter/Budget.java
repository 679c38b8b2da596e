package dev.orgos.governance.charter;

import java.time.Duration;

/**
 * A threshold over time: per agent on one pathway, at most {@code maxCount} autonomous actions
 * and/or a total of {@code maxAmount} within any rolling {@code window}. The action that would
 * exceed it escalates.
 */
public record Budget(String id, Duration window, Long maxCount, Double maxAmount) {
}
