-- One run per scheduled instant of a digest: two servers that find the same run due both
-- try to record it, and the second is refused, so its issue is never written. Runs by hand
-- have no scheduled instant (NULL), and NULLs never collide.
CREATE UNIQUE INDEX digest_runs_once ON digest_runs (digest_id, scheduled_for);

-- The posts whose own letter has not gone: `serve` looks for them at every round, so they
-- are found without reading every post.
CREATE INDEX posts_to_announce ON posts (published_seq)
  WHERE announced_at IS NULL AND status = 'published';
