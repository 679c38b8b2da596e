/**
 * Actions as AI workers submit them, and their states as workers see them.
 *
 * <p>The beans that every submission or long poll calls are {@code @Singleton}, not
 * {@code @ApplicationScoped}: they hold no per-request state and need no lazy start, and a client
 * proxy looks up its bean's scope on every call, which was about 1.4% of the gateway's CPU samples
 * at 1,000 actions a second (docs/benchmarks.md, twelfth session).
 */
package dev.orgos.gateway.action;
