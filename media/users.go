package media

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"
	"golang.org/x/crypto/bcrypt"
)

// Roles a user may have: admins and curators change the library,
// facilitators run workshops.
var Roles = []string{"admin", "curator", "facilitator"}

// AddUser creates a user with a bcrypt-hashed password.
func (c *Catalog) AddUser(ctx context.Context, name, role, password string) error {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 {
		return errors.New("user name must be 1 to 64 characters")
	}
	ok := false
	for _, r := range Roles {
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
	_, err = c.write.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)`, name, role, string(hash), formatTime(c.Now()))
	var se sqlite3.Error
	if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique {
		return fmt.Errorf("user %q already exists", name)
	}
	return err
}
