-- A report of executing an action that was not allowed, recorded before its ledger fact is
-- published, as outcomes are (an outbox). The fact carries the first report's time however often
-- the report is made, so a report repeated at any later time is the same fact, which the ledger
-- keeps once without looking it up. And a violation recorded but not published (the replica
-- stopped, the broker failed) is published by any replica's sweep: the worker that broke the
-- rules is the last one to count on for a retry.
-- The row holds everything the fact says, as the action was when the report came: the verdict is
-- what the report broke (a later verdict, pending then rejected, makes another violation). No
-- foreign key: an action that could not be sent is deleted, and a violation reported against it
-- meanwhile still stands.
CREATE TABLE action_violation (
    event_id         VARCHAR(36)  PRIMARY KEY,
    action_id        VARCHAR(128) NOT NULL,
    agent_id         VARCHAR(128) NOT NULL,
    action_type      VARCHAR(200) NOT NULL,
    trace_id         VARCHAR(32),
    verdict          VARCHAR(16)  NOT NULL,
    anchor           VARCHAR(128),
    charter_version  BIGINT,
    reported_status  VARCHAR(16)  NOT NULL,
    summary          TEXT         NOT NULL,
    reported_at      TIMESTAMPTZ  NOT NULL,
    published        BOOLEAN      NOT NULL DEFAULT false
);
-- What the sweep looks for every 5 s: the violations not yet published, a handful at most.
CREATE INDEX action_violation_unpublished ON action_violation (reported_at) WHERE NOT published;
