package dev.orgos.infra;

import java.util.Map;

/**
 * Where the infrastructure listens. Every address is on loopback unless a reused server says
 * otherwise.
 *
 * @param registryUrl the Apicurio server's base URL, e.g. http://127.0.0.1:8081
 */
public record Endpoints(String kafkaBootstrap, String registryUrl, String pgHost, int pgPort,
                        String pgUser, String pgPassword) {

    /** The URL the Apicurio serde wants. */
    public String registryApiUrl() {
        return registryUrl + "/apis/registry/v3";
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + database;
    }

    public String reactiveUrl(String database) {
        return "postgresql://" + pgHost + ":" + pgPort + "/" + database;
    }

    /** The Quarkus configuration that points a service at this infrastructure and database. */
    public Map<String, String> quarkusConfig(String database) {
        var config = new java.util.LinkedHashMap<String, String>();
        config.put("kafka.bootstrap.servers", kafkaBootstrap);
        config.put("mp.messaging.connector.smallrye-kafka.apicurio.registry.url", registryApiUrl());
        if (database != null) {
            config.put("quarkus.datasource.reactive.url", reactiveUrl(database));
            config.put("quarkus.datasource.jdbc.url", jdbcUrl(database));
            config.put("quarkus.datasource.username", pgUser);
            config.put("quarkus.datasource.password", pgPassword);
        }
        return config;
    }
}
