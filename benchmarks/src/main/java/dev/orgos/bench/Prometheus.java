package dev.orgos.bench;

/** A service's metrics as its Prometheus endpoint writes them, for the load drivers to read. */
final class Prometheus {
    private Prometheus() {
    }

    /** The text of {@code url}/q/metrics. */
    static String scrape(String url) throws Exception {
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/q/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        }
    }
}
