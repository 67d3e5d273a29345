-- Feeds: RSS, Atom and JSON Feed documents polled on a schedule, whose items become posts in
-- a list's section (with the feed's topics), and the record of every item seen, so that an
-- item fetched again is known and never becomes a second post.

-- AUTOINCREMENT: an id is never given again, since a feed's posts keep "feed:ID" as their
-- source after it is removed, and a new feed with the same id would collide with them.
CREATE TABLE feeds (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  list_id         INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
  -- Its posts live in this section: the section cannot be removed while the feed names it.
  section_id      INTEGER NOT NULL REFERENCES sections (id) ON DELETE RESTRICT,
  url             TEXT    NOT NULL,
  title           TEXT    NOT NULL DEFAULT '',  -- what the feed calls itself (last fetch)
  every_seconds   INTEGER NOT NULL,
  -- How an item is known again: its GUID (the link when it has none), or always its link
  -- (for feeds whose GUIDs change at every fetch).
  id_from         TEXT    NOT NULL DEFAULT 'guid' CHECK (id_from = 'guid' OR id_from = 'link'),
  review          INTEGER NOT NULL DEFAULT 0,   -- items become drafts for an editor
  language        TEXT    NOT NULL DEFAULT '',  -- when neither item nor feed says
  status          TEXT    NOT NULL DEFAULT 'active'
                  CHECK (status = 'active' OR status = 'failing' OR status = 'gone'),
  etag            TEXT    NOT NULL DEFAULT '',
  last_modified   TEXT    NOT NULL DEFAULT '',
  last_fetched_at INTEGER,
  last_status     TEXT    NOT NULL DEFAULT '',  -- "200", "304", "error", ...
  last_error      TEXT    NOT NULL DEFAULT '',
  failures        INTEGER NOT NULL DEFAULT 0,   -- consecutive failed polls
  next_poll_at    INTEGER NOT NULL,
  -- A poller holds the feed until then (NULL: no one does); every claim, scheduled or forced
  -- by `feeds poll ID`, is refused while another is live, and recording the poll ends it.
  claimed_until   INTEGER,
  retry_after     INTEGER,                      -- the server asked for no poll before this
  items           INTEGER NOT NULL DEFAULT 0,   -- items in its last document
  -- Items of the first poll are recorded, not published, unless the newest N are taken.
  backfill        INTEGER NOT NULL DEFAULT 0,
  polled_once     INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
-- What `serve` asks at every round: the feeds due, soonest first.
CREATE INDEX feeds_due ON feeds (next_poll_at) WHERE status <> 'gone';

CREATE TABLE feed_topics (
  feed_id  INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
  topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
  PRIMARY KEY (feed_id, topic_id)
) WITHOUT ROWID;

-- Every item a feed has shown, by its key: its post (NULL when it was recorded on the first
-- poll without being published, or its post was removed), and the hash of what it said, so
-- that a changed item updates its post.
CREATE TABLE feed_items (
  feed_id       INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
  item_key      TEXT    NOT NULL,
  post_id       INTEGER REFERENCES posts (id) ON DELETE SET NULL,
  content_hash  TEXT    NOT NULL,
  first_seen_at INTEGER NOT NULL,
  UNIQUE (feed_id, item_key)
);
