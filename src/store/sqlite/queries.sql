-- Named queries of the SQLite backend. Each block's name is used in logs and errors.
-- Parameters are numbered (?1, ?2...) so a block can use one value twice.

-- name: schema-version
SELECT coalesce(max(version), 0) FROM schema_migrations;

-- name: insert-list
INSERT INTO lists (name, description, visibility, opt_in, created_at, updated_at, title)
VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)
RETURNING id;

-- name: update-list
-- A NULL parameter keeps the column as it is, so one statement serves every mix of
-- changes. Returns the list as read_list reads it, or no row when there is no such list.
UPDATE lists SET title = coalesce(?2, title), description = coalesce(?3, description),
                 updated_at = ?4, fallback_language = coalesce(?5, fallback_language),
                 default_cadence = coalesce(?6, default_cadence)
WHERE id = ?1
RETURNING id, name, description, visibility, opt_in, created_at, title, fallback_language, default_cadence;

-- name: get-list-by-name
-- Every query read by read_list selects these nine columns in this order (title, then the
-- fallback language and default cadence, in the order migrations added them).
SELECT id, name, description, visibility, opt_in, created_at, title, fallback_language, default_cadence
FROM lists WHERE name = ?1;

-- name: get-list-by-id
SELECT id FROM lists WHERE id = ?1;

-- name: get-list
SELECT id, name, description, visibility, opt_in, created_at, title, fallback_language, default_cadence FROM lists WHERE id = ?1;

-- name: list-summaries
-- One pass over subscriptions grouped by list, joined to every list (empty lists too).
SELECT l.id, l.name, l.description, l.visibility, l.opt_in, l.created_at, l.title, l.fallback_language, l.default_cadence,
       coalesce(s.confirmed, 0), coalesce(s.unconfirmed, 0), coalesce(s.unsubscribed, 0),
       (SELECT count(*) FROM topics t WHERE t.list_id = l.id)
FROM lists l
LEFT JOIN (
  SELECT list_id,
         sum(status = 'confirmed')    AS confirmed,
         sum(status = 'unconfirmed')  AS unconfirmed,
         sum(status = 'unsubscribed') AS unsubscribed
  FROM subscriptions GROUP BY list_id
) s ON s.list_id = l.id
ORDER BY l.name;

-- name: insert-topic
INSERT INTO topics (list_id, name, description, created_at)
VALUES (?1, ?2, ?3, ?4)
RETURNING id;

-- name: topics-of-list
SELECT id, list_id, name, description FROM topics WHERE list_id = ?1 ORDER BY name;

-- name: digest-cadences-of-list
-- A definition's `every` is canonical text whose first word is its cadence ("weekly mon
-- 09:00", "monthly 1 09:00"; see core/schedule_rule.hpp). Definitions of a list are few.
SELECT DISTINCT substr(every, 1, instr(every, ' ') - 1) FROM digests
WHERE list_id = ?1 AND enabled = 1;

-- name: insert-subscriber-if-new
-- Inserts a new address; a known one changes no row (the caller then updates or skips).
-- No RETURNING: SQLite builds a temporary table for RETURNING on every execution, which
-- costs more than the insert itself on this hot path; the caller reads changes() and
-- last_insert_rowid() instead.
INSERT INTO subscribers (email, name, attributes, language, created_at, updated_at)
VALUES (?1, coalesce(?2, ''), ?3, coalesce(?4, ''), ?5, ?5)
ON CONFLICT (email) DO NOTHING;

-- name: update-subscriber-from-import
-- Fields absent from the file (NULL) keep their values; attributes are merged.
UPDATE subscribers
SET name = coalesce(?2, name),
    language = coalesce(?3, language),
    attributes = json_patch(attributes, ?4),
    updated_at = ?5
WHERE email = ?1;

-- name: get-subscriber-id-by-email
SELECT id FROM subscribers WHERE email = ?1;

-- name: subscribe-from-import
-- A new subscription gets the import's status. An existing one is only ever promoted from
-- unconfirmed to confirmed, or ended when the file says the person left: an import never
-- revives an unsubscribed member.
INSERT INTO subscriptions (list_id, subscriber_id, status, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?4)
ON CONFLICT (list_id, subscriber_id) DO UPDATE
SET status = excluded.status, updated_at = excluded.updated_at
WHERE (subscriptions.status = 'unconfirmed' AND excluded.status = 'confirmed')
   OR (subscriptions.status <> 'unsubscribed' AND excluded.status = 'unsubscribed');

-- name: blocklist-subscriber
UPDATE subscribers SET status = 'blocklisted', updated_at = ?2 WHERE id = ?1;

-- name: set-subscription-status
INSERT INTO subscriptions (list_id, subscriber_id, status, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?4)
ON CONFLICT (list_id, subscriber_id) DO UPDATE
SET status = excluded.status, updated_at = excluded.updated_at;

-- name: set-subscription-cadence
-- Only an existing subscription: a cadence alone never puts anyone on a list.
UPDATE subscriptions SET cadence = ?3, updated_at = ?4
WHERE list_id = ?1 AND subscriber_id = ?2;

-- name: get-subscriber-by-email
SELECT id, email, name, attributes, language, status, created_at, updated_at, link_key
FROM subscribers WHERE email = ?1;

-- name: subscriptions-of-subscriber
-- Walks the lists and probes the (list_id, subscriber_id) key of each: lists are few.
SELECT s.list_id, l.name, s.status, s.created_at, s.updated_at, l.title, s.cadence,
       l.default_cadence
FROM lists l CROSS JOIN subscriptions s ON s.list_id = l.id AND s.subscriber_id = ?1
ORDER BY l.name;

-- name: count-subscribers
SELECT count(*) FROM subscribers;

-- name: count-list-members
SELECT count(*) FROM subscriptions WHERE list_id = ?1 AND status <> 'unsubscribed';

