-- Posts and digests: what an editor publishes, in ordered sections per list; the choices
-- that decide what each subscriber receives of them (topics, cadence); digest definitions
-- and their runs; and which posts each letter of a digest carried.

-- A list's fallback language: the translation of a post sent to a reader whose language has
-- none ('' = the post as written). Its default cadence: what a subscription that chose none
-- receives of the list's posts.
ALTER TABLE lists ADD COLUMN fallback_language TEXT NOT NULL DEFAULT '';
ALTER TABLE lists ADD COLUMN default_cadence TEXT NOT NULL DEFAULT 'weekly'
  CHECK (default_cadence = 'immediate' OR default_cadence = 'daily'
         OR default_cadence = 'weekly' OR default_cadence = 'monthly');

-- How often a subscriber receives a list's posts: a letter per post (immediate) or the
-- list's digests of that period. NULL: the list's default cadence.
ALTER TABLE subscriptions ADD COLUMN cadence TEXT
  CHECK (cadence IS NULL OR cadence = 'immediate' OR cadence = 'daily'
         OR cadence = 'weekly' OR cadence = 'monthly');

-- Sections of a list, in the order digests show them.
CREATE TABLE sections (
  id         INTEGER PRIMARY KEY,
  list_id    INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
  name       TEXT    NOT NULL COLLATE NOCASE,
  position   INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (list_id, name)
);

