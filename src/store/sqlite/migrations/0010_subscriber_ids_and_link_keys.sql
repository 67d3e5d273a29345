-- Subscriber ids are never given twice, and each subscriber has a key of their own for
-- their links.
--
-- Without AUTOINCREMENT, SQLite gives a new row the largest id plus one: erase the newest
-- subscriber and the next one gets their id, and with it every link sent to the person
-- who left (preferences, privacy, unsubscribe). AUTOINCREMENT keeps the largest id ever
-- given in sqlite_sequence, so ids only grow.
--
-- link_key is mixed into the signature of the subscriber's link tokens
-- (security/link_token.hpp): their links die with their row, even should a restored
-- backup give their id again. It is not what makes tokens unforgeable (the installation's
-- secret does); it tells apart two people who held one id. New subscribers get 16 random
-- bytes from the column's default; those already here keep an empty key, so the links
-- they were already sent keep working.
--
-- Adding AUTOINCREMENT means rebuilding the table, as SQLite documents it ("Making Other
-- Kinds Of Table Schema Changes"): the migration runner turns foreign keys off around
-- this transaction (so dropping the old table deletes nothing through ON DELETE CASCADE)
-- and checks them before committing. The other tables name `subscribers` in their
-- REFERENCES clauses and so refer to the new table once it has the name. The ids are
-- copied as they are; sqlite_sequence starts at the largest of them. An id freed before
-- this migration (the newest subscriber deleted) may still be given once more, but the
-- newcomer's key is not the empty one the old links were signed with: they stay dead.

CREATE TABLE subscribers_new (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  -- The normalised address (domain lower-cased, A-labels). Two addresses that differ
  -- only in ASCII case are one subscriber: NOCASE folds exactly ASCII.
  email       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  name        TEXT    NOT NULL DEFAULT '',
  attributes  TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
  language    TEXT    NOT NULL DEFAULT '',
  status      TEXT    NOT NULL DEFAULT 'enabled' CHECK (status = 'enabled' OR status = 'blocklisted'),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  link_key    BLOB    NOT NULL DEFAULT (randomblob(16))
);

INSERT INTO subscribers_new (id, email, name, attributes, language, status, created_at,
                             updated_at, link_key)
SELECT id, email, name, attributes, language, status, created_at, updated_at, x''
FROM subscribers;

DROP TABLE subscribers;
ALTER TABLE subscribers_new RENAME TO subscribers;
