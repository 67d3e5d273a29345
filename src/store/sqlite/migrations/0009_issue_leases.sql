-- One runner per issue: the lease a runner takes before it sends an issue, renewed while it
-- runs and deleted when it ends. `owner` names the process as host:pid:random (the random
-- part tells a restarted process that reuses a pid from the one that held the lease).
-- A lease past `expires_at` belongs to a runner that stopped without ending it (a crash,
-- kill -9): the next runner takes it over and puts that runner's letters in flight back
-- in the queue. No foreign key: a lease is taken before the issue is read, and a lease
-- for an issue that does not exist is deleted as soon as that is found.

CREATE TABLE issue_leases (
  issue_id   INTEGER PRIMARY KEY,
  owner      TEXT    NOT NULL,
  taken_at   INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
