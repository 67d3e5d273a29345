-- The delivery ledger: one row per (issue, recipient), written before a letter leaves and
-- after it has left, so that a crash, a kill or a second node never loses a recipient and
-- never sends twice except the letters in flight at that moment.
--
--   queued   → sending (claimed by a runner, in flight)
--   sending  → sent | deferred (retry at next_attempt_at) | failed
--   deferred → sending (when due)
-- Rows left in `sending` by a runner that died go back to queued on recovery.

CREATE TABLE deliveries (
  issue_id        INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  subscriber_id   INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  state           TEXT    NOT NULL CHECK (state = 'queued' OR state = 'sending' OR state = 'sent'
                                          OR state = 'deferred' OR state = 'failed'),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_reply      TEXT    NOT NULL DEFAULT '',
  queued_at       INTEGER NOT NULL,  -- the policy gives up on a recipient after a maximum age
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (issue_id, subscriber_id)
) WITHOUT ROWID;

-- Claiming walks one issue's due rows in order.
CREATE INDEX deliveries_due ON deliveries (issue_id, state, next_attempt_at, subscriber_id);
