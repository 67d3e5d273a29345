-- The day an issue's masthead shows, in its letters and in the archive: "YYYY-MM-DD", or
-- empty for the day its letters are made. Only the masthead: a letter's Date header is
-- always when it was sent.

ALTER TABLE issues ADD COLUMN edition_date TEXT NOT NULL DEFAULT '';
