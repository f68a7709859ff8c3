-- Curation: products, tag presets, clips with tags, playlists that mix calls,
-- clips and verbatims or follow a rule, plays for "what resonates", user
-- accounts that can be disabled, and a search index that finds a cue.

ALTER TABLE recordings ADD COLUMN product TEXT NOT NULL DEFAULT '';
ALTER TABLE verbatims ADD COLUMN product TEXT NOT NULL DEFAULT '';
CREATE INDEX recordings_topic ON recordings (topic);
CREATE INDEX recordings_created ON recordings (created_at);
CREATE INDEX verbatims_date ON verbatims (date);

-- Tags: free ones, and presets (the five service attitudes, the four loyalty
-- levers) a company can rename or switch off. name is the stable key.
ALTER TABLE tags ADD COLUMN kind TEXT NOT NULL DEFAULT 'free' CHECK (kind IN ('free', 'attitude', 'lever'));
ALTER TABLE tags ADD COLUMN label_fr TEXT NOT NULL DEFAULT '';
ALTER TABLE tags ADD COLUMN label_en TEXT NOT NULL DEFAULT '';
ALTER TABLE tags ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
INSERT INTO tags (name, kind, label_fr, label_en) VALUES
    ('personnaliser', 'attitude', 'Personnaliser', 'Personalise'),
    ('valoriser', 'attitude', 'Valoriser', 'Make the customer feel valued'),
    ('porter-attention', 'attitude', 'Porter attention', 'Pay attention'),
    ('sens-du-detail', 'attitude', 'Avoir le sens du détail', 'Mind the details'),
    ('oser', 'attitude', 'Oser', 'Dare'),
    ('faire-bonne-figure', 'lever', 'Faire bonne figure — silence sur ce qui se passe en cuisine', 'Keep a good face — no talk of what happens in the kitchen'),
    ('chose-promise', 'lever', 'Chose promise, chose due', 'A promise made is a promise kept'),
    ('satisfaction-objectif', 'lever', 'La satisfaction du client comme objectif de chaque décision', 'Customer satisfaction as the aim of every decision'),
    ('ni-herisson-ni-paillasson', 'lever', 'Ni hérisson ni paillasson — exceptions et limites aux règles', 'Neither hedgehog nor doormat — exceptions and limits to the rules')
    ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, label_fr = excluded.label_fr, label_en = excluded.label_en;

ALTER TABLE clips ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
CREATE TABLE clip_tags (
    clip_id INTEGER NOT NULL REFERENCES clips (id) ON DELETE CASCADE,
    tag_id  INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (clip_id, tag_id)
);

-- Playlists: manual items (a recording, a clip or a verbatim), or a rule
-- (JSON) evaluated each time the playlist is played.
ALTER TABLE playlists ADD COLUMN rule TEXT;
ALTER TABLE playlists ADD COLUMN verbatim_seconds INTEGER NOT NULL DEFAULT 20;
CREATE TABLE playlist_items_new (
    playlist_id  INTEGER NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
    pos          INTEGER NOT NULL,
    recording_id INTEGER REFERENCES recordings (id) ON DELETE CASCADE,
    clip_id      INTEGER REFERENCES clips (id) ON DELETE CASCADE,
    verbatim_id  INTEGER REFERENCES verbatims (id) ON DELETE CASCADE,
    PRIMARY KEY (playlist_id, pos),
    CHECK ((recording_id IS NOT NULL) + (clip_id IS NOT NULL) + (verbatim_id IS NOT NULL) = 1)
);
INSERT INTO playlist_items_new (playlist_id, pos, recording_id, clip_id) SELECT playlist_id, pos, recording_id, clip_id FROM playlist_items;
DROP TABLE playlist_items;
ALTER TABLE playlist_items_new RENAME TO playlist_items;

-- Plays, for "what resonates": counted per item and day, never per listener.
CREATE TABLE plays (
    recording_id INTEGER REFERENCES recordings (id) ON DELETE CASCADE,
    clip_id      INTEGER REFERENCES clips (id) ON DELETE CASCADE,
    day          TEXT    NOT NULL CHECK (length(day) = 10),
    completed    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX plays_recording ON plays (recording_id);

ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

-- The search index finds a recording by title, topic, product and tags, a cue
-- (with its time, to jump to it) and a verbatim, all from masked text only.
DROP TABLE search_text;
CREATE VIRTUAL TABLE search_text USING fts5 (kind UNINDEXED, ref_id UNINDEXED, start_ms UNINDEXED, body,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');
INSERT INTO search_text (kind, ref_id, start_ms, body)
    SELECT 'recording', id, 0, title || ' ' || topic || ' ' || product FROM recordings;
INSERT INTO search_text (kind, ref_id, start_ms, body)
    SELECT 'cue', recording_id, start_ms, masked FROM cues WHERE masked IS NOT NULL AND masked != '';
INSERT INTO search_text (kind, ref_id, start_ms, body)
    SELECT 'verbatim', id, 0, topic || ' ' || masked FROM verbatims WHERE masked IS NOT NULL;
