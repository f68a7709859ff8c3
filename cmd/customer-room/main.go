// Command customer-room runs the Customer Room server and its admin tools.
// See README.md for the commands and configuration.
//
// The runtime's once-a-second check of the CPU quota (Go 1.25's
// updatemaxprocs) is off: it cost an idle server a wake-up and four system
// calls every second, for a limit that does not change on the room's machine.
// The quota is still read once at start.
//
//go:debug updatemaxprocs=0
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if err != errSilent {
			fmt.Fprintln(os.Stderr, "customer-room:", err)
		}
		os.Exit(1)
	}
}

// errSilent is returned when the command already said what went wrong
// (e.g. `import --json` with rejected files) and only the exit code is left.
var errSilent = fmt.Errorf("exit 1")

const usage = `usage: customer-room COMMAND [flags]

commands:
  serve    run the room (HTTP server, player, inbox watcher)
  import   import audio files, folders and verbatim CSV/JSON into the library
  analyze  decode and measure one audio file (no database)
  user     add a user: user add --role admin|curator|facilitator NAME (password on stdin)
  backup   write a consistent copy of the database: backup DEST
  restore  put a backup in place (server stopped), import again the calls it does not know: restore SRC
  check    check the database and data folder (--repair fixes what is safe)
  purge    delete recordings and verbatims past their expiry, and originals past their grace
  pii      find personal data in text, one document a line (--json)
  approve  approve recordings (or --verbatim verbatims) with their detected redactions
  version  print the version

every command accepts --data DIR (default ./data, env CR_DATA); run COMMAND -h for its flags.
`

// run is the whole program; main and the tests call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, getenv, stdout, stderr)
	case "import":
		return runImport(ctx, rest, getenv, stdout, stderr)
	case "analyze":
		return runAnalyze(ctx, rest, getenv, stdout, stderr)
	case "user":
		return runUser(ctx, rest, getenv, stdin, stdout, stderr)
	case "backup":
		return runBackup(ctx, rest, getenv, stdout, stderr)
	case "check":
		return runCheck(ctx, rest, getenv, stdout, stderr)
	case "restore":
		return runRestore(ctx, rest, getenv, stdout, stderr)
	case "purge":
		return runPurge(ctx, rest, getenv, stdout, stderr)
	case "pii":
		return runPII(ctx, rest, getenv, stdin, stdout, stderr)
	case "approve":
		return runApprove(ctx, rest, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
