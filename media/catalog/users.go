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
		return errors.New("user name must be 1 to 64 characters")
	}
	ok := false
	for _, r := range media.Roles {
		ok = ok || r == role
	}
	if !ok {
		return fmt.Errorf("role %q: want admin, curator or facilitator", role)
	}
	if len(password) < 8 {
		return errors.New("password must be at least 8 characters")
	}
	if len(password) > 72 {
		return errors.New("password must be at most 72 bytes")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	_, err = c.write.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)`, name, role, string(hash), formatTime(c.now()))
	var se sqlite3.Error
	if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique {
		return fmt.Errorf("user %q already exists", name)
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
	err := c.read.QueryRowContext(ctx, `SELECT id, name, role, password_hash FROM users WHERE name = ?`, name).Scan(&u.ID, &u.Name, &u.Role, &hash)
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
		WHERE s.token_hash = ? AND s.expires_at > ?`, hashSecret(token), formatTime(c.now())).Scan(&u.ID, &u.Name, &u.Role)
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
