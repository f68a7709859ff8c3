//go:build !arm64 && !amd64

package polyphase

// Vectorized reports whether Up runs in vector registers for up phases:
// never on this architecture.
func Vectorized(up int) bool { return false }

func upVector(y, gb, x []float32, up, taps, m, blocks int) {}
