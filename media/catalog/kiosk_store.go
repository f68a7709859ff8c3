package catalog

import (
	"context"
	"crypto/sha256"
	"customerroom/media"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"github.com/mattn/go-sqlite3"
)

// AddGuess stores a guess and returns the topic's perception gap including
// it, in one transaction so the figure shown matches what is stored.
func (c *Catalog) AddGuess(ctx context.Context, g media.Guess) (media.TopicGap, error) {
	if g.Guess < 0 || g.Guess > 10 || g.Actual < 0 || g.Actual > 10 {
		return media.TopicGap{}, media.Errorf(media.EInvalid, "guess %d, score %d: want 0 to 10", g.Guess, g.Actual)
	}
	if !media.ValidDay(g.Day) || g.RecordingID <= 0 {
		return media.TopicGap{}, media.Errorf(media.EInvalid, "guess needs a recording and a day")
	}
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return media.TopicGap{}, err
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO kiosk_guesses (recording_id, topic, guess, actual, day) VALUES (?,?,?,?,?)`,
		g.RecordingID, g.Topic, g.Guess, g.Actual, g.Day)
	if isForeignKey(err) {
		return media.TopicGap{}, media.Errorf(media.ENotFound, "recording %d", g.RecordingID)
	}
	if err != nil {
		return media.TopicGap{}, err
	}
	gap, err := topicGap(ctx, tx, g.Topic)
	if err != nil {
		return media.TopicGap{}, err
	}
	return gap, tx.Commit()
}

type queryer interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func topicGap(ctx context.Context, q queryer, topic string) (media.TopicGap, error) {
	g := media.TopicGap{Topic: topic}
	var avg sql.NullFloat64
	err := q.QueryRowContext(ctx, `SELECT count(*), avg(abs(guess - actual)) FROM kiosk_guesses
		WHERE topic = ? AND guess BETWEEN 0 AND 10 AND actual BETWEEN 0 AND 10`, topic).Scan(&g.Guesses, &avg)
	g.AvgGap = avg.Float64
	return g, err
}

// GapForTopic is the room's perception gap for a topic (zero guesses if none yet).
func (c *Catalog) GapForTopic(ctx context.Context, topic string) (media.TopicGap, error) {
	return topicGap(ctx, c.read, topic)
}

// AddReaction stores a reaction at a position in a call.
func (c *Catalog) AddReaction(ctx context.Context, r media.Reaction) error {
	known := false
	for _, k := range media.ReactionKinds {
		known = known || k == r.Kind
	}
	if !known {
		return media.Errorf(media.EInvalid, "reaction %q: want touched, idea or unacceptable", r.Kind)
	}
	if r.PositionMS < 0 || r.RecordingID <= 0 || !media.ValidDay(r.Day) {
		return media.Errorf(media.EInvalid, "reaction needs a recording, a position >= 0 and a day")
	}
	_, err := c.write.ExecContext(ctx, `INSERT INTO kiosk_reactions (recording_id, kind, position_ms, day) VALUES (?,?,?,?)`,
		r.RecordingID, r.Kind, r.PositionMS, r.Day)
	if isForeignKey(err) {
		return media.Errorf(media.ENotFound, "recording %d", r.RecordingID)
	}
	return err
}

// ReactionCounts counts a recording's reactions by kind, for curators.
func (c *Catalog) ReactionCounts(ctx context.Context, recordingID int64) (map[string]int, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT kind, count(*) FROM kiosk_reactions WHERE recording_id = ? GROUP BY kind`, recordingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			k string
			n int
		)
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// Programme lists the programme entries in the order they were added.
func (c *Catalog) Programme(ctx context.Context) ([]media.ProgrammeEntry, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT id, weekday, start_min, end_min, coalesce(playlist_id, 0), closed FROM kiosk_programme ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.ProgrammeEntry{}
	for rows.Next() {
		var e media.ProgrammeEntry
		if err := rows.Scan(&e.ID, &e.Weekday, &e.StartMin, &e.EndMin, &e.PlaylistID, &e.Closed); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddProgrammeEntry schedules a playlist and returns the entry's id.
func (c *Catalog) AddProgrammeEntry(ctx context.Context, e media.ProgrammeEntry) (int64, error) {
	if err := e.Validate(); err != nil {
		return 0, err
	}
	res, err := c.write.ExecContext(ctx, insertProgrammeSQL, programmeArgs(e, formatTime(c.now()))...)
	if isForeignKey(err) {
		return 0, media.Errorf(media.ENotFound, "playlist %d", e.PlaylistID)
	}
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

const insertProgrammeSQL = `INSERT INTO kiosk_programme (weekday, start_min, end_min, playlist_id, closed, created_at) VALUES (?,?,?,?,?,?)`

// programmeArgs are an entry's columns: a closed slot stores no playlist
// (NULL, which the foreign key lets through).
func programmeArgs(e media.ProgrammeEntry, createdAt string) []any {
	var playlist any = e.PlaylistID
	if e.Closed {
		playlist = nil
	}
	return []any{e.Weekday, e.StartMin, e.EndMin, playlist, e.Closed, createdAt}
}

// DeleteProgrammeEntry removes a programme entry, or a not_found error.
func (c *Catalog) DeleteProgrammeEntry(ctx context.Context, id int64) error {
	res, err := c.write.ExecContext(ctx, `DELETE FROM kiosk_programme WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return media.Errorf(media.ENotFound, "programme entry %d", id)
	}
	return nil
}

// hashSecret is how login sessions, pairing tokens and device secrets are
// stored: only their SHA-256, so a copy of the database can neither log in
// nor pair a device.
func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// CreatePairing records a one-time pairing token (hashed) valid for ttl.
func (c *Catalog) CreatePairing(ctx context.Context, token, label string, ttl time.Duration) error {
	if len(token) < 8 {
		return media.Errorf(media.EInvalid, "pairing code too short")
	}
	now := c.now()
	_, err := c.write.ExecContext(ctx, `INSERT INTO kiosk_pairings (token_hash, label, created_at, expires_at) VALUES (?,?,?,?)`,
		hashSecret(token), label, formatTime(now), formatTime(now.Add(ttl)))
	return err
}

// RedeemPairing spends a pairing token once, before it expires, and registers
// the device secret (hashed). An unknown, used or expired token is ErrNotFound.
func (c *Catalog) RedeemPairing(ctx context.Context, token, deviceSecret string) (media.Device, error) {
	if len(deviceSecret) < 16 {
		return media.Device{}, media.Errorf(media.EInvalid, "device secret too short")
	}
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return media.Device{}, err
	}
	defer tx.Rollback()
	var label, expires string
	var used sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT label, expires_at, used_at FROM kiosk_pairings WHERE token_hash = ?`, hashSecret(token)).Scan(&label, &expires, &used)
	now := c.now()
	if errors.Is(err, sql.ErrNoRows) || err == nil && (used.Valid || !now.Before(parseTime(expires))) {
		return media.Device{}, media.Errorf(media.ENotFound, "pairing code unknown, already used or expired")
	}
	if err != nil {
		return media.Device{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE kiosk_pairings SET used_at = ? WHERE token_hash = ?`, formatTime(now), hashSecret(token)); err != nil {
		return media.Device{}, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO kiosk_devices (secret_hash, label, paired_at) VALUES (?,?,?)`, hashSecret(deviceSecret), label, formatTime(now))
	if err != nil {
		return media.Device{}, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return media.Device{}, err
	}
	return media.Device{ID: id, Label: label, PairedAt: parseTime(formatTime(now))}, tx.Commit()
}

// DeviceBySecret finds the paired device holding secret, or a not_found error.
func (c *Catalog) DeviceBySecret(ctx context.Context, secret string) (media.Device, error) {
	var (
		d  media.Device
		at string
	)
	err := c.read.QueryRowContext(ctx, `SELECT id, label, paired_at FROM kiosk_devices WHERE secret_hash = ?`, hashSecret(secret)).Scan(&d.ID, &d.Label, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return d, media.Errorf(media.ENotFound, "device")
	}
	d.PairedAt = parseTime(at)
	return d, err
}

// Devices lists the paired devices.
func (c *Catalog) Devices(ctx context.Context) ([]media.Device, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT id, label, paired_at FROM kiosk_devices ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.Device{}
	for rows.Next() {
		var (
			d  media.Device
			at string
		)
		if err := rows.Scan(&d.ID, &d.Label, &at); err != nil {
			return nil, err
		}
		d.PairedAt = parseTime(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// RevokeDevice unpairs a device, or a not_found error.
func (c *Catalog) RevokeDevice(ctx context.Context, id int64) error {
	res, err := c.write.ExecContext(ctx, `DELETE FROM kiosk_devices WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return media.Errorf(media.ENotFound, "device %d", id)
	}
	return nil
}

func isForeignKey(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey
}

// ReplaceProgramme replaces the whole programme at once (the studio's week
// grid saves it whole), audited; every entry is checked first.
func (c *Catalog) ReplaceProgramme(ctx context.Context, actor string, es []media.ProgrammeEntry) ([]media.ProgrammeEntry, error) {
	if len(es) > 500 {
		return nil, media.Errorf(media.EInvalid, "a programme holds at most 500 entries")
	}
	for i, e := range es {
		if err := e.Validate(); err != nil {
			return nil, media.Errorf(media.EInvalid, "entry %d: %v", i+1, err)
		}
	}
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM kiosk_programme`); err != nil {
		return nil, err
	}
	now := formatTime(c.now())
	for i, e := range es {
		_, err := tx.ExecContext(ctx, insertProgrammeSQL, programmeArgs(e, now)...)
		if isForeignKey(err) {
			return nil, media.Errorf(media.ENotFound, "entry %d: playlist %d", i+1, e.PlaylistID)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := audit(ctx, tx, c.now(), actor, "programme", "", "", toJSON(es)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return c.Programme(ctx)
}
