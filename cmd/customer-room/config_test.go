package main

import (
	"bytes"
	"context"
	"customerroom/media"
	"customerroom/media/catalog"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfigFromEnvironmentAndFlags(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

	// A bad value names its variable, and nothing starts.
	err := run(context.Background(), []string{"serve"}, env(map[string]string{"CR_MAX_VOLUME": "loud"}), nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "CR_MAX_VOLUME") {
		t.Errorf("bad CR_MAX_VOLUME: %v", err)
	}

	// CR_DATA chooses the data folder; --data wins over it.
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"check"}, env(map[string]string{"CR_DATA": filepath.Join(dir, "a")}), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), filepath.Join(dir, "a", "catalog.db")) {
		t.Errorf("CR_DATA ignored:\n%s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"check", "--data", filepath.Join(dir, "b")}, env(map[string]string{"CR_DATA": filepath.Join(dir, "a")}), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), filepath.Join(dir, "b", "catalog.db")) {
		t.Errorf("--data did not win over CR_DATA:\n%s", out.String())
	}

	// The server's settings come through too: CR_ADDR picks the address.
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", filepath.Join(dir, "c")},
			env(map[string]string{"CR_ADDR": "127.0.0.1:0", "CR_AUDIO": "null", "CR_DEMO": "false"}), nil, stdout, io.Discard)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !healthURL.MatchString(stdout.String()) {
		if time.Now().After(deadline) {
			t.Fatal("server from CR_* settings never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(stdout.String(), "http://127.0.0.1:") {
		t.Errorf("CR_ADDR ignored: %s", stdout.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestSettingsAreCheckedAndHonoured: a value out of range is refused with the
// flag's name instead of silently becoming a default, and import honours
// --retention / CR_RETENTION like serve does.
func TestSettingsAreCheckedAndHonoured(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"serve", "--data", dir, "--target-lufs", "0"}, nil, "--target-lufs"},
		{[]string{"serve", "--data", dir}, map[string]string{"CR_MAX_VOLUME": "0"}, "--max-volume"},
		{[]string{"serve", "--data", dir, "--workers", "0"}, nil, "--workers"},
		{[]string{"serve", "--data", dir, "--idle-timeout", "0s"}, nil, "--idle-timeout"},
		{[]string{"import", "--data", dir, "--retention", "1h", "testdata/tone.wav"}, nil, "--retention"},
		{[]string{"serve", "--demo", "off", "--data", dir}, nil, "no arguments"},
		{[]string{"serve", "--data", dir, "--redact-sound", "beep"}, nil, "--redact-sound"},
	} {
		err := run(context.Background(), tc.args, env(tc.env), strings.NewReader(""), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: err = %v, want a refusal naming %s", tc.args, tc.env, err, tc.want)
		}
	}

	data := filepath.Join(dir, "ret")
	before := time.Now()
	if err := run(context.Background(), []string{"import", "--data", data, "testdata/tone.wav"},
		env(map[string]string{"CR_RETENTION": "48h"}), strings.NewReader(""), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Open(context.Background(), filepath.Join(data, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	rs, err := cat.Recordings(context.Background(), media.RecordingFilter{})
	if err != nil || len(rs) != 1 {
		t.Fatalf("recordings: %v %v", rs, err)
	}
	if exp := rs[0].ExpiresAt; exp.Before(before.Add(47*time.Hour)) || exp.After(time.Now().Add(49*time.Hour)) {
		t.Errorf("imported with CR_RETENTION=48h, expires at %v (now %v)", exp, before)
	}
}
