-- No query reads action_state by agent (every read is by action id), yet each acceptance, and each
-- verdict that could not stay on its row's page, wrote an entry into this index. Re-create it with
-- the first query that needs it.
DROP INDEX action_state_agent;
