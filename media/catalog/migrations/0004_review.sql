-- Review and anonymization: what the detector found, what the curator hides,
-- and what the room is shown instead of the original text.
ALTER TABLE recordings ADD COLUMN redactions TEXT NOT NULL DEFAULT '[]';   -- JSON [{start_ms,end_ms}]: audio the rendition hides
ALTER TABLE recordings ADD COLUMN render_state TEXT NOT NULL DEFAULT 'none'; -- none|queued|rendering|done|failed
ALTER TABLE recordings ADD COLUMN render_progress REAL NOT NULL DEFAULT 0;
ALTER TABLE recordings ADD COLUMN render_error TEXT NOT NULL DEFAULT '';
ALTER TABLE recordings ADD COLUMN review_note TEXT NOT NULL DEFAULT '';    -- why it was rejected
ALTER TABLE recordings ADD COLUMN approved_at TEXT NOT NULL DEFAULT '';
ALTER TABLE recordings ADD COLUMN original_deleted INTEGER NOT NULL DEFAULT 0;

-- masked is what the room reads; NULL means "not checked yet", which the room
-- never reads (the original text never leaves for the room).
ALTER TABLE cues ADD COLUMN masked TEXT;
ALTER TABLE cues ADD COLUMN findings TEXT NOT NULL DEFAULT '[]';           -- JSON [{kind,start,end,text}]
ALTER TABLE cues ADD COLUMN words TEXT NOT NULL DEFAULT '[]';              -- JSON [{start_ms,end_ms,start,end}]
ALTER TABLE verbatims ADD COLUMN masked TEXT;
ALTER TABLE verbatims ADD COLUMN findings TEXT NOT NULL DEFAULT '[]';
ALTER TABLE verbatims ADD COLUMN review_note TEXT NOT NULL DEFAULT '';

ALTER TABLE audit ADD COLUMN before TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN after TEXT NOT NULL DEFAULT '';

-- The synthetic demo holds no personal data and was approved as it is.
UPDATE cues SET masked = text WHERE recording_id IN (SELECT id FROM recordings WHERE demo = 1);
UPDATE verbatims SET masked = text WHERE demo = 1;
UPDATE recordings SET render_state = 'done' WHERE rendition_path != '';
-- The search index held original text; from now on it holds masked text only,
-- written when an item is checked. Drop what was indexed from unchecked items.
DELETE FROM search_text WHERE (kind = 'recording' AND ref_id IN (SELECT id FROM recordings WHERE demo = 0))
    OR (kind = 'verbatim' AND ref_id IN (SELECT id FROM verbatims WHERE demo = 0));