-- Posts. `published_seq` numbers posts in the order they became published here (1, 2, ...),
-- whatever time they say they were published at (a feed's item may be dated last week): a
-- digest collects the posts numbered after its previous run, so none is missed or taken
-- twice. `translation_of` links a translation to the post it translates (the original's id;
-- translations of translations point to the original). `source` is 'local' for posts written
-- here; an imported post's source names where it came from, with its `external_id` there.
CREATE TABLE posts (
  id             INTEGER PRIMARY KEY,
  list_id        INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
  -- A section in use cannot be deleted from under its posts.
  section_id     INTEGER NOT NULL REFERENCES sections (id) ON DELETE RESTRICT,
  slug           TEXT    NOT NULL UNIQUE,
  title          TEXT    NOT NULL,
  body           TEXT    NOT NULL,
  language       TEXT    NOT NULL DEFAULT '',
  status         TEXT    NOT NULL CHECK (status = 'draft' OR status = 'published'),
  published_at   INTEGER,
  published_seq  INTEGER UNIQUE,
  source         TEXT    NOT NULL DEFAULT 'local',
  external_id    TEXT    NOT NULL DEFAULT '',
  translation_of INTEGER REFERENCES posts (id) ON DELETE SET NULL,
  -- When the post's own letter went to the list's immediate subscribers (NULL: not yet).
  announced_at   INTEGER,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX posts_by_list ON posts (list_id, published_seq);
CREATE INDEX posts_by_section ON posts (section_id);
CREATE INDEX posts_by_original ON posts (translation_of);
CREATE UNIQUE INDEX posts_by_source ON posts (source, external_id) WHERE external_id <> '';

CREATE TABLE post_topics (
  post_id  INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
  PRIMARY KEY (post_id, topic_id)
) WITHOUT ROWID;
CREATE INDEX post_topics_by_topic ON post_topics (topic_id);

-- Digest definitions: a list's posts collected on a schedule (`every`, canonical text such
-- as "weekly mon 09:00", in `time_zone`) into an issue of kind digest.
CREATE TABLE digests (
  id              INTEGER PRIMARY KEY,
  list_id         INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
  name            TEXT    NOT NULL COLLATE NOCASE,
  every           TEXT    NOT NULL,
  time_zone       TEXT    NOT NULL DEFAULT 'UTC',
  subject         TEXT    NOT NULL DEFAULT '',
  template        TEXT    NOT NULL DEFAULT 'default',
  max_per_section INTEGER NOT NULL DEFAULT 0,  -- 0: no limit
  excerpt_words   INTEGER NOT NULL DEFAULT 0,  -- 0: items in full
  only_if_new     INTEGER NOT NULL DEFAULT 0,
  review          INTEGER NOT NULL DEFAULT 0,  -- leave each run's issue a draft
  enabled         INTEGER NOT NULL DEFAULT 1,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (list_id, name)
);

-- The sections a digest shows, in its order (none: every section of the list, in the list's).
CREATE TABLE digest_sections (
  digest_id  INTEGER NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
  section_id INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  PRIMARY KEY (digest_id, section_id)
) WITHOUT ROWID;

-- Every run of a definition, skipped ones included: when it ran, for which scheduled time,
-- the posts it collected (those numbered in (after_seq, up_to_seq]), and what came of it.
CREATE TABLE digest_runs (
  id            INTEGER PRIMARY KEY,
  digest_id     INTEGER NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
  scheduled_for INTEGER,  -- NULL: run by hand
  ran_at        INTEGER NOT NULL,
  since         INTEGER NOT NULL,  -- the previous run's time (the first run: one period back)
  after_seq     INTEGER NOT NULL,
  up_to_seq     INTEGER NOT NULL,
  posts         INTEGER NOT NULL DEFAULT 0,
  outcome       TEXT    NOT NULL CHECK (outcome = 'sent' OR outcome = 'draft'
                                        OR outcome = 'skipped' OR outcome = 'failed'),
  issue_id      INTEGER REFERENCES issues (id) ON DELETE SET NULL,
  note          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX digest_runs_by_digest ON digest_runs (digest_id, id);

-- An issue made of posts (kind digest) goes to the subscribers of one cadence (NULL: to every
-- subscriber, as letters do), may come from a definition, and may cut long items.
ALTER TABLE issues ADD COLUMN cadence TEXT
  CHECK (cadence IS NULL OR cadence = 'immediate' OR cadence = 'daily'
         OR cadence = 'weekly' OR cadence = 'monthly');
ALTER TABLE issues ADD COLUMN digest_id INTEGER REFERENCES digests (id) ON DELETE SET NULL;
ALTER TABLE issues ADD COLUMN excerpt_words INTEGER NOT NULL DEFAULT 0;

-- The posts of a digest issue, in its order.
CREATE TABLE issue_posts (
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  post_id  INTEGER NOT NULL REFERENCES posts (id) ON DELETE RESTRICT,
  position INTEGER NOT NULL,
  PRIMARY KEY (issue_id, post_id)
) WITHOUT ROWID;
CREATE INDEX issue_posts_by_post ON issue_posts (post_id, issue_id);

-- The topics an issue is sent to (none: every subscriber of its lists). A subscriber who
-- chose no topics of a list receives every topic.
CREATE TABLE issue_topics (
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE RESTRICT,
  PRIMARY KEY (issue_id, topic_id)
) WITHOUT ROWID;

-- The ledger learns two things: `skipped` (a digest had nothing for this reader, so no letter
-- was made) and `items`, the posts a digest letter carried (ids separated by ','), which is
-- the per-subscriber record that keeps a post from reaching anyone twice. SQLite cannot
-- change a CHECK, so the table is rebuilt.
CREATE TABLE deliveries_new (
  issue_id        INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  subscriber_id   INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  state           TEXT    NOT NULL CHECK (state = 'queued' OR state = 'sending' OR state = 'sent'
                                          OR state = 'deferred' OR state = 'failed'
                                          OR state = 'skipped'),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_reply      TEXT    NOT NULL DEFAULT '',
  queued_at       INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  items           TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (issue_id, subscriber_id)
) WITHOUT ROWID;
INSERT INTO deliveries_new (issue_id, subscriber_id, state, attempts, next_attempt_at,
                            last_reply, queued_at, updated_at)
SELECT issue_id, subscriber_id, state, attempts, next_attempt_at, last_reply, queued_at,
       updated_at
FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries (issue_id, state, next_attempt_at, subscriber_id);
