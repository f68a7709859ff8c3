package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// config is every setting of the program. Each has a flag and a CR_* variable;
// a flag given on the command line wins over the environment.
type config struct {
	Data         string
	Addr         string
	Audio        string
	Demo         tristate
	LogLevel     string
	TargetLUFS   float64
	MaxVolume    int
	Retention    time.Duration
	RetentionMax time.Duration
	Trusted      string
	Hostnames    string
	Workers      int
	IdleTimeout  time.Duration
	// Anonymization.
	RedactSound   string
	OriginalGrace time.Duration
	PIIPatterns   string
}

// tristate is a bool flag that can also be left unset ("auto").
type tristate struct{ set, on bool }

func (t *tristate) String() string {
	if !t.set {
		return "auto"
	}
	return strconv.FormatBool(t.on)
}

func (t *tristate) Set(s string) error {
	if s == "auto" {
		*t = tristate{}
		return nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true, false or auto")
	}
	*t = tristate{set: true, on: v}
	return nil
}

func (t *tristate) IsBoolFlag() bool { return true }

// envKeys names the environment variable behind each setting's flag.
var envKeys = map[string]string{
	"data": "CR_DATA", "addr": "CR_ADDR", "audio": "CR_AUDIO", "demo": "CR_DEMO", "log-level": "CR_LOG_LEVEL",
	"target-lufs": "CR_TARGET_LUFS", "max-volume": "CR_MAX_VOLUME", "retention": "CR_RETENTION",
	"workers": "CR_WORKERS", "idle-timeout": "CR_IDLE_TIMEOUT",
	"redact-sound": "CR_REDACT_SOUND", "retention-max": "CR_RETENTION_MAX", "trusted-networks": "CR_TRUSTED_NETWORKS", "hostnames": "CR_HOSTNAMES", "original-grace": "CR_ORIGINAL_GRACE", "pii-patterns": "CR_PII_PATTERNS",
}

// fromEnv sets every flag of fs that has a CR_* variable in the environment,
// through the flag's own parser, before the command line is parsed (which
// then wins). A bad value is an error naming the variable.
func fromEnv(fs *flag.FlagSet, getenv func(string) string) error {
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		key, ok := envKeys[f.Name]
		if v := getenv(key); ok && v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("environment %s: %v", key, err))
			}
		}
	})
	return errors.Join(errs...)
}

// parseFlags sets fs from the environment, then from the command line, and
// checks the values of c that fs sets.
func parseFlags(fs *flag.FlagSet, c *config, getenv func(string) string, args []string) error {
	if err := fromEnv(fs, getenv); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	return c.validate(fs)
}

// newFlags makes a flag set with --data, which every command takes.
func newFlags(name string, stderr io.Writer, c *config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Data, "data", "./data", "data folder: catalog, library, inbox, quarantine (env CR_DATA)")
	return fs
}

// serveFlags adds the server's settings.
func serveFlags(fs *flag.FlagSet, c *config) {
	fs.StringVar(&c.Addr, "addr", ":8080", "HTTP listen address (env CR_ADDR)")
	fs.StringVar(&c.Audio, "audio", "auto", "sound output: alsa, null, file:PATH.wav, or auto = alsa, else null (env CR_AUDIO)")
	fs.Var(&c.Demo, "demo", "seed the demo library; default auto = when the library is empty (env CR_DEMO)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error (env CR_LOG_LEVEL)")
	fs.Float64Var(&c.TargetLUFS, "target-lufs", -19, "loudness every call is played at, LUFS (env CR_TARGET_LUFS)")
	fs.IntVar(&c.MaxVolume, "max-volume", 10, "highest volume step a listener can choose (env CR_MAX_VOLUME)")
	retentionFlag(fs, c)
	retentionMaxFlag(fs, c)
	fs.StringVar(&c.Trusted, "trusted-networks", "127.0.0.0/8,::1/128", "addresses that count as the room's own screen, comma-separated CIDRs (env CR_TRUSTED_NETWORKS)")
	fs.StringVar(&c.Hostnames, "hostnames", "", "names the room answers to besides localhost and its addresses, comma-separated (env CR_HOSTNAMES)")
	fs.IntVar(&c.Workers, "workers", 1, "parallel imports (env CR_WORKERS)")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", 90*time.Second, "room screen returns to its attract loop after this long untouched (env CR_IDLE_TIMEOUT)")
}

