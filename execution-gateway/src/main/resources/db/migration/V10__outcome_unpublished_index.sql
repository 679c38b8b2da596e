-- What each replica's sweep looks for every 30 s: without it, a scan of every action. Built
-- CONCURRENTLY, in a migration of its own (Flyway runs it outside a transaction), so that replicas
-- of the previous version go on recording actions while it is built. It holds only the reports
-- not yet published: a handful at most.
CREATE INDEX CONCURRENTLY IF NOT EXISTS action_state_outcome_unpublished ON action_state (outcome_at) WHERE outcome_published = false;
