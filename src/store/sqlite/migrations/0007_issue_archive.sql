-- Whether an issue may appear in the public archive (/archive, its page and the Atom
-- feed). On by default; an editor turns it off to keep one issue out. An issue is only
-- published when this is on and every list it went to is public as well.

ALTER TABLE issues ADD COLUMN archive INTEGER NOT NULL DEFAULT 1;
