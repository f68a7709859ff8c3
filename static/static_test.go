package static

import (
	"io/fs"
	"strings"
	"testing"
)

// TestStylesheetsAreBalanced catches a rule block left open (a merge once
// cut the closing brace of a media query, and every rule after it, the
// print styles included, silently stopped applying).
func TestStylesheetsAreBalanced(t *testing.T) {
	n := 0
	fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".css") || strings.HasPrefix(path, "vendor/") {
			return err
		}
		n++
		b, _ := fs.ReadFile(FS, path)
		depth, line := 0, 1
		for _, ch := range string(stripComments(string(b))) {
			switch ch {
			case '{':
				depth++
			case '}':
				depth--
			case '\n':
				line++
			}
			if depth < 0 {
				t.Errorf("%s:%d: a } closes nothing", path, line)
				return nil
			}
		}
		if depth != 0 {
			t.Errorf("%s: %d rule block(s) left open", path, depth)
		}
		return nil
	})
	if n < 3 {
		t.Errorf("checked %d stylesheets: the pages' CSS moved?", n)
	}
}

// stripComments removes /* … */ comments, which may hold braces.
func stripComments(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "/*")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		j := strings.Index(s[i+2:], "*/")
		if j < 0 {
			return b.String()
		}
		b.WriteString(strings.Repeat("\n", strings.Count(s[i:i+2+j+2], "\n")))
		s = s[i+2+j+2:]
	}
}
