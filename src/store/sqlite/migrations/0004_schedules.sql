-- Scheduling and control of issues: when a scheduled issue is due, how late it may still
-- go out after downtime, and a sentence saying why an issue stopped (shown by `issues ls`).

ALTER TABLE issues ADD COLUMN scheduled_at INTEGER;       -- NULL: not scheduled
ALTER TABLE issues ADD COLUMN expire_after INTEGER;       -- seconds; NULL: never too late
ALTER TABLE issues ADD COLUMN status_note TEXT NOT NULL DEFAULT '';

-- The delivery service looks for issues that are sending or due.
CREATE INDEX issues_by_status ON issues (status, scheduled_at);
