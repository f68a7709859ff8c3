//go:build !linux

package ingest

// openForWriting cannot tell on this platform: the watcher relies on size
// and mtime checks alone.
func openForWriting(path string) bool { return false }
