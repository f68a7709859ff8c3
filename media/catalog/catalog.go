package catalog

import (
	"context"
	"customerroom/media"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Catalog is the SQLite database of the library: the one owner of the file and
// its migrations. Writes go through a single connection opened with
// _txlock=immediate so concurrent read-then-write transactions queue instead of
// failing with "database is locked"; reads use a separate pool.
type Catalog struct {
	write *sql.DB
	read  *sql.DB
	path  string
	// Clock dates rows and decides what has expired; tests replace it.
	Clock media.Clock
}

// Open opens (creating if needed) the catalog at path and applies any
// pending migrations. A file that is not a SQLite database gives an error
// naming the file, never a panic.
func Open(ctx context.Context, path string) (*Catalog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("catalog directory: %w", err)
	}
	dsn := func(extra string) string {
		q := url.Values{}
		q.Set("_foreign_keys", "on")
		q.Set("_busy_timeout", "5000")
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", "NORMAL")
		// Deleted rows are overwritten with zeros, not left in free pages:
		// purged personal data must not be recoverable from the file.
		q.Set("_secure_delete", "on")
		if extra != "" {
			k, v, _ := strings.Cut(extra, "=")
			q.Set(k, v)
		}
		return "file:" + path + "?" + q.Encode()
	}
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("the database file %s cannot be opened for writing (%v): give the service's user write access to it and to its folder", path, unwrapPath(err))
	}
	write, err := sql.Open("sqlite3", dsn("_txlock=immediate"))
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	c := &Catalog{write: write, path: path, Clock: media.RealClock}
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open catalog %s: %w", path, explain(err))
	}
	if err := c.migrate(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("catalog %s: %w", path, explain(err))
	}
	read, err := sql.Open("sqlite3", dsn("mode=ro"))
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(4)
	c.read = read
	return c, nil
}

// explain turns SQLite's terse codes into a sentence an admin can act on.
func explain(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrNotADB || se.Code == sqlite3.ErrCorrupt) {
		return fmt.Errorf("the database file is corrupt or not a SQLite database (restore a backup or move it aside): %w", err)
	}
	return err
}

// Close closes both pools.
func (c *Catalog) Close() error {
	var errs []error
	if c.read != nil {
		errs = append(errs, c.read.Close())
	}
	errs = append(errs, c.write.Close())
	return errors.Join(errs...)
}

// Path is the database file.
func (c *Catalog) Path() string { return c.path }

// Ping checks both pools answer and a write goes through (a full disk or a
// read-only file fails here); /api/health reports it.
func (c *Catalog) Ping(ctx context.Context) error {
	var one int
	if err := c.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return err
	}
	if _, err := c.write.ExecContext(ctx, `UPDATE health SET at = ? WHERE id = 1`, formatTime(c.now())); err != nil {
		return fmt.Errorf("the database cannot be written (disk full or read-only?): %w", err)
	}
	return nil
}

// migrate applies the embedded migrations in numeric order, each in its own
// transaction, recording them in schema_migrations.
func (c *Catalog) migrate(ctx context.Context) error {
	if _, err := c.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	ms, err := planMigrations(migrations)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := c.apply(ctx, m.version, m.name); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// migration is one numbered .sql file.
type migration struct {
	version int
	name    string
}

// planMigrations lists the migrations in fsys in order. Two files with the
// same number are refused: applying one would silently skip the other.
func planMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	seen := map[int]string{}
	for _, n := range names {
		base := filepath.Base(n)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number", base)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share the number %d: renumber one", other, base, v)
		}
		seen[v] = base
		ms = append(ms, migration{v, base})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

func (c *Catalog) apply(ctx context.Context, version int, name string) error {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile("migrations/" + name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, version, name, formatTime(c.now())); err != nil {
		return err
	}
	return tx.Commit()
}

// SchemaVersion is the highest applied migration (shown by `check`).
func (c *Catalog) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := c.read.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// Check runs SQLite's integrity check and returns its findings ("ok" when sound).
func (c *Catalog) Check(ctx context.Context) (string, error) {
	rows, err := c.read.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return "", err
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n"), rows.Err()
}

// Backup writes a consistent copy of the database to dest (VACUUM INTO), safe
// while the server runs.
func (c *Catalog) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup %s: file exists", dest)
	}
	_, err := c.write.ExecContext(ctx, `VACUUM INTO ?`, dest)
	return err
}

const timeLayout = time.RFC3339

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}

func (c *Catalog) now() time.Time { return c.Clock.Now() }

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
