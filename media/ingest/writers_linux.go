package ingest

import (
	"errors"
	"os"
	"syscall"
)

// openForWriting reports whether some process has path open for writing,
// as a copy that stalls mid-way does. Linux refuses a read lease (EAGAIN)
// while any writer holds the file; the lease, when granted, is released at
// once. It answers false when it cannot tell (another owner without
// CAP_LEASE, a network file system): the size and mtime checks remain.
func openForWriting(path string) bool {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	sc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	busy := false
	sc.Control(func(fd uintptr) {
		_, _, errno := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_SETLEASE, syscall.F_RDLCK)
		if errno == 0 {
			syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_SETLEASE, syscall.F_UNLCK)
			return
		}
		busy = errors.Is(errno, syscall.EAGAIN)
	})
	return busy
}
