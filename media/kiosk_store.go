package media

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"
)

// ErrInvalid is returned when a value the room sends is out of range (a guess
// of 11, an unknown reaction): the caller maps it to a 400, never to a stored row.
var ErrInvalid = errors.New("invalid value")

// Guess is one listener's guess of a customer's score. It holds no trace of
// who guessed: no user, address, session or exact time, only the day.
type Guess struct {
	RecordingID int64
	Topic       string
	Guess       int
	Actual      int
	Day         string // YYYY-MM-DD
}

// TopicGap is the room's perception gap for a topic: how far, on average,
// listeners' guesses were from the customers' real scores.
type TopicGap struct {
	Topic   string  `json:"topic"`
	Guesses int     `json:"guesses"`
	AvgGap  float64 `json:"avg_gap"`
}

// ReactionKinds are the reactions a listener can press while listening.
var ReactionKinds = []string{"touched", "idea", "unacceptable"}

// Reaction is one reaction pressed at a position in a call, anonymously.
type Reaction struct {
	RecordingID int64
	Kind        string
	PositionMS  int64
	Day         string
}

// ProgrammeEntry says which playlist the room's home screen shows on a
// weekday (0 = Sunday, -1 = every day) between two times of day, in minutes
// since local midnight (EndMin < StartMin wraps past midnight).
type ProgrammeEntry struct {
	ID         int64 `json:"id"`
	Weekday    int   `json:"weekday"`
	StartMin   int   `json:"start_min"`
	EndMin     int   `json:"end_min"`
	PlaylistID int64 `json:"playlist_id"`
}

// Validate checks the ranges the table's constraints also enforce, so callers
// get a sentence rather than a constraint name.
func (e ProgrammeEntry) Validate() error {
	switch {
	case e.Weekday < -1 || e.Weekday > 6:
		return fmt.Errorf("weekday %d: want 0 (Sunday) to 6, or -1 for every day: %w", e.Weekday, ErrInvalid)
	case e.StartMin < 0 || e.StartMin > 1439:
		return fmt.Errorf("start_min %d: want 0 to 1439: %w", e.StartMin, ErrInvalid)
	case e.EndMin < 1 || e.EndMin > 1440:
		return fmt.Errorf("end_min %d: want 1 to 1440: %w", e.EndMin, ErrInvalid)
	case e.EndMin == e.StartMin:
		return fmt.Errorf("empty time range: %w", ErrInvalid)
	case e.PlaylistID <= 0:
		return fmt.Errorf("playlist_id must be positive: %w", ErrInvalid)
	}
	return nil
}

// Device is a paired device allowed to control the room.
type Device struct {
	ID       int64     `json:"id"`
	Label    string    `json:"label"`
	PairedAt time.Time `json:"paired_at"`
}

func validDay(day string) bool {
	_, err := time.Parse("2006-01-02", day)
	return err == nil
}

// AddGuess stores a guess and returns the topic's perception gap including
// it, in one transaction so the figure shown matches what is stored.
func (c *Catalog) AddGuess(ctx context.Context, g Guess) (TopicGap, error) {
	if g.Guess < 0 || g.Guess > 10 || g.Actual < 0 || g.Actual > 10 {
		return TopicGap{}, fmt.Errorf("guess %d, score %d: want 0 to 10: %w", g.Guess, g.Actual, ErrInvalid)
	}
	if !validDay(g.Day) || g.RecordingID <= 0 {
		return TopicGap{}, fmt.Errorf("guess needs a recording and a day: %w", ErrInvalid)
	}
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return TopicGap{}, err
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO kiosk_guesses (recording_id, topic, guess, actual, day) VALUES (?,?,?,?,?)`,
		g.RecordingID, g.Topic, g.Guess, g.Actual, g.Day)
	if isForeignKey(err) {
		return TopicGap{}, fmt.Errorf("recording %d: %w", g.RecordingID, ErrNotFound)
	}
	if err != nil {
		return TopicGap{}, err
	}
	gap, err := topicGap(ctx, tx, g.Topic)
	if err != nil {
		return TopicGap{}, err
	}
	return gap, tx.Commit()
}

type queryer interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func topicGap(ctx context.Context, q queryer, topic string) (TopicGap, error) {
	g := TopicGap{Topic: topic}
	var avg sql.NullFloat64
	err := q.QueryRowContext(ctx, `SELECT count(*), avg(abs(guess - actual)) FROM kiosk_guesses
		WHERE topic = ? AND guess BETWEEN 0 AND 10 AND actual BETWEEN 0 AND 10`, topic).Scan(&g.Guesses, &avg)
	g.AvgGap = avg.Float64
	return g, err
}

// GapForTopic is the room's perception gap for a topic (zero guesses if none yet).
func (c *Catalog) GapForTopic(ctx context.Context, topic string) (TopicGap, error) {
	return topicGap(ctx, c.read, topic)
}

// AddReaction stores a reaction at a position in a call.
func (c *Catalog) AddReaction(ctx context.Context, r Reaction) error {
	known := false
	for _, k := range ReactionKinds {
		known = known || k == r.Kind
	}
	if !known {
		return fmt.Errorf("reaction %q: want touched, idea or unacceptable: %w", r.Kind, ErrInvalid)
	}
	if r.PositionMS < 0 || r.RecordingID <= 0 || !validDay(r.Day) {
		return fmt.Errorf("reaction needs a recording, a position >= 0 and a day: %w", ErrInvalid)
	}
	_, err := c.write.ExecContext(ctx, `INSERT INTO kiosk_reactions (recording_id, kind, position_ms, day) VALUES (?,?,?,?)`,
		r.RecordingID, r.Kind, r.PositionMS, r.Day)
	if isForeignKey(err) {
		return fmt.Errorf("recording %d: %w", r.RecordingID, ErrNotFound)
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
func (c *Catalog) Programme(ctx context.Context) ([]ProgrammeEntry, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT id, weekday, start_min, end_min, playlist_id FROM kiosk_programme ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ProgrammeEntry{}
	for rows.Next() {
		var e ProgrammeEntry
		if err := rows.Scan(&e.ID, &e.Weekday, &e.StartMin, &e.EndMin, &e.PlaylistID); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddProgrammeEntry schedules a playlist and returns the entry's id.
func (c *Catalog) AddProgrammeEntry(ctx context.Context, e ProgrammeEntry) (int64, error) {
	if err := e.Validate(); err != nil {
		return 0, err
	}
	res, err := c.write.ExecContext(ctx, `INSERT INTO kiosk_programme (weekday, start_min, end_min, playlist_id, created_at) VALUES (?,?,?,?,?)`,
		e.Weekday, e.StartMin, e.EndMin, e.PlaylistID, formatTime(c.Now()))
	if isForeignKey(err) {
		return 0, fmt.Errorf("playlist %d: %w", e.PlaylistID, ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// DeleteProgrammeEntry removes a programme entry, or returns ErrNotFound.
func (c *Catalog) DeleteProgrammeEntry(ctx context.Context, id int64) error {
	res, err := c.write.ExecContext(ctx, `DELETE FROM kiosk_programme WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("programme entry %d: %w", id, ErrNotFound)
	}
	return nil
}

