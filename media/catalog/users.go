package catalog

import (
	"context"
	"crypto/rand"
	"customerroom/media"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
	"golang.org/x/crypto/bcrypt"
)

// AddUser creates a user with a bcrypt-hashed password.
func (c *Catalog) AddUser(ctx context.Context, name, role, password string) error {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 {
		return media.Errorf(media.EInvalid, "user name must be 1 to 64 characters")
	}
	if err := validRole(role); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	_, err = c.write.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)`, name, role, string(hash), formatTime(c.now()))
	var se sqlite3.Error
	if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique {
		return media.Errorf(media.EConflict, "user %q already exists", name)
	}
	return err
}

// errBadCredentials is returned for an unknown user or a wrong password,
// without saying which.
var errBadCredentials = media.Errorf(media.EUnauthorized, "wrong user name or password")

// dummyHash is compared against when the user does not exist, so a login for
// an unknown name takes as long as one with a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("customer-room-dummy"), bcrypt.DefaultCost)

// Authenticate checks a user's password; a wrong one is an unauthorized error.
func (c *Catalog) Authenticate(ctx context.Context, name, password string) (media.User, error) {
	var (
		u    media.User
		hash string
	)
	err := c.read.QueryRowContext(ctx, `SELECT id, name, role, password_hash FROM users WHERE name = ? AND disabled = 0`, name).Scan(&u.ID, &u.Name, &u.Role, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return media.User{}, errBadCredentials
	}
	if err != nil {
		return media.User{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return media.User{}, errBadCredentials
	}
	return u, nil
}

// CreateSession starts a session for a user and returns its secret token.
func (c *Catalog) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	now := c.now()
	_, err := c.write.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		hashSecret(token), userID, formatTime(now), formatTime(now.Add(ttl)))
	if err != nil {
		return "", err
	}
	// Expired sessions are swept on the way.
	_, err = c.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, formatTime(now))
	return token, err
}

// SessionUser returns the user of a live session, or a not_found error.
func (c *Catalog) SessionUser(ctx context.Context, token string) (media.User, error) {
	var u media.User
	err := c.read.QueryRowContext(ctx, `SELECT u.id, u.name, u.role FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0`, hashSecret(token), formatTime(c.now())).Scan(&u.ID, &u.Name, &u.Role)
	if errors.Is(err, sql.ErrNoRows) {
		return u, media.Errorf(media.ENotFound, "session")
	}
	return u, err
}

// DeleteSession ends a session (logout).
func (c *Catalog) DeleteSession(ctx context.Context, token string) error {
	_, err := c.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashSecret(token))
	return err
}

// Audit records a curation action: who did what, for the audit log.
func (c *Catalog) Audit(ctx context.Context, actor, action, detail string) error {
	_, err := c.write.ExecContext(ctx, `INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)`, formatTime(c.now()), actor, action, detail)
	return err
}

func validRole(role string) error {
	for _, r := range media.Roles {
		if r == role {
			return nil
		}
	}
	return media.Errorf(media.EInvalid, "role %q: want admin, curator or facilitator", role)
}

func hashPassword(password string) ([]byte, error) {
	switch {
	case len(password) < 8:
		return nil, media.Errorf(media.EInvalid, "password must be at least 8 characters")
	case len(password) > 72:
		return nil, media.Errorf(media.EInvalid, "password must be at most 72 bytes")
	}
	return bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
}

// Users lists every account.
func (c *Catalog) Users(ctx context.Context) ([]media.User, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT id, name, role, disabled FROM users ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.User{}
	for rows.Next() {
		var u media.User
		if err := rows.Scan(&u.ID, &u.Name, &u.Role, &u.Disabled); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ChangeUser changes an account's role, disables or enables it, or resets
// its password. Disabling or a new password ends the account's sessions.
// The last enabled admin cannot be demoted or disabled.
func (c *Catalog) ChangeUser(ctx context.Context, actor string, id int64, ch media.UserChange) (media.User, error) {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return media.User{}, err
	}
	defer tx.Rollback()
	var u media.User
	err = tx.QueryRowContext(ctx, `SELECT id, name, role, disabled FROM users WHERE id = ?`, id).Scan(&u.ID, &u.Name, &u.Role, &u.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return u, media.Errorf(media.ENotFound, "user %d", id)
	}
	if err != nil {
		return u, err
	}
	before := fmt.Sprintf("role=%s disabled=%v", u.Role, u.Disabled)
	endSessions := false
	if ch.Role != nil {
		if err := validRole(*ch.Role); err != nil {
			return u, err
		}
		u.Role = *ch.Role
	}
	if ch.Disabled != nil {
		u.Disabled, endSessions = *ch.Disabled, endSessions || *ch.Disabled
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, disabled = ? WHERE id = ?`, u.Role, u.Disabled, id); err != nil {
		return u, err
	}
	var admins int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0`).Scan(&admins); err != nil {
		return u, err
	}
	if admins == 0 {
		return u, media.Errorf(media.EConflict, "%s is the last admin: make another admin first", u.Name)
	}
	if ch.Password != nil {
		hash, err := hashPassword(*ch.Password)
		if err != nil {
			return u, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, string(hash), id); err != nil {
			return u, err
		}
		endSessions = true
	}
	if endSessions {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return u, err
		}
	}
	after := fmt.Sprintf("role=%s disabled=%v password-reset=%v", u.Role, u.Disabled, ch.Password != nil)
	if err := audit(ctx, tx, c.now(), actor, "user", u.Name, before, after); err != nil {
		return u, err
	}
	return u, tx.Commit()
}
