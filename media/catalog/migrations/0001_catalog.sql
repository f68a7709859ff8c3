-- The library: recordings with their transcripts, written verbatims, tags,
-- clips and playlists. Times are RFC 3339 UTC text; durations are milliseconds.
CREATE TABLE recordings (
    id             INTEGER PRIMARY KEY,
    sha256         TEXT    NOT NULL UNIQUE,
    title          TEXT    NOT NULL DEFAULT '',
    source_name    TEXT    NOT NULL DEFAULT '',
    path           TEXT    NOT NULL,            -- original, relative to the data dir
    rendition_path TEXT    NOT NULL DEFAULT '', -- anonymized copy the room plays; '' until approved
    format         TEXT    NOT NULL DEFAULT '',
    codec          TEXT    NOT NULL DEFAULT '',
    sample_rate    INTEGER NOT NULL DEFAULT 0,
    channels       INTEGER NOT NULL DEFAULT 0,
    duration_ms    INTEGER NOT NULL DEFAULT 0,
    loudness_lufs  REAL    NOT NULL DEFAULT -70,
    true_peak_dbtp REAL    NOT NULL DEFAULT -144,
    peaks          TEXT    NOT NULL DEFAULT '',  -- audiowaveform JSON v2
    status         TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    sentiment      TEXT    NOT NULL DEFAULT '',
    score          INTEGER,                      -- customer's own score 0..10, NULL when unknown
    topic          TEXT    NOT NULL DEFAULT '',
    channel        TEXT    NOT NULL DEFAULT '',
    call_date      TEXT    NOT NULL DEFAULT '',
    demo           INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT    NOT NULL,
    expires_at     TEXT    NOT NULL
);
CREATE INDEX recordings_status ON recordings (status);
CREATE INDEX recordings_expires ON recordings (expires_at);

CREATE TABLE cues (
    recording_id INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    idx          INTEGER NOT NULL,
    start_ms     INTEGER NOT NULL,
    end_ms       INTEGER NOT NULL,
    speaker      TEXT    NOT NULL DEFAULT '',
    text         TEXT    NOT NULL,
    PRIMARY KEY (recording_id, idx)
);

CREATE TABLE verbatims (
    id         INTEGER PRIMARY KEY,
    sha256     TEXT    NOT NULL UNIQUE,
    date       TEXT    NOT NULL DEFAULT '',
    channel    TEXT    NOT NULL DEFAULT '',
    topic      TEXT    NOT NULL DEFAULT '',
    score      INTEGER,
    sentiment  TEXT    NOT NULL DEFAULT '',
    text       TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    demo       INTEGER NOT NULL DEFAULT 0,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
CREATE INDEX verbatims_status ON verbatims (status);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE recording_tags (
    recording_id INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    tag_id       INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (recording_id, tag_id)
);

CREATE TABLE clips (
    id           INTEGER PRIMARY KEY,
    recording_id INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    title        TEXT    NOT NULL DEFAULT '',
    start_ms     INTEGER NOT NULL,
    end_ms       INTEGER NOT NULL,
    CHECK (end_ms > start_ms)
);

CREATE TABLE playlists (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE playlist_items (
    playlist_id  INTEGER NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
    pos          INTEGER NOT NULL,
    recording_id INTEGER REFERENCES recordings (id) ON DELETE CASCADE,
    clip_id      INTEGER REFERENCES clips (id) ON DELETE CASCADE,
    PRIMARY KEY (playlist_id, pos),
    CHECK ((recording_id IS NULL) != (clip_id IS NULL))
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'curator', 'facilitator')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);

-- Full-text search over what listeners may read: transcripts and verbatims.
CREATE VIRTUAL TABLE search_text USING fts5 (kind UNINDEXED, ref_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2');
