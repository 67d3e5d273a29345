-- Confirmation letters: each asks one subscriber about exactly the lists in
-- confirmation_lists, and its link (which names the row's id) confirms those lists once.
-- The rows are also the outbox of these letters (a background sender reads the queued
-- ones) and the record a per-address cooldown counts, so a confirmation is kept after it
-- is used; it goes with its subscriber.
--
--   letter_state: queued (waiting for the sender, retried at next_attempt_at)
--                 → sent | failed (refused for good, or never accepted in time)

CREATE TABLE confirmations (
  -- AUTOINCREMENT: an id is never given twice, so an old link never names a newer letter.
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  subscriber_id   INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  created_at      INTEGER NOT NULL,
  used_at         INTEGER,
  letter_state    TEXT    NOT NULL DEFAULT 'queued'
                  CHECK (letter_state = 'queued' OR letter_state = 'sent'
                         OR letter_state = 'failed'),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_reply      TEXT    NOT NULL DEFAULT ''
);

-- The cooldown reads one subscriber's recent letters.
CREATE INDEX confirmations_of_subscriber ON confirmations (subscriber_id, created_at);
-- The sender reads only the queued letters, which are few.
CREATE INDEX confirmation_letters_due ON confirmations (next_attempt_at)
  WHERE letter_state = 'queued';

CREATE TABLE confirmation_lists (
  confirmation_id INTEGER NOT NULL REFERENCES confirmations (id) ON DELETE CASCADE,
  list_id         INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
  PRIMARY KEY (confirmation_id, list_id)
) WITHOUT ROWID;