// HashSecret is how pairing tokens and device secrets are stored: only their
// SHA-256, so a copy of the database cannot pair a device.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// CreatePairing records a one-time pairing token (hashed) valid for ttl.
func (c *Catalog) CreatePairing(ctx context.Context, token, label string, ttl time.Duration) error {
	if len(token) < 16 {
		return fmt.Errorf("pairing token too short: %w", ErrInvalid)
	}
	now := c.Now()
	_, err := c.write.ExecContext(ctx, `INSERT INTO kiosk_pairings (token_hash, label, created_at, expires_at) VALUES (?,?,?,?)`,
		HashSecret(token), label, formatTime(now), formatTime(now.Add(ttl)))
	return err
}

// RedeemPairing spends a pairing token once, before it expires, and registers
// the device secret (hashed). An unknown, used or expired token is ErrNotFound.
func (c *Catalog) RedeemPairing(ctx context.Context, token, deviceSecret string) (Device, error) {
	if len(deviceSecret) < 16 {
		return Device{}, fmt.Errorf("device secret too short: %w", ErrInvalid)
	}
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return Device{}, err
	}
	defer tx.Rollback()
	var label, expires string
	var used sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT label, expires_at, used_at FROM kiosk_pairings WHERE token_hash = ?`, HashSecret(token)).Scan(&label, &expires, &used)
	now := c.Now()
	if errors.Is(err, sql.ErrNoRows) || err == nil && (used.Valid || !now.Before(parseTime(expires))) {
		return Device{}, fmt.Errorf("pairing code unknown, already used or expired: %w", ErrNotFound)
	}
	if err != nil {
		return Device{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE kiosk_pairings SET used_at = ? WHERE token_hash = ?`, formatTime(now), HashSecret(token)); err != nil {
		return Device{}, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO kiosk_devices (secret_hash, label, paired_at) VALUES (?,?,?)`, HashSecret(deviceSecret), label, formatTime(now))
	if err != nil {
		return Device{}, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Device{}, err
	}
	return Device{ID: id, Label: label, PairedAt: parseTime(formatTime(now))}, tx.Commit()
}

// DeviceBySecret finds the paired device holding secret, or ErrNotFound.
func (c *Catalog) DeviceBySecret(ctx context.Context, secret string) (Device, error) {
	var (
		d  Device
		at string
	)
	err := c.read.QueryRowContext(ctx, `SELECT id, label, paired_at FROM kiosk_devices WHERE secret_hash = ?`, HashSecret(secret)).Scan(&d.ID, &d.Label, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("device: %w", ErrNotFound)
	}
	d.PairedAt = parseTime(at)
	return d, err
}

// Devices lists the paired devices.
func (c *Catalog) Devices(ctx context.Context) ([]Device, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT id, label, paired_at FROM kiosk_devices ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Device{}
	for rows.Next() {
		var (
			d  Device
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

// RevokeDevice unpairs a device, or returns ErrNotFound.
func (c *Catalog) RevokeDevice(ctx context.Context, id int64) error {
	res, err := c.write.ExecContext(ctx, `DELETE FROM kiosk_devices WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("device %d: %w", id, ErrNotFound)
	}
	return nil
}

func isForeignKey(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey
}
