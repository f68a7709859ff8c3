package catalog

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestPlanMigrations(t *testing.T) {
	sql := &fstest.MapFile{Data: []byte("SELECT 1;")}
	ms, err := planMigrations(fstest.MapFS{"migrations/0002_b.sql": sql, "migrations/0001_a.sql": sql, "migrations/0010_c.sql": sql})
	if err != nil || len(ms) != 3 || ms[0].version != 1 || ms[1].version != 2 || ms[2].version != 10 {
		t.Errorf("planMigrations = %+v, %v; want 1, 2, 10 in order", ms, err)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"same number": {"migrations/0002_a.sql": sql, "migrations/0002_b.sql": sql},
		"no number":   {"migrations/init.sql": sql},
		"zero":        {"migrations/0000_a.sql": sql},
	} {
		if _, err := planMigrations(fsys); err == nil || !strings.Contains(err.Error(), "migration") {
			t.Errorf("%s: err = %v, want a refusal naming the migration", name, err)
		}
	}
	// The shipped migrations plan cleanly.
	if _, err := planMigrations(migrations); err != nil {
		t.Error(err)
	}
}
