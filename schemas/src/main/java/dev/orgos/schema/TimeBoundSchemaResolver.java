package dev.orgos.schema;

import io.apicurio.registry.resolver.DefaultSchemaResolver;
import io.apicurio.registry.resolver.SchemaParser;
import io.apicurio.registry.resolver.client.RegistryClientFacade;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Apicurio serde's schema resolver, with every request to the registry bounded in time.
 *
 * <p>The registry client waits for an answer without any limit. On 2026-11-27 a router's first
 * routing transaction waited for ever on a schema lookup whose request the registry never saw
 * (the connection open and idle at both ends, the registry idle): routing stopped without a line
 * in any log, and every action stayed pending. With this resolver such a lookup is abandoned after
 * {@link #REQUEST_TIMEOUT_MS} (10 s by default), the thread waiting on it interrupted (the JDK's
 * client then cancels the exchange), and it fails as any unreachable registry does: the resolver's
 * own retries ask again, and a caller that still gets the failure (a transaction that is then
 * aborted and rewound, a publisher that answers 503) tries again later.
 *
 * <p>Only lookups that miss the resolver's cache reach the registry, a handful per topic in a
 * process's life, so the hand-off to a thread of its own costs nothing on the record path.
 */
public class TimeBoundSchemaResolver<S, T> extends DefaultSchemaResolver<S, T> {
    /** Serde setting: how long one request to the registry may take, in milliseconds. */
    public static final String REQUEST_TIMEOUT_MS = "orgos.registry.request-timeout-ms";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** Registry requests of the whole process; idle threads go after a minute. */
    private static final ExecutorService REQUESTS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "orgos-registry-request");
        t.setDaemon(true);
        return t;
    });

    @Override
    public void configure(Map<String, ?> configs, SchemaParser<S, T> parser) {
        super.configure(configs, parser);
        clientFacade = bounded(clientFacade, timeout(configs), String.valueOf(configs.get("apicurio.registry.url")));
    }

    static Duration timeout(Map<String, ?> configs) {
        Object value = configs.get(REQUEST_TIMEOUT_MS);
        return value == null ? DEFAULT_TIMEOUT : Duration.ofMillis(Long.parseLong(value.toString().trim()));
    }

    /** {@code facade}, each of whose requests fails once it has taken longer than {@code timeout}. */
    static RegistryClientFacade bounded(RegistryClientFacade facade, Duration timeout, String registry) {
        return (RegistryClientFacade) Proxy.newProxyInstance(RegistryClientFacade.class.getClassLoader(),
                new Class<?>[] {RegistryClientFacade.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class || method.getName().equals("getClient")) {
                        return invoke(facade, method, args); // no request: toString, equals, the client itself
                    }
                    Future<Object> request = REQUESTS.submit(() -> invoke(facade, method, args));
                    try {
                        return request.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        request.cancel(true); // interrupts the HTTP client's wait, which cancels the exchange
                        throw new RegistryTimeoutException("The schema registry at " + registry + " did not answer " + method.getName()
                                + " within " + timeout.toMillis() + " ms; the request was abandoned (" + REQUEST_TIMEOUT_MS + ")");
                    } catch (InterruptedException e) {
                        request.cancel(true);
                        Thread.currentThread().interrupt();
                        throw new RegistryTimeoutException("Interrupted while waiting for the schema registry at " + registry);
                    } catch (ExecutionException e) {
                        throw e.getCause();
                    }
                });
    }

    private static Object invoke(RegistryClientFacade facade, java.lang.reflect.Method method, Object[] args) throws Exception {
        try {
            return method.invoke(facade, args);
        } catch (InvocationTargetException e) {
            // the facade's own exception, as the resolver expects it
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** A request to the registry that took too long. */
    public static final class RegistryTimeoutException extends RuntimeException {
        RegistryTimeoutException(String message) {
            super(message);
        }
    }
}
