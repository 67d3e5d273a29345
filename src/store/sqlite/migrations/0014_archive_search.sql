-- Search over the public archive (GET /archive?q=): an FTS5 index of published posts
-- (title, body) and of issues' subjects, each row keyed by the post's or issue's id.
--
-- Triggers keep the index in step with the tables, so no code path can forget it: a post
-- is in the index exactly while it is published (created published, published later,
-- edited, unpublished or deleted), an issue's subject always. Whether a row may be shown
-- (a public list, an issue that went out and is left in the archive) is decided when the
-- index is read, from the tables themselves, so a list made private or an issue taken out
-- of the archive disappears from results at once, without touching the index.

CREATE VIRTUAL TABLE post_search USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE issue_search USING fts5 (subject, tokenize = 'unicode61 remove_diacritics 2');

INSERT INTO post_search (rowid, title, body)
SELECT id, title, body FROM posts WHERE status = 'published';
INSERT INTO issue_search (rowid, subject) SELECT id, subject FROM issues;

CREATE TRIGGER post_search_insert AFTER INSERT ON posts WHEN new.status = 'published'
BEGIN
  INSERT INTO post_search (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

CREATE TRIGGER post_search_update AFTER UPDATE OF title, body, status ON posts
BEGIN
  DELETE FROM post_search WHERE rowid = old.id;
  INSERT INTO post_search (rowid, title, body)
  SELECT new.id, new.title, new.body WHERE new.status = 'published';
END;

CREATE TRIGGER post_search_delete AFTER DELETE ON posts
BEGIN
  DELETE FROM post_search WHERE rowid = old.id;
END;

CREATE TRIGGER issue_search_insert AFTER INSERT ON issues
BEGIN
  INSERT INTO issue_search (rowid, subject) VALUES (new.id, new.subject);
END;

CREATE TRIGGER issue_search_update AFTER UPDATE OF subject ON issues
BEGIN
  DELETE FROM issue_search WHERE rowid = old.id;
  INSERT INTO issue_search (rowid, subject) VALUES (new.id, new.subject);
END;

CREATE TRIGGER issue_search_delete AFTER DELETE ON issues
BEGIN
  DELETE FROM issue_search WHERE rowid = old.id;
END;
