package dev.orgos.deploy;

import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import java.util.ArrayList;
import java.util.List;

/** What a KafkaUser's simple-authorization ACLs allow, as Kafka's authorizer decides it. */
final class Acls {
    private Acls() {
    }

    static List<AclRule> rules(KafkaUser user) {
        if (user.getSpec() != null && user.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple simple
                && simple.getAcls() != null) {
            return simple.getAcls();
        }
        return List.of();
    }

    /**
     * Whether the user may perform the operation on the resource (type topic, group or
     * transactionalId; name as the client uses it): some allow rule matches and no deny rule does.
     */
    static boolean allows(KafkaUser user, String type, String name, AclOperation op) {
        boolean allowed = false;
        for (AclRule r : rules(user)) {
            if (!matches(r.getResource(), type, name) || !grants(r, op)) {
                continue;
            }
            if (r.getType() == AclRuleType.DENY) {
                return false;
            }
            allowed = true;
        }
        return allowed;
    }

    static boolean grants(AclRule r, AclOperation op) {
        List<AclOperation> ops = new ArrayList<>();
        if (r.getOperations() != null) {
            ops.addAll(r.getOperations());
        }
        if (r.getOperation() != null) {
            ops.add(r.getOperation());
        }
        // as in Kafka: All implies everything; Read, Write, Delete and Alter imply Describe
        return ops.contains(op) || ops.contains(AclOperation.ALL)
                || (op == AclOperation.DESCRIBE && ops.stream().anyMatch(o -> o == AclOperation.READ || o == AclOperation.WRITE
                        || o == AclOperation.DELETE || o == AclOperation.ALTER));
    }

    static boolean matches(AclRuleResource resource, String type, String name) {
        String ruleName;
        AclResourcePatternType pattern;
        if (resource instanceof AclRuleTopicResource t && type.equals("topic")) {
            ruleName = t.getName();
            pattern = t.getPatternType();
        } else if (resource instanceof AclRuleGroupResource g && type.equals("group")) {
            ruleName = g.getName();
            pattern = g.getPatternType();
        } else if (resource instanceof AclRuleTransactionalIdResource x && type.equals("transactionalId")) {
            ruleName = x.getName();
            pattern = x.getPatternType();
        } else {
            return false;
        }
        if ("*".equals(ruleName)) {
            return true;
        }
        return pattern == AclResourcePatternType.PREFIX ? name.startsWith(ruleName) : name.equals(ruleName);
    }
}
