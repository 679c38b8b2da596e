package dev.orgos.router;

/** Channel names, shared with the tests. Topics come from {@link dev.orgos.schema.Topics}. */
public final class Channels {
    public static final String ACTIONS_IN = "actions";

    private Channels() {
    }
}
