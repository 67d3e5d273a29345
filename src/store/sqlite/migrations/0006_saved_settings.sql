-- Settings saved through the API (PATCH /api/v1/settings): `section.key` and its value as
-- text, read at start-up over the configuration file (the environment still wins).
-- Secrets such as an SMTP password are stored here as given: the database is as private
-- as the configuration file.

CREATE TABLE saved_settings (
  name       TEXT    PRIMARY KEY,
  value      TEXT    NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
