package dev.orgos.deploy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks documents against the real API models, strictly.
 *
 * <p>Kinds with a Java model (fabric8's Kubernetes model, Strimzi's API model) are deserialized
 * into it. Both model families keep fields they do not know in an additionalProperties map
 * instead of failing (so FAIL_ON_UNKNOWN_PROPERTIES cannot work), and the API server would
 * drop such a field silently: a misspelt `replcas:` means one replica. So after
 * deserializing, the whole object graph is walked and every non-empty additionalProperties is
 * reported with the document, the field's path and the unknown key. Scalars are not coerced
 * (a string where the API wants a number is an error, as it is for the API server).
 *
 * <p>Kinds without a Java model on Maven Central (KEDA, CloudNativePG) are checked against
 * their CustomResourceDefinition's OpenAPI schema ({@link CrdSchema}); their metadata against
 * fabric8's ObjectMeta.
 */
final class ModelValidator {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .build();

    /** apiVersion/kind to its Java model. */
    static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("batch/v1/Job", Job.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
            Map.entry("kafka.strimzi.io/v1beta2/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaUser", KafkaUser.class));

    /** apiVersion/kind to the CRD (test resource) whose schema checks it. */
    static final Map<String, String> CRDS = Map.of(
            "keda.sh/v1alpha1/ScaledObject", "crds/keda.sh_scaledobjects.yaml",
            "keda.sh/v1alpha1/TriggerAuthentication", "crds/keda.sh_triggerauthentications.yaml",
            "postgresql.cnpg.io/v1/Cluster", "crds/postgresql.cnpg.io_clusters.yaml",
            "postgresql.cnpg.io/v1/Database", "crds/postgresql.cnpg.io_databases.yaml");

    private static final Map<String, CrdSchema> SCHEMAS = new java.util.concurrent.ConcurrentHashMap<>();

    private ModelValidator() {
    }

    /** The problems of one document, each naming the document, the field path and what is wrong; empty if none. */
    static List<String> validate(Manifests.Doc doc) {
        List<String> problems = new ArrayList<>();
        if (doc.apiVersion().isEmpty() || doc.kind().isEmpty() || doc.name().isEmpty()) {
            problems.add(doc + ": apiVersion, kind and metadata.name are required");
            return problems;
        }
        Class<?> model = MODELS.get(doc.type());
        String crd = CRDS.get(doc.type());
        if (model != null) {
            Object typed = typed(doc, model, problems);
            if (typed != null) {
                unknownFields(typed, "", problems, doc);
            }
        } else if (crd != null) {
            CrdSchema schema = SCHEMAS.computeIfAbsent(crd, CrdSchema::fromResource);
            for (String p : schema.validate(doc.node())) {
                problems.add(doc + ": " + p);
            }
            ObjectMeta meta = typed(doc, doc.node().path("metadata"), ObjectMeta.class, "metadata", problems);
            if (meta != null) {
                unknownFields(meta, "metadata", problems, doc);
            }
        } else {
            problems.add(doc + ": no model and no CRD schema known for " + doc.type()
                    + ": add one to ModelValidator (MODELS or CRDS) so it is validated too");
        }
        return problems;
    }

    /** The document as its model; a type mismatch is a problem naming the field's path. */
    static <T> T typed(Manifests.Doc doc, Class<T> model, List<String> problems) {
        return typed(doc, doc.node(), model, "", problems);
    }

    private static <T> T typed(Manifests.Doc doc, JsonNode node, Class<T> model, String prefix, List<String> problems) {
        try {
            return MAPPER.treeToValue(node, model);
        } catch (JsonMappingException e) {
            problems.add(doc + ": " + join(prefix, path(e)) + ": " + e.getOriginalMessage());
            return null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            problems.add(doc + ": " + (prefix.isEmpty() ? "" : prefix + ": ") + e.getMessage());
            return null;
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.isEmpty() ? "(document)" : b.toString();
    }

    private static String join(String prefix, String path) {
        return prefix.isEmpty() ? path : prefix + "." + path;
    }

    /** Every field a model did not know, anywhere in its object graph. */
    static void unknownFields(Object model, String path, List<String> problems, Manifests.Doc doc) {
        walk(model, path, problems, doc, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static void walk(Object o, String path, List<String> problems, Manifests.Doc doc, Set<Object> seen) {
        if (o == null) {
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, join(path, String.valueOf(k)), problems, doc, seen));
            return;
        }
        if (o instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]", problems, doc, seen);
            }
            return;
        }
        Class<?> c = o.getClass();
        if (c.isEnum() || !(c.getName().startsWith("io.fabric8.") || c.getName().startsWith("io.strimzi."))) {
            return; // a scalar, or a plain Map/List value handled above
        }
        if (!seen.add(o)) {
            return;
        }
        Map<?, ?> unknown = additionalProperties(o);
        if (unknown != null) {
            for (Object key : unknown.keySet()) {
                problems.add(doc + ": " + join(path, String.valueOf(key)) + ": unknown field '" + key + "' (not in "
                        + c.getSimpleName() + "; the API server would drop it)");
            }
        }
        BeanDescription bean = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(c));
        for (BeanPropertyDefinition p : bean.findProperties()) {
            AnnotatedMember getter = p.getAccessor();
            if (getter == null || p.getName().equals("additionalProperties")) {
                continue;
            }
            Object value;
            try {
                getter.fixAccess(true);
                value = getter.getValue(o);
            } catch (RuntimeException e) {
                continue; // a computed property that cannot be read on this instance
            }
            walk(value, join(path, p.getName()), problems, doc, seen);
        }
    }

    private static Map<?, ?> additionalProperties(Object o) {
        try {
            Method m = o.getClass().getMethod("getAdditionalProperties");
            Object v = m.invoke(o);
            return v instanceof Map<?, ?> map && !map.isEmpty() ? map : null;
        } catch (NoSuchMethodException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
