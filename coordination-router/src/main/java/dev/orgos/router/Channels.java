package dev.orgos.router;

/** Channel names, shared with the tests. Topics come from {@link dev.orgos.schema.Topics}. */
public final class Channels {
    public static final String ACTIONS_IN = "actions";
    /** One transactional emitter for every output of a routing transaction: two cannot share one. */
    public static final String ROUTER_OUT = "router-out";

    private Channels() {
    }
}
