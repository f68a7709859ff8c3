package mp3

import (
	"os"
	"strings"
	"testing"
)

// fixtureDir holds the MP3 fixtures (and their ffmpeg references) that
// package audio's codec tests share; make-codec-fixtures.sh there makes them.
const fixtureDir = "../../testdata/codecs"

// fixtures lists the valid MP3 fixtures, in name order; the "bad-" ones are
// package audio's error cases.
func fixtures(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(fixtureDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".mp3") && !strings.HasPrefix(e.Name(), "bad-") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		t.Fatalf("no MP3 fixtures in %s", fixtureDir)
	}
	return names
}
