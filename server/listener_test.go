package server

import (
	"io"
	"log/slog"
	"net"
	"syscall"
	"testing"
)

// flakyListener fails with EMFILE a few times before accepting.
type flakyListener struct {
	net.Listener
	fails int
}

func (l *flakyListener) Accept() (net.Conn, error) {
	if l.fails > 0 {
		l.fails--
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: syscall.EMFILE}
	}
	c, _ := net.Pipe()
	return c, nil
}

func TestPatientListenerOutlivesEMFILE(t *testing.T) {
	fl := &flakyListener{fails: 3}
	l := patientListener{fl, slog.New(slog.NewTextHandler(io.Discard, nil))}
	c, err := l.Accept()
	if err != nil || c == nil || fl.fails != 0 {
		t.Fatalf("Accept after 3 EMFILE: %v %v (fails left %d)", c, err, fl.fails)
	}
	c.Close()
}
