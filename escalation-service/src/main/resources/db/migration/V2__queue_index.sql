-- The queue a human sees: open tasks of an anchor, soonest deadline first.
CREATE INDEX escalation_task_open_queue ON escalation_task (anchor, acknowledge_by) WHERE status IN ('OPEN', 'ACKNOWLEDGED');
CREATE INDEX escalation_task_open_assignee ON escalation_task (assignee, acknowledge_by) WHERE status IN ('OPEN', 'ACKNOWLEDGED');
