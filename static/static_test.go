package static

import (
	"io/fs"
	"path"
	"regexp"
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

// TestPagesPreloadTheirModules: a page names every module its entry script
// imports, directly or not, as <link rel="modulepreload">, so the browser
// fetches them all at once instead of one import level after another (the
// studio's first page waited three round trips for its 26 modules).
func TestPagesPreloadTheirModules(t *testing.T) {
	entryRe := regexp.MustCompile(`<script type="module" src="([^"]+)"`)
	preloadRe := regexp.MustCompile(`<link rel="modulepreload" href="([^"]+)"`)
	pages := 0
	fs.WalkDir(FS, ".", func(page string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(page, ".html") {
			return err
		}
		b, _ := fs.ReadFile(FS, page)
		m := entryRe.FindSubmatch(b)
		if m == nil {
			return nil
		}
		pages++
		dir := "/" + path.Dir(page)
		preloaded := map[string]bool{}
		for _, p := range preloadRe.FindAllSubmatch(b, -1) {
			preloaded[resolve(dir, string(p[1]))] = true
		}
		entry := resolve(dir, string(m[1]))
		for _, mod := range moduleGraph(t, entry) {
			if mod != entry && !preloaded[mod] {
				t.Errorf("%s: imports %s (through %s) without <link rel=\"modulepreload\" href=\"%s\">", page, mod, entry, mod)
			}
			delete(preloaded, mod)
		}
		for p := range preloaded {
			t.Errorf("%s: preloads %s, which its scripts do not import", page, p)
		}
		return nil
	})
	if pages < 4 {
		t.Errorf("checked %d pages with a module: the pages moved?", pages)
	}
}

// importRe finds a module's static imports: `import … from "x"`,
// `export … from "x"` and `import "x"`.
var importRe = regexp.MustCompile(`(?m)^(?:import\s+(?:[^"';]*?\bfrom\s*)?|export\s+[^"';]*?\bfrom\s*)["']([^"']+)["']`)

// moduleGraph lists entry and every module it imports, transitively, as
// absolute paths.
func moduleGraph(t *testing.T, entry string) []string {
	seen := map[string]bool{}
	var out []string
	var walk func(string)
	walk = func(mod string) {
		if seen[mod] {
			return
		}
		seen[mod] = true
		out = append(out, mod)
		b, err := fs.ReadFile(FS, strings.TrimPrefix(mod, "/"))
		if err != nil {
			t.Errorf("%s: %v", mod, err)
			return
		}
		for _, m := range importRe.FindAllSubmatch(b, -1) {
			walk(resolve(path.Dir(mod), string(m[1])))
		}
	}
	walk(entry)
	return out
}

// resolve makes a script or import path absolute, from the folder dir.
func resolve(dir, ref string) string {
	if strings.HasPrefix(ref, "/") {
		return path.Clean(ref)
	}
	return path.Join(dir, ref)
}
