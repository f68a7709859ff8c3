package pii

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

func ExampleLines() {
	d, _ := New(nil)
	in := strings.NewReader("Rappelez-moi au 06 12 34 56 78.\nRien à signaler.\n")
	if err := Lines(in, os.Stdout, d, true); err != nil {
		panic(err)
	}
	// Output:
	// {"line":1,"findings":[{"kind":"phone","start":16,"end":30,"text":"06 12 34 56 78"}],"masked":"Rappelez-moi au [téléphone]."}
	// {"line":2,"findings":[],"masked":"Rien à signaler."}
}

func ExampleMask() {
	d, _ := New(nil)
	text := "Bonjour, je m'appelle Jean Dupont, mon mail est jean.dupont@example.fr"
	fmt.Println(Mask(text, d.Find(text)))
	// Output:
	// Bonjour, je m'appelle [nom], mon mail est [e-mail]
}

func TestLinesPlain(t *testing.T) {
	d, _ := New(nil)
	var out bytes.Buffer
	// The last line has no newline and a CRLF precedes it.
	if err := Lines(strings.NewReader("a 06 12 34 56 78\r\nb\nc x@y.fr"), &out, d, false); err != nil {
		t.Fatal(err)
	}
	want := "a [téléphone]\nb\nc [e-mail]\n"
	if out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
}

func TestLinesJSONContract(t *testing.T) {
	d, _ := New(nil)
	var out bytes.Buffer
	if err := Lines(strings.NewReader("Hélène <ok> & 06 12 34 56 78\n\n"), &out, d, true); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines: %q", len(lines), out.String())
	}
	// Field names and order are the contract; "<>&" stay readable.
	if want := `{"line":1,"findings":[{"kind":"phone","start":14,"end":28,"text":"06 12 34 56 78"}],"masked":"Hélène <ok> & [téléphone]"}`; lines[0] != want {
		t.Errorf("line 1:\n got %s\nwant %s", lines[0], want)
	}
	if want := `{"line":2,"findings":[],"masked":""}`; lines[1] != want {
		t.Errorf("line 2:\n got %s\nwant %s", lines[1], want)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &v); err != nil {
		t.Fatal(err)
	}
}

func TestLinesTooLong(t *testing.T) {
	d, _ := New(nil)
	in := strings.NewReader("ok\n" + strings.Repeat("a", MaxLineBytes+10) + "\n")
	var out bytes.Buffer
	err := Lines(in, &out, d, false)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v, want one naming line 2", err)
	}
	if out.String() != "ok\n" {
		t.Fatalf("output before the error = %q", out.String())
	}
}
