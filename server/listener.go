package server

import (
	"errors"
	"log/slog"
	"net"
	"syscall"
	"time"

	"golang.org/x/net/netutil"
)

// maxConns caps the connections served at once: a flood of idle sockets
// cannot use up the process's file descriptors (the unit's LimitNOFILE).
const maxConns = 512

// patientListener keeps serving when accept fails for want of file
// descriptors (EMFILE, ENFILE): it waits and tries again, as net/http
// does, instead of ending the server.
type patientListener struct {
	net.Listener
	log *slog.Logger
}

// Accept waits out descriptor exhaustion with a growing pause (5 ms to 1 s).
func (l patientListener) Accept() (net.Conn, error) {
	wait := 5 * time.Millisecond
	for {
		c, err := l.Listener.Accept()
		if err == nil || !(errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)) {
			return c, err
		}
		l.log.Warn("out of file descriptors: waiting to accept", "wait", wait, "err", err)
		time.Sleep(wait)
		wait = min(2*wait, time.Second)
	}
}

// listener wraps ln for serving: patient on EMFILE, at most maxConns at once.
func (s *Server) listener(ln net.Listener) net.Listener {
	return netutil.LimitListener(patientListener{ln, s.log}, maxConns)
}
