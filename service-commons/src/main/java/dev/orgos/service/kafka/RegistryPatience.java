package dev.orgos.service.kafka;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * How a consumer reads a record when the schema registry cannot be reached: it waits for the
 * registry, rather than take the record for poison.
 *
 * <p>The registry's deserializer looks a record's schema up once per schema id and then keeps it.
 * Until now a lookup that failed because the registry was away (restarting, a network blip, a
 * request abandoned after {@code orgos.registry.request-timeout-ms}) made the record look
 * unreadable, and it went to the dead-letter topic: a router restarted while the registry was
 * down dead-lettered every action until it came back, and none of them was ever decided.
 *
 * <p>Now such a failure is tried again, from 200 ms up to every 5 s apart, for at most
 * {@code orgos.registry.patience} (60 s by default) from the first failure of an outage. If the
 * registry still does not answer, the record is not dead-lettered either: the handler fails, which
 * stops the channel with its health DOWN and nothing committed past the record, so that the
 * orchestrator restarts the service and the record is read again once the registry answers. The
 * wait holds the consumer's poll: the patience plus one lookup's own tries (each bounded by
 * {@code orgos.registry.request-timeout-ms}) stays under Kafka's {@code max.poll.interval.ms}
 * (5 minutes), after which the broker would take the consumer's partitions away. A record that
 * cannot be read for what it is (not Avro, a schema id the registry does not know) is never waited
 * for: it goes to the channel's code, which dead-letters it.
 *
 * <p>Named {@code registry-patience}; a channel uses it with
 * {@code mp.messaging.incoming.<channel>.value-deserialization-failure-handler=registry-patience}.
 */
@ApplicationScoped
@Identifier("registry-patience")
public class RegistryPatience implements DeserializationFailureHandler<Object> {
    private static final Logger LOG = Logger.getLogger(RegistryPatience.class);
    static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    private final Duration patience;

    /** Since when the registry has been unreachable (epoch ms), or 0 while it answers. */
    private volatile long unreachableSince;

    public RegistryPatience() {
        this(ConfigProvider.getConfig().getOptionalValue("orgos.registry.patience", Duration.class).orElse(Duration.ofSeconds(60)));
    }

    public RegistryPatience(Duration patience) {
        this.patience = patience;
    }

    @Override
    public Object decorateDeserialization(Uni<Object> deserialization, String topic, boolean isKey, String deserializer, byte[] data,
                                          Headers headers) {
        try {
            // every record comes this way: read at once, with no retry pipeline built for it
            return deserialization.await().indefinitely();
        } catch (RuntimeException e) {
            if (!unreachable(e)) {
                return unreadable(e, topic, isKey, deserializer, data, headers);
            }
            return waitingForTheRegistry(deserialization, e, topic, isKey, deserializer, data, headers);
        }
    }

    /** The record's own fault: marked with the reason, and the channel's own code dead-letters it. */
    private static Object unreadable(Throwable e, String topic, boolean isKey, String deserializer, byte[] data, Headers headers) {
        DeserializationFailureHandler.addFailureDetailsToHeaders(deserializer, topic, isKey, headers, data, e);
        return null;
    }

    /** The lookup failed because the registry is away: tried again until it answers or the patience runs out. */
    private Object waitingForTheRegistry(Uni<Object> deserialization, RuntimeException first, String topic, boolean isKey,
                                         String deserializer, byte[] data, Headers headers) {
        if (!waitFor(topic, first)) {
            throw stopped(topic, first);
        }
        return deserialization
                .onFailure(RegistryPatience::unreachable).retry().withBackOff(FIRST_PAUSE, LONGEST_PAUSE).until(e -> waitFor(topic, e))
                // this record's lookup failed before, so its success says the registry is back (one read from the
                // deserializer's cache says nothing: it does not ask the registry)
                .invoke(() -> answered(topic))
                .onFailure(e -> !unreachable(e)).recoverWithItem(e -> {
                    answered(topic); // it answered, if only to say the record is not for it (a schema id it does not know)
                    return unreadable(e, topic, isKey, deserializer, data, headers);
                })
                .onFailure().transform(e -> stopped(topic, e))
                .await().indefinitely();
    }

    private RegistryUnreachableException stopped(String topic, Throwable e) {
        return new RegistryUnreachableException("The schema registry has not answered for " + patience + " (orgos.registry.patience): "
                + "records of " + topic + " cannot be read. Consuming them stops here, health DOWN; nothing past the last committed "
                + "offset is lost, and a restart reads on once the registry answers", e);
    }

    /** The registry did not come back within the patience: the channel stops rather than take its records for poison. */
    public static final class RegistryUnreachableException extends RuntimeException {
        RegistryUnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Whether to try again after {@code e}: while the registry has been away for less than the patience. */
    private boolean waitFor(String topic, Throwable e) {
        if (!unreachable(e)) {
            return false;
        }
        long now = System.currentTimeMillis();
        if (unreachableSince == 0) {
            unreachableSince = now;
            LOG.warnf("The schema registry cannot be reached to read a record from %s (%s); waiting for it up to %s before this "
                    + "channel stops (orgos.registry.patience)", topic, e.getMessage(), patience);
            return true;
        }
        return now - unreachableSince < patience.toMillis();
    }

    private void answered(String topic) {
        if (unreachableSince != 0) {
            LOG.infof("The schema registry answers again; reading %s goes on after %,d ms", topic,
                    System.currentTimeMillis() - unreachableSince);
            unreachableSince = 0;
        }
    }

    /**
     * Answers that say the registry is busy or behind a proxy that cannot reach it: a timeout (408),
     * too many requests (429), a bad gateway (502), unavailable (503), a gateway timeout (504). Not any
     * 500: one that the record's own schema or id causes would come back every time, and the channel
     * would stop over one record at every restart.
     */
    private static final java.util.Set<Integer> WAITED_FOR = java.util.Set.of(408, 429, 502, 503, 504);

    /**
     * Whether a deserialization failed because the registry could not be reached or did not answer
     * in time, rather than because of the record: a refused or dropped connection, a timeout, or an
     * answer that it is busy or out of reach ({@link #WAITED_FOR}).
     */
    public static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RegistryUnreachableException) {
                return false; // the patience has run out: nothing more to wait for
            }
            if (t instanceof ConnectException || t instanceof SocketException || t instanceof HttpTimeoutException
                    || t instanceof TimeoutException || t instanceof java.nio.channels.ClosedChannelException
                    || t instanceof dev.orgos.schema.TimeBoundSchemaResolver.RegistryTimeoutException
                    || t instanceof java.io.IOException && thrownByTheHttpClient(t)) {
                return true;
            }
            if (t instanceof com.microsoft.kiota.ApiException api && WAITED_FOR.contains(api.getResponseStatusCode())) {
                return true;
            }
        }
        return false;
    }

    /**
     * An I/O failure of the JDK's HTTP client (the registry's connection dropped mid-answer while it
     * restarts, say), not of reading the record's own bytes, which is an I/O failure too.
     */
    private static boolean thrownByTheHttpClient(Throwable t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().startsWith("jdk.internal.net.http.") || frame.getClassName().startsWith("java.net.http.")) {
                return true;
            }
        }
        return false;
    }
}
