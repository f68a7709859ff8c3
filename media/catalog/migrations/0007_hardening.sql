-- Hardening: a recording whose file is gone is kept (its row, transcript and
-- review say what it was) but marked unavailable with the reason, so the room
-- skips it and curators see why; `check --repair`, restore and the player set it.
ALTER TABLE recordings ADD COLUMN unavailable TEXT NOT NULL DEFAULT '';

-- Purged text must not stay in the search index: with FTS5's secure-delete
-- option a deleted row's terms leave the index at once instead of lingering
-- in old segments until a merge (SQLite 3.42+).
INSERT INTO search_text (search_text, rank) VALUES ('secure-delete', 1);
