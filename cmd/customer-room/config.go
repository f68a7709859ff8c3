package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// config is every setting of the program. Each has a flag and a CR_* variable;
// a flag given on the command line wins over the environment.
type config struct {
	Data        string
	Addr        string
	Audio       string
	Demo        tristate
	LogLevel    string
	TargetLUFS  float64
	MaxVolume   int
	Retention   time.Duration
	Workers     int
	IdleTimeout time.Duration
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

// newFlags makes a flag set with --data, reading defaults from the environment.
func newFlags(name string, getenv func(string) string, stderr io.Writer, c *config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Data, "data", envOr(getenv, "CR_DATA", "./data"), "data folder: catalog, library, inbox, quarantine (env CR_DATA)")
	return fs
}

// serveFlags adds the server's settings.
func serveFlags(fs *flag.FlagSet, getenv func(string) string, c *config) error {
	fs.StringVar(&c.Addr, "addr", envOr(getenv, "CR_ADDR", ":8080"), "HTTP listen address (env CR_ADDR)")
	fs.StringVar(&c.Audio, "audio", envOr(getenv, "CR_AUDIO", "auto"), "sound output: alsa, null, file:PATH.wav, or auto = alsa, else null (env CR_AUDIO)")
	fs.Var(&c.Demo, "demo", "seed the demo library; default auto = when the library is empty (env CR_DEMO)")
	fs.StringVar(&c.LogLevel, "log-level", envOr(getenv, "CR_LOG_LEVEL", "info"), "debug, info, warn or error (env CR_LOG_LEVEL)")
	var errs []error
	num := func(key, def string) string { return envOr(getenv, key, def) }
	target, err := strconv.ParseFloat(num("CR_TARGET_LUFS", "-19"), 64)
	errs = append(errs, envErr("CR_TARGET_LUFS", err))
	fs.Float64Var(&c.TargetLUFS, "target-lufs", target, "loudness every call is played at, LUFS (env CR_TARGET_LUFS)")
	maxVol, err := strconv.Atoi(num("CR_MAX_VOLUME", "10"))
	errs = append(errs, envErr("CR_MAX_VOLUME", err))
	fs.IntVar(&c.MaxVolume, "max-volume", maxVol, "highest volume step a listener can choose (env CR_MAX_VOLUME)")
	ret, err := time.ParseDuration(num("CR_RETENTION", "4392h"))
	errs = append(errs, envErr("CR_RETENTION", err))
	fs.DurationVar(&c.Retention, "retention", ret, "how long recordings are kept after the call (env CR_RETENTION, default about 6 months)")
	workers, err := strconv.Atoi(num("CR_WORKERS", "1"))
	errs = append(errs, envErr("CR_WORKERS", err))
	fs.IntVar(&c.Workers, "workers", workers, "parallel imports (env CR_WORKERS)")
	idle, err := time.ParseDuration(num("CR_IDLE_TIMEOUT", "90s"))
	errs = append(errs, envErr("CR_IDLE_TIMEOUT", err))
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", idle, "room screen returns to its attract loop after this long untouched (env CR_IDLE_TIMEOUT)")
	if d := getenv("CR_DEMO"); d != "" {
		errs = append(errs, envErr("CR_DEMO", c.Demo.Set(d)))
	}
	return errors.Join(errs...)
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func envErr(key string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("environment %s: %v", key, err)
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
