-- One row that /api/health writes, so a full disk or a read-only database
-- shows in the health report instead of as a 500 on the next import.
CREATE TABLE health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TEXT NOT NULL
);
INSERT INTO health (id, at) VALUES (1, '');
