package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"customerroom/media"
	"customerroom/media/catalog"
)

func TestPIICommand(t *testing.T) {
	var out bytes.Buffer
	in := "Rappelez Mme Martin au 06 12 34 56 78\nLivré le 12/03/2026 pour 49,90 €\n"
	if err := run(context.Background(), []string{"pii", "--json"}, func(string) string { return "" }, strings.NewReader(in), &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	type line struct {
		Line     int `json:"line"`
		Findings []struct {
			Kind       string `json:"kind"`
			Start, End int
			Text       string `json:"text"`
		} `json:"findings"`
		Masked string `json:"masked"`
	}
	var got []line
	sc := bufio.NewScanner(bytes.NewReader(out.Bytes()))
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("not JSON lines: %q", sc.Text())
		}
		got = append(got, l)
	}
	if len(got) != 2 || got[0].Line != 1 || got[1].Line != 2 {
		t.Fatalf("output %+v: want one object per input line, numbered from 1", got)
	}
	if got[0].Masked != "Rappelez Mme [nom] au [téléphone]" || len(got[0].Findings) != 2 || got[0].Findings[1].Kind != "phone" ||
		got[0].Findings[1].Text != "06 12 34 56 78" || got[0].Findings[1].Start != 23 {
		t.Errorf("line 1: %+v", got[0])
	}
	if len(got[1].Findings) != 0 || got[1].Masked != "Livré le 12/03/2026 pour 49,90 €" {
		t.Errorf("line 2 (a date and an amount are not personal): %+v", got[1])
	}
	if !strings.Contains(out.String(), `"findings":[]`) {
		t.Errorf("a line with nothing found must say \"findings\":[], not null: %s", out.String())
	}
	// A FILE argument, plain output: masked lines.
	f := filepath.Join(t.TempDir(), "in.txt")
	os.WriteFile(f, []byte("écrire à jean.dupont@example.fr\n"), 0o640)
	out.Reset()
	if err := run(context.Background(), []string{"pii", f}, func(string) string { return "" }, nil, &out, &bytes.Buffer{}); err != nil || out.String() != "écrire à [e-mail]\n" {
		t.Errorf("pii FILE: %q %v", out.String(), err)
	}
}

func TestApproveCommand(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	env := func(k string) string { return map[string]string{"USER": "ada"}[k] }
	var out bytes.Buffer
	if err := run(context.Background(), []string{"import", "--json", "--data", data, "testdata/tone.wav"}, env, nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var imp struct{ ID int64 }
	json.Unmarshal(out.Bytes(), &imp)
	out.Reset()
	if err := run(context.Background(), []string{"approve", "--json", "--data", data, "--redact-sound", "silence", strconv.FormatInt(imp.ID, 10)}, env, nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("approve: %v %s", err, out.String())
	}
	if !strings.Contains(out.String(), `"status":"approved"`) {
		t.Errorf("approve --json: %s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"approve", "--json", "--data", data, strconv.FormatInt(imp.ID, 10), "999"}, env, nil, &out, &bytes.Buffer{}); err == nil ||
		strings.Count(out.String(), `"status":"failed"`) != 2 {
		t.Errorf("approving twice and an unknown id: %v %s", err, out.String())
	}
	cat, err := catalog.Open(context.Background(), filepath.Join(data, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	r, err := cat.Recording(context.Background(), imp.ID)
	if err != nil || !r.Playable() || r.Rendition == r.Path {
		t.Errorf("after approve: %+v %v, want playable with its own rendition", r, err)
	}
	if _, err := os.Stat(filepath.Join(data, r.Rendition)); err != nil {
		t.Errorf("rendition file: %v", err)
	}
	log, _ := cat.AuditLog(context.Background(), 10)
	if len(log) == 0 || log[0].Actor != "cli:ada" || log[0].Action != "approve" {
		t.Errorf("audit: %+v, want cli:ada approve", log)
	}
	if r.Status != media.StatusApproved {
		t.Errorf("status %s", r.Status)
	}
}