// retentionMaxFlag adds --retention-max, the policy's limit: serve lets no
// curator keep a call longer, and the purge deletes files moved aside
// (unknown/) once they are older.
func retentionMaxFlag(fs *flag.FlagSet, c *config) {
	fs.DurationVar(&c.RetentionMax, "retention-max", 8784*time.Hour, "the longest a curator may keep a call after it was made (env CR_RETENTION_MAX, default about a year)")
}

// retentionFlag adds --retention, which every command that brings calls in takes.
func retentionFlag(fs *flag.FlagSet, c *config) {
	fs.DurationVar(&c.Retention, "retention", 4392*time.Hour, "how long recordings are kept after the call (env CR_RETENTION, default about 6 months)")
}

// validate refuses settings out of their range, for the flags fs defines,
// instead of silently replacing them with defaults.
func (c config) validate(fs *flag.FlagSet) error {
	var errs []error
	check := func(name string, ok bool, want string) {
		if fs.Lookup(name) != nil && !ok {
			errs = append(errs, fmt.Errorf("--%s %s: want %s", name, fs.Lookup(name).Value, want))
		}
	}
	check("target-lufs", c.TargetLUFS >= -40 && c.TargetLUFS <= -5, "a loudness from -40 to -5 LUFS (speech is usually -19 to -16)")
	check("max-volume", c.MaxVolume >= 1 && c.MaxVolume <= 20, "a step from 1 to 20")
	check("retention", c.Retention >= 24*time.Hour, "at least 24h")
	check("retention-max", c.RetentionMax >= c.Retention, "at least --retention")
	check("workers", c.Workers >= 1 && c.Workers <= 16, "1 to 16")
	check("redact-sound", c.RedactSound == "bleep" || c.RedactSound == "silence", "bleep or silence")
	check("original-grace", c.OriginalGrace >= 0, "a duration of 0 or more")
	check("idle-timeout", c.IdleTimeout >= time.Second && c.IdleTimeout <= 24*time.Hour, "1s to 24h")
	return errors.Join(errs...)
}

// trustedNetworks parses --trusted-networks.
func trustedNetworks(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("--trusted-networks %q: want CIDRs such as 127.0.0.0/8", f)
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--trusted-networks is empty: the room's own screen could not control it")
	}
	return out, nil
}

// newLogger makes the program's slog logger.
func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// prepareDataDir makes sure the data folder exists and is writable. It does
// not create missing parents: a typo in --data should fail, not scatter folders.
func prepareDataDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	parent := filepath.Dir(abs)
	st, err := os.Stat(parent)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("data folder %s: its parent %s does not exist", abs, parent)
	case err != nil:
		return "", fmt.Errorf("data folder %s: %v", abs, err)
	case !st.IsDir():
		return "", fmt.Errorf("data folder %s: its parent %s is not a folder", abs, parent)
	}
	if err := os.Mkdir(abs, 0o750); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("data folder %s cannot be created: %v", abs, unwrapPathErr(err))
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return "", fmt.Errorf("data folder %s is not a folder", abs)
	}
	f, err := os.CreateTemp(abs, ".write-test-*")
	if err != nil {
		return "", fmt.Errorf("data folder %s is not writable: %v", abs, unwrapPathErr(err))
	}
	f.Close()
	os.Remove(f.Name())
	return abs, nil
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// oneLine keeps an error message to one line for the terminal.
func oneLine(err error) error {
	if err == nil {
		return nil
	}
	return errors.New(strings.ReplaceAll(err.Error(), "\n", "; "))
}
