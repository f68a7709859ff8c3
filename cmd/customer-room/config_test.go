package main

import (
	"bytes"
	"context"
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
