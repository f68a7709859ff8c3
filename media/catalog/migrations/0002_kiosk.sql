-- The listening station: what the room learns from listeners, and what it shows when.
-- Listeners stay anonymous: no table here has a column for who, an address, a
-- session, a device or a browser. Times are coarsened to the day.

-- A listener's guess of the customer's score, made before the reveal.
-- topic and actual are copied so the perception gap survives the recording's purge.
CREATE TABLE kiosk_guesses (
    id           INTEGER PRIMARY KEY,
    recording_id INTEGER REFERENCES recordings (id) ON DELETE SET NULL,
    topic        TEXT    NOT NULL DEFAULT '',
    guess        INTEGER NOT NULL CHECK (guess BETWEEN 0 AND 10),
    actual       INTEGER NOT NULL CHECK (actual BETWEEN 0 AND 10),
    day          TEXT    NOT NULL CHECK (length(day) = 10) -- YYYY-MM-DD, local time
);
CREATE INDEX kiosk_guesses_topic ON kiosk_guesses (topic);

-- A reaction pressed while listening, at a position in the call.
CREATE TABLE kiosk_reactions (
    id           INTEGER PRIMARY KEY,
    recording_id INTEGER REFERENCES recordings (id) ON DELETE SET NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('touched', 'idea', 'unacceptable')),
    position_ms  INTEGER NOT NULL CHECK (position_ms >= 0),
    day          TEXT    NOT NULL CHECK (length(day) = 10)
);
CREATE INDEX kiosk_reactions_recording ON kiosk_reactions (recording_id);

-- The programme: which playlist the home screen shows on which weekday and
-- hours. weekday 0 = Sunday .. 6 = Saturday, -1 = every day. Minutes since
-- local midnight; end < start wraps past midnight.
CREATE TABLE kiosk_programme (
    id          INTEGER PRIMARY KEY,
    weekday     INTEGER NOT NULL CHECK (weekday BETWEEN -1 AND 6),
    start_min   INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min     INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    playlist_id INTEGER NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
    created_at  TEXT    NOT NULL,
    CHECK (end_min != start_min)
);

-- Pairing: a curator creates a one-time token; a device that presents it gets
-- a device secret in an HttpOnly cookie. Only SHA-256 hashes are stored.
CREATE TABLE kiosk_pairings (
    token_hash TEXT PRIMARY KEY,
    label      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE TABLE kiosk_devices (
    id          INTEGER PRIMARY KEY,
    secret_hash TEXT NOT NULL UNIQUE,
    label       TEXT NOT NULL DEFAULT '',
    paired_at   TEXT NOT NULL
);
