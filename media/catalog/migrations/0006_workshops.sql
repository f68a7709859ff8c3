-- Workshops: a facilitator runs a playlist in the room; participants vote
-- from their phones with a session's code. Votes and ideas are anonymous:
-- a device hash only stops double voting, and it goes with the session.
CREATE TABLE workshops (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,
    playlist_id INTEGER REFERENCES playlists (id) ON DELETE SET NULL,
    teams       TEXT    NOT NULL DEFAULT '[]',  -- JSON ["Logistique", …]: teams, never names
    code        TEXT    NOT NULL UNIQUE,
    join_url    TEXT    NOT NULL DEFAULT '',    -- as the facilitator's tablet reached the server
    state       TEXT    NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'live', 'ended')),
    items       TEXT    NOT NULL DEFAULT '[]',  -- JSON snapshot of the playlist at start
    idx         INTEGER NOT NULL DEFAULT -1,
    revealed    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL,
    started_at  TEXT    NOT NULL DEFAULT '',
    ended_at    TEXT    NOT NULL DEFAULT ''
);
CREATE TABLE workshop_votes (
    workshop_id INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    item        TEXT    NOT NULL,
    device_hash TEXT    NOT NULL,
    score       INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    actual      INTEGER CHECK (actual BETWEEN 0 AND 10), -- the customer's score, for the perception gap
    topic       TEXT    NOT NULL DEFAULT '',
    day         TEXT    NOT NULL,
    PRIMARY KEY (workshop_id, item, device_hash)
);
CREATE TABLE workshop_ideas (
    id          INTEGER PRIMARY KEY,
    workshop_id INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    item        TEXT    NOT NULL DEFAULT '',
    text        TEXT    NOT NULL,
    at          TEXT    NOT NULL
);
CREATE TABLE workshop_notes (
    id           INTEGER PRIMARY KEY,
    workshop_id  INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    text         TEXT    NOT NULL,
    item         TEXT    NOT NULL DEFAULT '',
    recording_id INTEGER REFERENCES recordings (id) ON DELETE SET NULL,
    clip_id      INTEGER REFERENCES clips (id) ON DELETE SET NULL,
    verbatim_id  INTEGER REFERENCES verbatims (id) ON DELETE SET NULL,
    at_ms        INTEGER NOT NULL DEFAULT 0,
    at           TEXT    NOT NULL
);
CREATE TABLE actions (
    id          INTEGER PRIMARY KEY,
    text        TEXT    NOT NULL,
    team        TEXT    NOT NULL DEFAULT '',
    due         TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    workshop_id INTEGER REFERENCES workshops (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL,
    closed_at   TEXT    NOT NULL DEFAULT ''
);
CREATE TABLE action_evidence (
    action_id    INTEGER NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    recording_id INTEGER REFERENCES recordings (id) ON DELETE CASCADE,
    clip_id      INTEGER REFERENCES clips (id) ON DELETE CASCADE,
    verbatim_id  INTEGER REFERENCES verbatims (id) ON DELETE CASCADE
);
-- Product reviews: when a product's feedback was last reviewed with its manager.
CREATE TABLE product_reviews (
    product     TEXT PRIMARY KEY,
    reviewed_on TEXT NOT NULL
);