-- name: list-members
-- Streams a list's members in the order they were added: the primary key's order, so
-- SQLite reads rows as it goes and never sorts the whole list. With each, what they chose of
-- the list: its cadence (NULL: the list's default) and the names of its topics, joined by ';'
-- (a probe of subscriber_topics' key per member, in topic id order).
SELECT b.id, b.email, b.name, b.attributes, b.language, b.status, b.created_at, b.updated_at,
       b.link_key, s.status, s.cadence,
       (SELECT group_concat(t.name, ';') FROM subscriber_topics st
        JOIN topics t ON t.id = st.topic_id AND t.list_id = s.list_id
        WHERE st.subscriber_id = s.subscriber_id)
FROM subscriptions s JOIN subscribers b ON b.id = s.subscriber_id
WHERE s.list_id = ?1
ORDER BY s.subscriber_id;

-- name: insert-issue
INSERT INTO issues (kind, status, subject, from_name, from_address, reply_to, template,
                    language, created_at, updated_at, track_clicks, track_subscribers,
                    track_opens, archive, edition_date, cadence, digest_id, excerpt_words)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
RETURNING id;

-- name: insert-issue-list
INSERT INTO issue_lists (issue_id, list_id) VALUES (?1, ?2);

-- name: insert-issue-section
INSERT INTO issue_sections (issue_id, position, title, format, body) VALUES (?1, ?2, ?3, ?4, ?5);

-- name: get-issue
SELECT id, kind, status, subject, from_name, from_address, reply_to, template, language,
       created_at, updated_at, scheduled_at, expire_after, status_note, track_clicks,
       track_subscribers, track_opens, archive, edition_date, cadence, digest_id, excerpt_words
FROM issues WHERE id = ?1;

-- name: all-issues
SELECT id, kind, status, subject, from_name, from_address, reply_to, template, language,
       created_at, updated_at, scheduled_at, expire_after, status_note, track_clicks,
       track_subscribers, track_opens, archive, edition_date, cadence, digest_id, excerpt_words
FROM issues ORDER BY id DESC;

-- name: issue-languages-by-list
-- The languages a list's issues are written in, for the preference page's choice.
SELECT DISTINCT il.list_id, i.language
FROM issue_lists il JOIN issues i ON i.id = il.issue_id
WHERE i.language <> ''
ORDER BY il.list_id, i.language;

-- name: lists-of-issue
SELECT list_id FROM issue_lists WHERE issue_id = ?1 ORDER BY list_id;

-- name: sections-of-issue
SELECT title, format, body FROM issue_sections WHERE issue_id = ?1 ORDER BY position;

-- name: insert-secret-if-missing
INSERT INTO secrets (name, value, created_at) VALUES (?1, ?2, ?3)
ON CONFLICT (name) DO NOTHING;

-- name: get-secret
SELECT value FROM secrets WHERE name = ?1;

-- name: freeze-audience
-- The audience of an issue, fixed once: confirmed members of any of its lists who are not
-- blocklisted and who chose to receive it. Two choices count (issue 12):
-- * topics: when the issue is sent to topics of a list (issue_topics), that list's members
--   who chose topics of it receive the issue only when one of those is among them; members
--   who chose no topic of the list receive every topic. A list of the issue none of whose
--   topics it names is sent to in full.
-- * cadence: an issue made of posts (issues.cadence set) goes only to members whose cadence
--   (their own, or else the list's default) is the issue's.
-- A plain letter (no topics, no cadence) pays for neither: each test opens with a constant
-- that SQLite evaluates once (the issue row, or one probe of issue_topics), and OR stops
-- there; the subscription's cadence is in the row already read (subscriptions has no rowid).
-- ON CONFLICT drops a subscriber met again (on a second list, or on a second run), so there
-- is no DISTINCT and no ORDER BY: either would make SQLite sort the whole audience in memory
-- (117 MB for a million), while the ledger's primary key orders the rows anyway. (An upsert
-- from a SELECT needs its WHERE clause to parse.)
INSERT INTO deliveries (issue_id, subscriber_id, state, queued_at, updated_at)
SELECT ?1, s.subscriber_id, 'queued', ?2, ?2
FROM issues i
JOIN issue_lists il ON il.issue_id = i.id
JOIN lists l ON l.id = il.list_id
JOIN subscriptions s ON s.list_id = il.list_id AND s.status = 'confirmed'
JOIN subscribers b ON b.id = s.subscriber_id AND b.status = 'enabled'
WHERE i.id = ?1
  AND (i.cadence IS NULL OR coalesce(s.cadence, l.default_cadence) = i.cadence)
  AND (NOT EXISTS (SELECT 1 FROM issue_topics WHERE issue_id = ?1)
       OR NOT EXISTS (SELECT 1 FROM issue_topics it JOIN topics t ON t.id = it.topic_id
                      WHERE it.issue_id = ?1 AND t.list_id = il.list_id)
       OR EXISTS (SELECT 1 FROM issue_topics it
                  JOIN topics t ON t.id = it.topic_id AND t.list_id = il.list_id
                  JOIN subscriber_topics st
                    ON st.topic_id = it.topic_id AND st.subscriber_id = s.subscriber_id
                  WHERE it.issue_id = ?1)
       OR NOT EXISTS (SELECT 1 FROM subscriber_topics st JOIN topics t ON t.id = st.topic_id
                      WHERE st.subscriber_id = s.subscriber_id AND t.list_id = il.list_id))
ON CONFLICT (issue_id, subscriber_id) DO NOTHING;

-- name: due-queued-deliveries
-- The next queued recipients, in the order of the deliveries_due index (next_attempt_at is
-- 0 for all of them): a range scan, however long the list.
SELECT d.subscriber_id, d.attempts, d.queued_at
FROM deliveries d
WHERE d.issue_id = ?1 AND d.state = 'queued'
ORDER BY d.next_attempt_at, d.subscriber_id
LIMIT ?2;

-- name: due-deferred-deliveries
-- Deferred recipients whose retry time has come, earliest first (a range scan too).
SELECT d.subscriber_id, d.attempts, d.queued_at
FROM deliveries d
WHERE d.issue_id = ?1 AND d.state = 'deferred' AND d.next_attempt_at <= ?2
ORDER BY d.next_attempt_at
LIMIT ?3;

-- name: mark-sending
UPDATE deliveries SET state = 'sending', attempts = attempts + 1, updated_at = ?3
WHERE issue_id = ?1 AND subscriber_id = ?2;

-- name: link-key-of-subscriber
SELECT link_key FROM subscribers WHERE id = ?1;

-- name: get-subscriber-by-id
SELECT id, email, name, attributes, language, status, created_at, updated_at, link_key
FROM subscribers WHERE id = ?1;

-- name: record-delivery
-- `items`: the posts a digest letter carried ('' for letters), the reader's record. A letter
-- given back untried (state 'queued': a halt took it back before the transport had it)
-- was no attempt, so the one its claim (mark-sending) counted is taken back.
UPDATE deliveries
SET state = ?3, next_attempt_at = ?4, last_reply = ?5, updated_at = ?6, items = ?7,
    attempts = CASE WHEN ?3 = 'queued' AND attempts > 0 THEN attempts - 1 ELSE attempts END
WHERE issue_id = ?1 AND subscriber_id = ?2 AND state = 'sending';

-- name: topics-of-readers
-- The topics a window of readers (?2: a JSON array of subscriber ids) chose of list ?1: one
-- query per window rather than one per reader; json_each keeps the statement prepared
-- whatever the window's size.
SELECT st.subscriber_id, st.topic_id
FROM subscriber_topics st
JOIN topics t ON t.id = st.topic_id AND t.list_id = ?1
WHERE st.subscriber_id IN (SELECT value FROM json_each(?2));

-- name: posts-received-by-readers
-- What a window of readers (?2) already received from the digest issues that share a post
-- with issue ?1 (posts belong to one list, so these are that list's digests): the items of
-- their letters sent or in flight. Only issues sharing a post can matter, and
-- issue_posts_by_post finds them without reading every digest of the list.
SELECT d.subscriber_id, d.items
FROM deliveries d
WHERE d.issue_id IN (SELECT DISTINCT other.issue_id
                     FROM issue_posts mine
                     JOIN issue_posts other ON other.post_id = mine.post_id
                     WHERE mine.issue_id = ?1 AND other.issue_id <> ?1)
  AND d.subscriber_id IN (SELECT value FROM json_each(?2))
  AND d.state IN ('sent', 'sending') AND d.items <> '';

-- name: delivery-counts
SELECT state, count(*) FROM deliveries WHERE issue_id = ?1 GROUP BY state;

-- name: delivery-problems
-- Why recipients were deferred or failed, the most common reply first: one row per distinct
-- state and reply, so even an issue of a million recipients answers in a few rows.
SELECT state, last_reply, count(*) FROM deliveries
WHERE issue_id = ?1 AND state IN ('deferred', 'failed') AND last_reply != ''
GROUP BY state, last_reply
ORDER BY count(*) DESC, state, last_reply
LIMIT ?2;

-- name: requeue-in-flight
-- After a runner died: what it had claimed but not recorded goes back to the queue. Run
-- only inside take-issue-lease's transaction, by the runner that took the lease over: a
-- live runner's letters in flight are never put back.
UPDATE deliveries SET state = 'queued', updated_at = ?2
WHERE issue_id = ?1 AND state = 'sending';

-- name: issue-lease
-- Who holds an issue's lease, read inside the transaction that may take it over.
SELECT owner, expires_at FROM issue_leases WHERE issue_id = ?1;

-- name: put-issue-lease
-- Gives the lease to ?2; the caller has checked, in the same transaction, that it is free,
-- ran out, or belongs to a runner that is gone.
INSERT INTO issue_leases (issue_id, owner, taken_at, expires_at) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (issue_id) DO UPDATE SET owner = excluded.owner, taken_at = excluded.taken_at,
                                     expires_at = excluded.expires_at;

-- name: renew-issue-lease
-- The heartbeat: extends the lease only while ?2 still holds it (a lease that ran out and
-- was taken over is not taken back). One row changed means it is still ours.
UPDATE issue_leases SET expires_at = ?3 WHERE issue_id = ?1 AND owner = ?2;

-- name: release-issue-lease
DELETE FROM issue_leases WHERE issue_id = ?1 AND owner = ?2;

-- name: set-issue-status
UPDATE issues SET status = ?2, updated_at = ?3 WHERE id = ?1;

-- name: issue-status
SELECT status FROM issues WHERE id = ?1;

-- name: change-issue-status
-- Moves an issue from one of the allowed states to another, atomically: a pause cannot
-- overwrite a cancel that came first.
UPDATE issues SET status = ?2, status_note = ?3, updated_at = ?4
WHERE id = ?1 AND instr(?5, ',' || status || ',') > 0;

-- name: schedule-issue
UPDATE issues SET status = 'scheduled', scheduled_at = ?2, expire_after = ?3, status_note = '',
                  updated_at = ?4
WHERE id = ?1 AND (status = 'draft' OR status = 'scheduled' OR status = 'paused');

-- name: issues-to-run
-- Issues a delivery service should work on now: those sending, and scheduled ones due.
SELECT id, status, scheduled_at, expire_after FROM issues
WHERE status = 'sending' OR (status = 'scheduled' AND scheduled_at <= ?1)
ORDER BY coalesce(scheduled_at, 0), id;

-- name: public-issues
-- Issues that went out, newest first, a page at a time by keyset (id below ?1): only those
-- an editor left in the archive and whose every list is public, so that an issue sent to
-- a private list is never published (NOT EXISTS over the few lists of each issue).
SELECT id, kind, status, subject, from_name, from_address, reply_to, template, language,
       created_at, updated_at, scheduled_at, expire_after, status_note, track_clicks,
       track_subscribers, track_opens, archive, edition_date, cadence, digest_id, excerpt_words
FROM issues
WHERE (status = 'sent' OR status = 'sending') AND id < ?1 AND archive = 1
  AND NOT EXISTS (SELECT 1 FROM issue_lists il JOIN lists l ON l.id = il.list_id
                  WHERE il.issue_id = issues.id AND l.visibility != 'public')
ORDER BY id DESC
LIMIT ?2;

-- name: insert-user
INSERT INTO users (name, role, password_hash, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?4)
RETURNING id;

-- name: get-user-by-name
SELECT id, name, role, created_at, updated_at, password_hash FROM users WHERE name = ?1;

-- name: get-user
SELECT id, name, role, created_at, updated_at, password_hash FROM users WHERE id = ?1;

-- name: all-users
SELECT id, name, role, created_at, updated_at, '' FROM users ORDER BY name;

-- name: count-admins
SELECT count(*) FROM users WHERE role = 'admin';

-- name: set-user-password
UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1;

-- name: set-user-role
UPDATE users SET role = ?2, updated_at = ?3 WHERE id = ?1;

-- name: delete-user
DELETE FROM users WHERE id = ?1;

-- name: delete-sessions-of-user
DELETE FROM sessions WHERE user_id = ?1;

-- name: insert-session
INSERT INTO sessions (digest, user_id, csrf_token, created_at, expires_at)
VALUES (?1, ?2, ?3, ?4, ?5);

-- name: get-session
SELECT u.id, u.name, u.role, u.created_at, u.updated_at, s.csrf_token
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.digest = ?1 AND s.expires_at > ?2;

-- name: delete-session
DELETE FROM sessions WHERE digest = ?1;

-- name: delete-expired-sessions
DELETE FROM sessions WHERE expires_at <= ?1;

-- name: insert-api-token
INSERT INTO api_tokens (user_id, name, digest, created_at) VALUES (?1, ?2, ?3, ?4)
RETURNING id;

-- name: get-api-token-user
SELECT u.id, u.name, u.role, u.created_at, u.updated_at, t.id
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.digest = ?1;

-- name: touch-api-token
-- At most one write a minute per token, however busy the client.
UPDATE api_tokens SET last_used_at = ?2
WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2 - 60);

-- name: api-tokens-of-user
SELECT id, user_id, name, created_at, last_used_at FROM api_tokens
WHERE user_id = ?1 ORDER BY id;

-- name: delete-api-token
DELETE FROM api_tokens WHERE id = ?1 AND user_id = ?2;

-- name: delete-api-tokens-of-user
-- A password change revokes every token of the user (in its transaction): a token made by
-- whoever knew the old password must not outlive it. The count is what the caller reports.
DELETE FROM api_tokens WHERE user_id = ?1;

-- name: find-subscribers
-- One query for every filter: a NULL parameter leaves its filter out. Keyset pages by id.
--   ?1 list, ?2 subscription status on that list, ?3 address contains (LIKE pattern),
--   ?4 attribute JSON path, ?5 attribute value, ?6 ids after, ?7 limit.
SELECT b.id, b.email, b.name, b.attributes, b.language, b.status, b.created_at, b.updated_at,
       b.link_key
FROM subscribers b
WHERE b.id > ?6
  AND (?1 IS NULL OR EXISTS (SELECT 1 FROM subscriptions s
                             WHERE s.list_id = ?1 AND s.subscriber_id = b.id
                               AND (?2 IS NULL OR s.status = ?2)))
  AND (?3 IS NULL OR b.email LIKE ?3 ESCAPE '\')
  AND (?4 IS NULL OR CAST(json_extract(b.attributes, ?4) AS TEXT) = ?5)
ORDER BY b.id
LIMIT ?7;

-- name: insert-subscriber
-- The link key comes from the column's default (random bytes).
INSERT INTO subscribers (email, name, attributes, language, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?5)
RETURNING id, link_key;

-- name: update-subscriber
UPDATE subscribers
SET name = coalesce(?2, name), language = coalesce(?3, language),
    attributes = coalesce(?4, attributes), status = coalesce(?5, status), updated_at = ?6
WHERE id = ?1;

-- name: delete-subscriber
DELETE FROM subscribers WHERE id = ?1;

-- name: topics-of-subscriber
SELECT t.id, t.list_id, t.name, t.description
FROM subscriber_topics st JOIN topics t ON t.id = st.topic_id
WHERE st.subscriber_id = ?1 ORDER BY t.list_id, t.name;

-- name: clear-subscriber-topics-of-list
DELETE FROM subscriber_topics
WHERE subscriber_id = ?1 AND topic_id IN (SELECT id FROM topics WHERE list_id = ?2);

-- name: insert-subscriber-topic
INSERT INTO subscriber_topics (subscriber_id, topic_id)
SELECT ?1, id FROM topics WHERE id = ?2 AND list_id = ?3;

-- name: all-lists
SELECT id, name, description, visibility, opt_in, created_at, title, fallback_language, default_cadence FROM lists ORDER BY name;

-- name: insert-issue-link
INSERT INTO issue_links (issue_id, url) VALUES (?1, ?2)
ON CONFLICT (issue_id, url) DO UPDATE SET url = excluded.url
RETURNING id;

-- name: link-url
SELECT url FROM issue_links WHERE id = ?1;

-- name: add-clicks
UPDATE issue_links SET clicks = clicks + ?2 WHERE id = ?1;

-- name: links-of-issue
SELECT id, issue_id, url, clicks FROM issue_links WHERE issue_id = ?1 ORDER BY id;

-- name: delivery-totals
SELECT state, count(*) FROM deliveries GROUP BY state;

-- name: update-issue
-- Edits a draft that no run has started (a runner holds its lease from before it reads the
-- issue until it is sending); anything else is left alone (the caller learns it from
-- changes()), so the letters of one issue never differ.
UPDATE issues SET kind = ?2, subject = ?3, from_name = ?4, from_address = ?5, reply_to = ?6,
                  template = ?7, language = ?8, updated_at = ?9, track_clicks = ?10,
                  track_subscribers = ?11, track_opens = ?12, archive = ?13, edition_date = ?14,
                  cadence = ?15, digest_id = ?16, excerpt_words = ?17
WHERE id = ?1 AND status = 'draft'
  AND NOT EXISTS (SELECT 1 FROM issue_leases WHERE issue_id = ?1 AND expires_at > ?9);

-- name: set-issue-edition-date
-- Sets the day an issue's masthead shows while none of its letters is made yet (a draft or
-- a scheduled issue that no run has started), so that letters of one issue never disagree
-- about their date; the caller learns from changes() whether the issue was in such a state.
UPDATE issues SET edition_date = ?2, updated_at = ?3
WHERE id = ?1 AND status IN ('draft', 'scheduled')
  AND NOT EXISTS (SELECT 1 FROM issue_leases WHERE issue_id = ?1 AND expires_at > ?3);

-- name: set-issue-archive
-- Whether an issue may be published; in any state, since an editor may take a sent issue
-- out of the archive (or put it back). The date the archive shows stays as it was.
UPDATE issues SET archive = ?2 WHERE id = ?1;

-- name: delete-issue-lists
DELETE FROM issue_lists WHERE issue_id = ?1;

-- name: delete-issue-sections
DELETE FROM issue_sections WHERE issue_id = ?1;

-- name: delete-issue-topics
DELETE FROM issue_topics WHERE issue_id = ?1;

-- name: delete-issue-posts
DELETE FROM issue_posts WHERE issue_id = ?1;

-- name: insert-issue-topic
-- Only a topic of one of the issue's lists (written just before): no row otherwise.
INSERT INTO issue_topics (issue_id, topic_id)
SELECT ?1, t.id FROM topics t
WHERE t.id = ?2 AND t.list_id IN (SELECT list_id FROM issue_lists WHERE issue_id = ?1)
ON CONFLICT DO NOTHING;

-- name: insert-issue-post
INSERT INTO issue_posts (issue_id, post_id, position) VALUES (?1, ?2, ?3)
ON CONFLICT DO NOTHING;

-- name: topics-of-issue
SELECT topic_id FROM issue_topics WHERE issue_id = ?1 ORDER BY topic_id;

-- name: posts-of-issue
SELECT post_id FROM issue_posts WHERE issue_id = ?1 ORDER BY position;

-- name: issue-lists
SELECT l.id, l.name, l.description, l.visibility, l.opt_in, l.created_at, l.title, l.fallback_language, l.default_cadence
FROM issue_lists il JOIN lists l ON l.id = il.list_id
WHERE il.issue_id = ?1 ORDER BY l.id;

-- name: unsubscribe-from-issue
-- Every list of issue ?1, for subscriber ?2: the subscription becomes unsubscribed (made so
-- when missing, kept as it is when it already was).
INSERT INTO subscriptions (list_id, subscriber_id, status, created_at, updated_at)
SELECT list_id, ?2, 'unsubscribed', ?3, ?3 FROM issue_lists WHERE issue_id = ?1
ON CONFLICT (list_id, subscriber_id) DO UPDATE
SET status = 'unsubscribed', updated_at = excluded.updated_at
WHERE subscriptions.status <> 'unsubscribed';

-- name: add-subscriber-clicks
INSERT INTO subscriber_clicks (link_id, subscriber_id, clicks) VALUES (?1, ?2, ?3)
ON CONFLICT (link_id, subscriber_id) DO UPDATE SET clicks = clicks + excluded.clicks;

-- name: add-opens
INSERT INTO issue_opens (issue_id, subscriber_id, opens) VALUES (?1, ?2, ?3)
ON CONFLICT (issue_id, subscriber_id) DO UPDATE SET opens = opens + excluded.opens;

-- name: engagement-of-issue
-- Unique openers and unique clickers of an issue (for issues that track subscribers).
SELECT (SELECT count(*) FROM issue_opens WHERE issue_id = ?1),
       (SELECT count(DISTINCT c.subscriber_id) FROM subscriber_clicks c
        JOIN issue_links l ON l.id = c.link_id WHERE l.issue_id = ?1);

-- name: confirmations-of-subscriber
-- For a privacy download: the confirmation letters recorded about one subscriber
-- (confirmations_of_subscriber). A sent or failed letter's next_attempt_at is when that
-- became of it.
SELECT id, created_at, letter_state, next_attempt_at, used_at FROM confirmations
WHERE subscriber_id = ?1 ORDER BY created_at, id;

-- name: letters-of-subscriber
-- For a privacy download (rare): a scan of the ledger is acceptable.
SELECT issue_id, state, updated_at FROM deliveries WHERE subscriber_id = ?1 ORDER BY issue_id;

-- name: clicks-of-subscriber
SELECT l.issue_id, l.url, c.clicks FROM subscriber_clicks c JOIN issue_links l ON l.id = c.link_id
WHERE c.subscriber_id = ?1 ORDER BY l.issue_id, l.id;

-- name: opens-of-subscriber
SELECT issue_id, opens FROM issue_opens WHERE subscriber_id = ?1 ORDER BY issue_id;

-- name: saved-settings
SELECT name, value FROM saved_settings ORDER BY name;

-- name: save-setting
INSERT INTO saved_settings (name, value, updated_at) VALUES (?1, ?2, ?3)
ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at;

-- name: forget-setting
DELETE FROM saved_settings WHERE name = ?1;

-- name: confirmation-letters-since
-- The per-address cooldown counts a subscriber's letters (confirmations_of_subscriber).
SELECT created_at FROM confirmations WHERE subscriber_id = ?1 AND created_at >= ?2
ORDER BY created_at;

-- name: insert-confirmation
-- Queued at once: the sender picks it up at its next look (next_attempt_at = now).
INSERT INTO confirmations (subscriber_id, created_at, next_attempt_at) VALUES (?1, ?2, ?2)
RETURNING id;

-- name: insert-confirmation-list
INSERT INTO confirmation_lists (confirmation_id, list_id) VALUES (?1, ?2);

-- name: set-subscription-pending
-- A new subscription waits for its confirmation; an existing one is left as it is, so an
-- unsubscribed member stays unsubscribed until they use the letter's link.
INSERT INTO subscriptions (list_id, subscriber_id, status, created_at, updated_at)
VALUES (?1, ?2, 'unconfirmed', ?3, ?3)
ON CONFLICT (list_id, subscriber_id) DO NOTHING;

-- name: get-confirmation
-- By id and subscriber both: a link names the two, and must name them together.
SELECT id, subscriber_id, created_at, used_at FROM confirmations
WHERE id = ?1 AND subscriber_id = ?2;

-- name: confirmation-lists
SELECT l.id, l.name, l.description, l.visibility, l.opt_in, l.created_at, l.title, l.fallback_language, l.default_cadence
FROM confirmation_lists c JOIN lists l ON l.id = c.list_id
WHERE c.confirmation_id = ?1 ORDER BY l.name;

-- name: use-confirmation
-- Changes no row when the link was used already: the caller then says so.
UPDATE confirmations SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL;

-- name: confirm-asked-lists
-- Confirms exactly the lists the letter asked about; lists joined after it are untouched.
INSERT INTO subscriptions (list_id, subscriber_id, status, created_at, updated_at)
SELECT list_id, ?2, 'confirmed', ?3, ?3 FROM confirmation_lists WHERE confirmation_id = ?1
ON CONFLICT (list_id, subscriber_id) DO UPDATE
SET status = 'confirmed', updated_at = excluded.updated_at
WHERE subscriptions.status <> 'confirmed';

-- name: due-confirmation-letters
-- Walks the partial index of queued letters only (confirmation_letters_due). Read only
-- inside claim-confirmation-letter's transaction: a letter is sent only once claimed.
SELECT b.id, b.email, b.name, b.attributes, b.language, b.status, b.created_at, b.updated_at,
       b.link_key, c.id, c.created_at, c.used_at, c.attempts
FROM confirmations c JOIN subscribers b ON b.id = c.subscriber_id
WHERE c.letter_state = 'queued' AND c.next_attempt_at <= ?1
ORDER BY c.next_attempt_at, c.id
LIMIT ?2;

-- name: claim-confirmation-letter
-- Claims a due letter for one sender by making it due again only at ?3 (the claim's end):
-- the same due rows read by another sender's transaction after this one change nothing,
-- and a sender that dies before recording an outcome leaves the letter to be claimed
-- again once ?3 has passed. One row changed means the letter is ours to send.
UPDATE confirmations SET next_attempt_at = ?3
WHERE id = ?1 AND letter_state = 'queued' AND next_attempt_at <= ?2;

-- name: record-confirmation-letter
UPDATE confirmations
SET letter_state = ?2, attempts = attempts + 1, next_attempt_at = ?3, last_reply = ?4
WHERE id = ?1;

-- name: insert-section
-- Appends a section to its list: its position is one past the last.
INSERT INTO sections (list_id, name, position, created_at)
SELECT ?1, ?2, coalesce(max(position) + 1, 0), ?3 FROM sections WHERE list_id = ?1
RETURNING id;

-- name: get-section
-- Every query read by read_section selects these four columns in this order.
SELECT id, list_id, name, position FROM sections WHERE id = ?1;

-- name: sections-of-list
SELECT id, list_id, name, position FROM sections WHERE list_id = ?1 ORDER BY position, id;

-- name: sections-of-list-with-counts
-- What `sections ls` shows: each section with the number of its posts (posts_by_section).
SELECT s.id, s.list_id, s.name, s.position,
       (SELECT count(*) FROM posts p WHERE p.section_id = s.id)
FROM sections s WHERE s.list_id = ?1 ORDER BY s.position, s.id;

-- name: set-section-position
UPDATE sections SET position = ?2 WHERE id = ?1;

-- name: rename-section
UPDATE sections SET name = ?2 WHERE id = ?1 RETURNING id, list_id, name, position;

-- name: posts-in-section
SELECT count(*) FROM posts WHERE section_id = ?1;

-- name: digests-using-section
SELECT d.name FROM digest_sections ds JOIN digests d ON d.id = ds.digest_id
WHERE ds.section_id = ?1 ORDER BY d.name;

-- name: delete-section
DELETE FROM sections WHERE id = ?1;

-- name: slug-taken
SELECT 1 FROM posts WHERE slug = ?1;

-- name: insert-post
-- A published post takes the next number (over every list: numbers are unique).
INSERT INTO posts (list_id, section_id, slug, title, body, language, status, published_at,
                   published_seq, source, external_id, translation_of, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
        CASE WHEN ?7 = 'published'
             THEN (SELECT coalesce(max(published_seq), 0) + 1 FROM posts) END,
        ?9, ?10, ?11, ?12, ?12)
RETURNING id;

-- name: insert-post-topic
-- Only a topic of the post's own list: no row otherwise.
INSERT INTO post_topics (post_id, topic_id)
SELECT ?1, t.id FROM topics t
WHERE t.id = ?2 AND t.list_id = (SELECT list_id FROM posts WHERE id = ?1)
ON CONFLICT DO NOTHING;

-- name: delete-post-topics
DELETE FROM post_topics WHERE post_id = ?1;

-- name: topics-of-post
SELECT topic_id FROM post_topics WHERE post_id = ?1 ORDER BY topic_id;

-- name: get-post
-- Every query read by read_post selects these seventeen columns in this order.
SELECT p.id, p.list_id, p.section_id, s.name, p.slug, p.title, p.body, p.language, p.status,
       p.published_at, p.published_seq, p.source, p.external_id, p.translation_of,
       p.announced_at, p.created_at, p.updated_at
FROM posts p JOIN sections s ON s.id = p.section_id
WHERE p.id = ?1;

-- name: get-post-by-slug
SELECT p.id, p.list_id, p.section_id, s.name, p.slug, p.title, p.body, p.language, p.status,
       p.published_at, p.published_seq, p.source, p.external_id, p.translation_of,
       p.announced_at, p.created_at, p.updated_at
FROM posts p JOIN sections s ON s.id = p.section_id
WHERE p.slug = ?1;

-- name: filtered-posts
-- A NULL filter matches every post; ?4 = 0 starts from the newest.
SELECT p.id, p.list_id, p.section_id, s.name, p.slug, p.title, p.body, p.language, p.status,
       p.published_at, p.published_seq, p.source, p.external_id, p.translation_of,
       p.announced_at, p.created_at, p.updated_at
FROM posts p JOIN sections s ON s.id = p.section_id
WHERE (?1 IS NULL OR p.list_id = ?1) AND (?2 IS NULL OR p.status = ?2)
  AND (?3 IS NULL OR p.published_at >= ?3) AND (?4 = 0 OR p.id < ?4)
ORDER BY p.id DESC
LIMIT ?5;

-- name: translations-of-post
SELECT p.id, p.list_id, p.section_id, s.name, p.slug, p.title, p.body, p.language, p.status,
       p.published_at, p.published_seq, p.source, p.external_id, p.translation_of,
       p.announced_at, p.created_at, p.updated_at
FROM posts p JOIN sections s ON s.id = p.section_id
WHERE p.translation_of = ?1 AND p.status = 'published'
ORDER BY p.id;

-- name: published-posts-after
-- What a digest run collects: a range of the posts_by_list index.
SELECT p.id, p.list_id, p.section_id, s.name, p.slug, p.title, p.body, p.language, p.status,
       p.published_at, p.published_seq, p.source, p.external_id, p.translation_of,
       p.announced_at, p.created_at, p.updated_at
FROM posts p JOIN sections s ON s.id = p.section_id
WHERE p.list_id = ?1 AND p.published_seq > ?2 AND p.status = 'published'
  AND (?3 IS NULL OR p.published_at >= ?3)
ORDER BY p.published_seq;

-- name: last-published-seq
SELECT coalesce(max(published_seq), 0) FROM posts WHERE list_id = ?1;

-- name: update-post
-- A NULL parameter keeps the column as it is.
UPDATE posts SET title = coalesce(?2, title), body = coalesce(?3, body),
                 language = coalesce(?4, language), section_id = coalesce(?5, section_id),
                 published_at = coalesce(?6, published_at), updated_at = ?7
WHERE id = ?1;

-- name: post-has-translations
SELECT 1 FROM posts WHERE translation_of = ?1 LIMIT 1;

-- name: issue-sending-post
-- A digest carrying the post that is on its way (scheduled, sending or paused): its letters
-- must all carry the post as it was when the first of them was made.
SELECT i.id FROM issue_posts ip JOIN issues i ON i.id = ip.issue_id
WHERE ip.post_id = ?1 AND i.status IN ('scheduled', 'sending', 'paused')
LIMIT 1;

-- name: version-in-language
-- The original ?1 or one of its translations written in ?2, other than post ?3.
SELECT id FROM posts WHERE (id = ?1 OR translation_of = ?1) AND language = ?2 AND id != ?3
LIMIT 1;

-- name: set-post-translation
UPDATE posts SET translation_of = ?2 WHERE id = ?1;

-- name: publish-post
UPDATE posts SET status = 'published', published_at = ?2, updated_at = ?3,
                 published_seq = (SELECT coalesce(max(published_seq), 0) + 1 FROM posts)
WHERE id = ?1 AND status = 'draft';

-- name: set-post-announced
UPDATE posts SET announced_at = ?2 WHERE id = ?1;

-- name: delete-post
DELETE FROM posts WHERE id = ?1;

-- name: public-posts
-- A public list's newest published posts (of topic ?2 only, when it is not NULL): its page
-- and its feeds. The list's visibility is read here, in the same statement, so a list made
-- private stops showing its posts at once.
SELECT p.id, p.list_id, p.section_id, s.name, p.slug, p.title, p.body, p.language, p.status,
       p.published_at, p.published_seq, p.source, p.external_id, p.translation_of,
       p.announced_at, p.created_at, p.updated_at
FROM posts p JOIN sections s ON s.id = p.section_id JOIN lists l ON l.id = p.list_id
WHERE p.list_id = ?1 AND p.status = 'published' AND l.visibility = 'public'
  AND (?2 IS NULL
       OR EXISTS (SELECT 1 FROM post_topics pt WHERE pt.post_id = p.id AND pt.topic_id = ?2))
ORDER BY p.published_at DESC, p.id DESC
LIMIT ?3;

-- name: search-archive
-- The archive's search (migration 14's FTS5 tables): published posts of public lists and
-- the issues public-issues would show, matching ?1 (an FTS5 query of quoted words), newest
-- first after the cursor (?2 time, ?3 kind, ?4 id). The row-value comparison keeps the
-- keyset exact when results share a second. Visibility is read from the tables here, not
-- kept in the index, so it cannot fall out of step. The page of hits is chosen first; only
-- then are the texts of its rows read (a post's first 8,000 bytes), from which the caller
-- makes excerpts: FTS5's snippet() would weigh every appearance of a word in every
-- matching post, which a post repeating a word 40,000 times made take seconds.
SELECT h.kind, h.id, coalesce(p.slug, ''), coalesce(p.title, i.subject),
       CASE WHEN h.kind = 'post' THEN substr(p.body, 1, 8000) ELSE i.subject END, h.at
FROM (
  SELECT kind, id, at FROM (
    SELECT 'post' AS kind, p.id AS id, p.published_at AS at
    FROM post_search JOIN posts p ON p.id = post_search.rowid JOIN lists l ON l.id = p.list_id
    WHERE post_search MATCH ?1 AND p.status = 'published' AND l.visibility = 'public'
    UNION ALL
    SELECT 'issue', i.id, i.updated_at
    FROM issue_search JOIN issues i ON i.id = issue_search.rowid
    WHERE issue_search MATCH ?1 AND (i.status = 'sent' OR i.status = 'sending') AND i.archive = 1
      AND NOT EXISTS (SELECT 1 FROM issue_lists il JOIN lists l ON l.id = il.list_id
                      WHERE il.issue_id = i.id AND l.visibility != 'public')
  )
  WHERE (at, kind, id) < (?2, ?3, ?4)
  ORDER BY at DESC, kind DESC, id DESC
  LIMIT ?5
) h
LEFT JOIN posts p ON h.kind = 'post' AND p.id = h.id
LEFT JOIN issues i ON h.kind = 'issue' AND i.id = h.id
ORDER BY h.at DESC, h.kind DESC, h.id DESC;

-- Digest definitions, their sections and runs (sqlite_digests.cpp).

-- name: insert-digest
INSERT INTO digests (list_id, name, every, time_zone, subject, template, max_per_section,
                     excerpt_words, only_if_new, review, enabled, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)
RETURNING id;

-- name: get-digest
SELECT id, list_id, name, every, time_zone, subject, template, max_per_section, excerpt_words,
       only_if_new, review, enabled, created_at, updated_at
FROM digests WHERE id = ?1;

-- name: get-digest-by-name
SELECT id, list_id, name, every, time_zone, subject, template, max_per_section, excerpt_words,
       only_if_new, review, enabled, created_at, updated_at
FROM digests WHERE list_id = ?1 AND name = ?2;

-- name: all-digests
SELECT id, list_id, name, every, time_zone, subject, template, max_per_section, excerpt_words,
       only_if_new, review, enabled, created_at, updated_at
FROM digests ORDER BY id;

-- name: update-digest
UPDATE digests SET name = ?2, every = ?3, time_zone = ?4, subject = ?5, template = ?6,
                   max_per_section = ?7, excerpt_words = ?8, only_if_new = ?9, review = ?10,
                   enabled = ?11, updated_at = ?12
WHERE id = ?1;

-- name: delete-digest
DELETE FROM digests WHERE id = ?1;

-- name: sections-of-digest
SELECT section_id FROM digest_sections WHERE digest_id = ?1 ORDER BY position;

-- name: delete-digest-sections
DELETE FROM digest_sections WHERE digest_id = ?1;

-- name: insert-digest-section
-- Only a section of the definition's own list: no row otherwise (the caller says which).
INSERT INTO digest_sections (digest_id, section_id, position)
SELECT d.id, s.id, ?3 FROM digests d JOIN sections s ON s.list_id = d.list_id
WHERE d.id = ?1 AND s.id = ?2
ON CONFLICT DO NOTHING;

-- name: runs-of-digest
-- Newest first by id: runs are recorded in the order they ran.
SELECT id, digest_id, scheduled_for, ran_at, since, after_seq, up_to_seq, posts, outcome,
       issue_id, note
FROM digest_runs WHERE digest_id = ?1 ORDER BY id DESC LIMIT ?2;

-- name: run-for-instant
-- Whether a run of this definition for this scheduled instant is recorded (the unique index
-- digest_runs_once refuses a second one too; asking first gives a clear message).
SELECT id FROM digest_runs WHERE digest_id = ?1 AND scheduled_for = ?2;

-- name: insert-digest-run
INSERT INTO digest_runs (digest_id, scheduled_for, ran_at, since, after_seq, up_to_seq, posts,
                         outcome, issue_id, note)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
RETURNING id;

-- name: posts-to-announce
-- Published posts whose own letter has not gone, oldest first (the partial index
-- posts_to_announce holds just them), with whether the post has anyone to tell: an original
-- (a translation is carried by its original's letter) on a list with a confirmed subscriber
-- whose cadence (their own, else the list's default) is immediate.
SELECT p.id, p.list_id, p.title,
       p.translation_of IS NULL
       AND EXISTS (SELECT 1 FROM subscriptions s JOIN subscribers r ON r.id = s.subscriber_id
                   WHERE s.list_id = p.list_id AND s.status = 'confirmed'
                     AND r.status = 'enabled'
                     AND coalesce(s.cadence, l.default_cadence) = 'immediate'),
       coalesce(p.published_at, 0)
FROM posts p JOIN lists l ON l.id = p.list_id
WHERE p.status = 'published' AND p.announced_at IS NULL
ORDER BY p.published_seq LIMIT ?1;

-- name: claim-post-announcement
-- Marks the post announced unless it is already: the one runner that changes the row writes
-- its letter.
UPDATE posts SET announced_at = ?2 WHERE id = ?1 AND announced_at IS NULL;

-- name: insert-feed
INSERT INTO feeds (list_id, section_id, url, every_seconds, id_from, review, language,
                   next_poll_at, backfill, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
RETURNING id;

-- name: get-feed
-- Every query read by read_feed selects these columns in this order.
SELECT id, list_id, section_id, url, title, every_seconds, id_from, review, language, status,
       etag, last_modified, last_fetched_at, last_status, last_error, failures, next_poll_at,
       retry_after, items, backfill, polled_once, created_at, updated_at
FROM feeds WHERE id = ?1;

-- name: all-feeds
SELECT id, list_id, section_id, url, title, every_seconds, id_from, review, language, status,
       etag, last_modified, last_fetched_at, last_status, last_error, failures, next_poll_at,
       retry_after, items, backfill, polled_once, created_at, updated_at
FROM feeds ORDER BY id;

-- name: due-feeds
-- The partial index feeds_due holds the feeds not gone, by their next poll.
SELECT id, list_id, section_id, url, title, every_seconds, id_from, review, language, status,
       etag, last_modified, last_fetched_at, last_status, last_error, failures, next_poll_at,
       retry_after, items, backfill, polled_once, created_at, updated_at
FROM feeds WHERE status <> 'gone' AND next_poll_at <= ?1
  AND (claimed_until IS NULL OR claimed_until <= ?1)
ORDER BY next_poll_at, id LIMIT ?2;

-- name: update-feed
-- A NULL parameter keeps the column as it is.
UPDATE feeds SET every_seconds = coalesce(?2, every_seconds), id_from = coalesce(?3, id_from),
                 review = coalesce(?4, review), language = coalesce(?5, language),
                 updated_at = ?6
WHERE id = ?1;

-- name: delete-feed
-- Its posts stay (they are the list's now); its record of items goes with it.
DELETE FROM feeds WHERE id = ?1;

-- name: topics-of-feed
SELECT topic_id FROM feed_topics WHERE feed_id = ?1 ORDER BY topic_id;

-- name: delete-feed-topics
DELETE FROM feed_topics WHERE feed_id = ?1;

-- name: insert-feed-topic
-- Only a topic of the feed's own list: no row otherwise.
INSERT INTO feed_topics (feed_id, topic_id)
SELECT ?1, t.id FROM topics t
WHERE t.id = ?2 AND t.list_id = (SELECT list_id FROM feeds WHERE id = ?1)
ON CONFLICT DO NOTHING;

-- name: claim-feed
-- Holds the feed for one poll until ?4, unless another poller holds it now (?3): only one
-- poll runs at a time, whether scheduled or forced. A scheduled poll gives the next poll it
-- read (?2), so that a poll that ran and ended since that read is not run again; a forced
-- poll gives NULL. record-feed-outcome ends the claim; a poller that dies leaves it to expire.
UPDATE feeds SET claimed_until = ?4
WHERE id = ?1 AND status <> 'gone' AND (claimed_until IS NULL OR claimed_until <= ?3)
  AND (?2 IS NULL OR next_poll_at = ?2);

-- name: post-of-source
-- The post already written for this (source, external_id): a feed item whose post exists
-- (another poll wrote it first) is linked to it rather than written twice.
SELECT id FROM posts WHERE source = ?1 AND external_id = ?2 AND external_id <> '';

-- name: recorded-feed-items
-- With whether a digest carried the item's post: such a post stays as it went out.
SELECT fi.item_key, fi.post_id, fi.content_hash,
       EXISTS (SELECT 1 FROM issue_posts ip WHERE ip.post_id = fi.post_id)
FROM feed_items fi WHERE fi.feed_id = ?1;

-- name: post-carried-by-digest
-- Whether a digest carried the post (whatever became of the issue since): the same
-- issue_posts link that keeps such a post from removal (issue_posts' ON DELETE RESTRICT)
-- and from change while its issue is on its way (issue-sending-post); a feed never
-- rewrites it, since readers got it as it was.
SELECT 1 FROM issue_posts WHERE post_id = ?1 LIMIT 1;

-- name: upsert-feed-item
-- A changed item keeps its first-seen time and its post unless given one (?3).
INSERT INTO feed_items (feed_id, item_key, post_id, content_hash, first_seen_at)
VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (feed_id, item_key) DO UPDATE
SET post_id = coalesce(excluded.post_id, post_id), content_hash = excluded.content_hash;

-- name: update-post-from-feed
UPDATE posts SET title = ?2, body = ?3, language = ?4, updated_at = ?5 WHERE id = ?1;

-- name: record-feed-outcome
-- ?10, ?11: NULL keeps the item count and title (no document was read).
UPDATE feeds SET status = ?2, etag = ?3, last_modified = ?4, last_status = ?5, last_error = ?6,
                 failures = ?7, next_poll_at = ?8, retry_after = ?9,
                 items = coalesce(?10, items), title = coalesce(?11, title),
                 polled_once = ?12, last_fetched_at = ?13, updated_at = ?13,
                 claimed_until = NULL
WHERE id = ?1;
