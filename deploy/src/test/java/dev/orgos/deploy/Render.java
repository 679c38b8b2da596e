package dev.orgos.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** One rendered Kustomize target (base or an overlay), its documents and their typed views. */
record Render(String target, List<Manifests.Doc> docs) {

    static Render of(Path k8s, String target) {
        return new Render(target, Manifests.parse(Kustomize.render(k8s.resolve(target)), target));
    }

    <T> List<T> all(String kind, Class<T> model) {
        return Manifests.ofKind(docs, kind).map(d -> typed(d, model)).toList();
    }

    static <T> T typed(Manifests.Doc d, Class<T> model) {
        List<String> problems = new ArrayList<>();
        T t = ModelValidator.typed(d, model, problems);
        if (t == null) {
            throw new AssertionError(String.join("\n", problems));
        }
        return t;
    }

    List<Deployment> deployments() {
        return all("Deployment", Deployment.class);
    }

    Optional<Deployment> deployment(String name) {
        return deployments().stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst();
    }

    List<Job> jobs() {
        return all("Job", Job.class);
    }

    List<ConfigMap> configMaps() {
        return all("ConfigMap", ConfigMap.class);
    }

    List<Kafka> kafkas() {
        return all("Kafka", Kafka.class);
    }

    List<KafkaNodePool> nodePools() {
        return all("KafkaNodePool", KafkaNodePool.class);
    }

    List<KafkaTopic> topics() {
        return all("KafkaTopic", KafkaTopic.class);
    }

    List<KafkaUser> users() {
        return all("KafkaUser", KafkaUser.class);
    }

    Optional<KafkaUser> user(String name) {
        return users().stream().filter(u -> u.getMetadata().getName().equals(name)).findFirst();
    }

    Stream<Manifests.Doc> ofKind(String kind) {
        return Manifests.ofKind(docs, kind);
    }

    /** Every pod template of the render, named by its workload. */
    Map<String, PodSpec> podSpecs() {
        Map<String, PodSpec> pods = new java.util.LinkedHashMap<>();
        deployments().forEach(d -> pods.put("Deployment/" + d.getMetadata().getName(), d.getSpec().getTemplate().getSpec()));
        jobs().forEach(j -> pods.put("Job/" + j.getMetadata().getName(), j.getSpec().getTemplate().getSpec()));
        return pods;
    }

    static List<Container> allContainers(PodSpec pod) {
        List<Container> all = new ArrayList<>(pod.getContainers());
        if (pod.getInitContainers() != null) {
            all.addAll(pod.getInitContainers());
        }
        return all;
    }

    /** The data of a ConfigMap of this render, by the name a pod uses (generated names carry a hash suffix). */
    Map<String, String> configMapData(String name) {
        return configMaps().stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst()
                .map(c -> c.getData() == null ? Map.<String, String>of() : c.getData()).orElse(null);
    }

    @Override
    public String toString() {
        return target;
    }
}
