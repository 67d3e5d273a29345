-- Lists, topics, subscribers and their subscriptions.
-- Times are Unix seconds (UTC). Statuses are words, checked here so that no code path
-- can store a state the domain does not know. The checks are written with OR rather than
-- IN (...): SQLite evaluates a CHECK with an IN list of three or more words by building a
-- temporary index on every insert, which made imports several times slower.

CREATE TABLE lists (
  id          INTEGER PRIMARY KEY,
  -- Names are unique ignoring ASCII case: "Press" and "press" are one list to a person.
  name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  description TEXT    NOT NULL DEFAULT '',
  visibility  TEXT    NOT NULL CHECK (visibility = 'public' OR visibility = 'private'),
  opt_in      TEXT    NOT NULL CHECK (opt_in = 'single' OR opt_in = 'double'),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE topics (
  id          INTEGER PRIMARY KEY,
  list_id     INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
  name        TEXT    NOT NULL COLLATE NOCASE,
  description TEXT    NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  UNIQUE (list_id, name)
);

CREATE TABLE subscribers (
  id          INTEGER PRIMARY KEY,
  -- The normalised address (domain lower-cased, A-labels). Two addresses that differ
  -- only in ASCII case are one subscriber: NOCASE folds exactly ASCII.
  email       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  name        TEXT    NOT NULL DEFAULT '',
  attributes  TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
  language    TEXT    NOT NULL DEFAULT '',
  status      TEXT    NOT NULL DEFAULT 'enabled' CHECK (status = 'enabled' OR status = 'blocklisted'),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE subscriptions (
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  list_id       INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
  status        TEXT    NOT NULL CHECK (status = 'unconfirmed' OR status = 'confirmed'
                                 OR status = 'unsubscribed'),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  -- Keyed by list first: every hot query (audience of a campaign, export, counts) reads
  -- one list's members, which this keeps contiguous.
  PRIMARY KEY (list_id, subscriber_id)
) WITHOUT ROWID;

-- No index by subscriber: a subscriber's lists are found by probing the primary key once
-- per list (lists are few), which keeps imports to one index write per subscription.

-- Which topics of a list a subscriber chose.
CREATE TABLE subscriber_topics (
  subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  topic_id      INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
  PRIMARY KEY (subscriber_id, topic_id)
) WITHOUT ROWID;
