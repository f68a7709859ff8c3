-- Closed hours: a programme entry may mark the room closed (the screen dims to
-- a clock and no sound plays) instead of naming a playlist. SQLite cannot
-- relax a NOT NULL column in place, so the table is rebuilt: a closed entry
-- has no playlist, an open one has exactly one. Nothing references this
-- table, so dropping the old one is safe with foreign keys on.
CREATE TABLE kiosk_programme_new (
    id          INTEGER PRIMARY KEY,
    weekday     INTEGER NOT NULL CHECK (weekday BETWEEN -1 AND 6),
    start_min   INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min     INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    playlist_id INTEGER REFERENCES playlists (id) ON DELETE CASCADE,
    closed      INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
    created_at  TEXT    NOT NULL,
    CHECK (end_min != start_min),
    CHECK ((closed = 1) = (playlist_id IS NULL))
);
INSERT INTO kiosk_programme_new (id, weekday, start_min, end_min, playlist_id, closed, created_at)
    SELECT id, weekday, start_min, end_min, playlist_id, 0, created_at FROM kiosk_programme;
DROP TABLE kiosk_programme;
ALTER TABLE kiosk_programme_new RENAME TO kiosk_programme;
