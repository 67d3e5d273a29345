-- Accounts of the people who run the installation, their sessions and API tokens, and the
-- links of issues whose clicks are counted.
-- Sessions and tokens are stored as the SHA-256 of their secret: a copy of the database
-- signs nobody in.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  name          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  role          TEXT    NOT NULL CHECK (role = 'admin' OR role = 'editor' OR role = 'viewer'),
  password_hash TEXT    NOT NULL,  -- argon2id string
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  digest     TEXT    PRIMARY KEY,  -- SHA-256 (hex) of the cookie's secret
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;

-- A password change deletes every session of its user.
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         TEXT    NOT NULL,
  digest       TEXT    NOT NULL UNIQUE,  -- SHA-256 (hex) of the token
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER
);

-- The links of an issue, each counted as a whole (how many clicks), never per subscriber
-- unless an issue asks for it. A click token carries the link's id.
CREATE TABLE issue_links (
  id       INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  url      TEXT    NOT NULL,
  clicks   INTEGER NOT NULL DEFAULT 0,
  UNIQUE (issue_id, url)
);

-- Whether an issue's links go through counted redirects, whether those count who clicked,
-- and whether its letters carry an open pixel: each off unless the issue asks.
ALTER TABLE issues ADD COLUMN track_clicks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE issues ADD COLUMN track_subscribers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE issues ADD COLUMN track_opens INTEGER NOT NULL DEFAULT 0;

-- Who clicked which link, for issues that track subscribers; and who opened (the pixel).
-- Both go with the subscriber when they erase their data.
CREATE TABLE subscriber_clicks (
  link_id       INTEGER NOT NULL REFERENCES issue_links (id) ON DELETE CASCADE,
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  clicks        INTEGER NOT NULL,
  PRIMARY KEY (link_id, subscriber_id)
) WITHOUT ROWID;

CREATE TABLE issue_opens (
  issue_id      INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  opens         INTEGER NOT NULL,
  PRIMARY KEY (issue_id, subscriber_id)
) WITHOUT ROWID;

-- Which topics of a list a subscriber chose, looked up by subscriber.
CREATE INDEX subscriber_topics_by_topic ON subscriber_topics (topic_id);
