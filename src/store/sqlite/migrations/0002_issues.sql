-- Issues (campaigns), the lists they go to, their ordered sections, and the
-- installation's secrets (kept in the database so that every node of a cluster signs and
-- verifies links with the same key).

CREATE TABLE issues (
  id           INTEGER PRIMARY KEY,
  kind         TEXT    NOT NULL CHECK (kind = 'letter' OR kind = 'digest'),
  status       TEXT    NOT NULL CHECK (status = 'draft' OR status = 'scheduled'
                                       OR status = 'sending' OR status = 'paused'
                                       OR status = 'sent' OR status = 'cancelled'),
  subject      TEXT    NOT NULL,
  from_name    TEXT    NOT NULL DEFAULT '',
  from_address TEXT    NOT NULL DEFAULT '',
  reply_to     TEXT    NOT NULL DEFAULT '',
  template     TEXT    NOT NULL DEFAULT 'default',
  language     TEXT    NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);

CREATE TABLE issue_lists (
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  -- A list that issues went to cannot be deleted from under them.
  list_id  INTEGER NOT NULL REFERENCES lists (id) ON DELETE RESTRICT,
  PRIMARY KEY (issue_id, list_id)
) WITHOUT ROWID;

CREATE TABLE issue_sections (
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  title    TEXT    NOT NULL DEFAULT '',
  format   TEXT    NOT NULL CHECK (format = 'markdown' OR format = 'html'),
  body     TEXT    NOT NULL,
  PRIMARY KEY (issue_id, position)
) WITHOUT ROWID;

CREATE TABLE secrets (
  name       TEXT    PRIMARY KEY,
  value      TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);
