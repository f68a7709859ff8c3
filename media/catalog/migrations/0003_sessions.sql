-- Logged-in sessions of curators, facilitators and admins. Only a hash of
-- the session token is stored, so a copy of the database cannot log anyone in.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
