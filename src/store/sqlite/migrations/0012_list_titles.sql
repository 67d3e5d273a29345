-- Lists get a title, the name readers see ("Press releases") on public pages, in letters
-- and in List-Id's phrase. The short name stays the handle used on the command line, in
-- the API and in List-Id's id. An empty title means the list is shown by its name, so the
-- lists already here read as before.
ALTER TABLE lists ADD COLUMN title TEXT NOT NULL DEFAULT '';
