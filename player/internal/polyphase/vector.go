//go:build amd64 || arm64

package polyphase

import "unsafe"

// Vectorized reports whether Up runs in vector registers for up phases.
func Vectorized(up int) bool { return up == 3 || up == 6 }

// upVector runs the assembly kernel over blocks of 8 frames.
func upVector(y, gb, x []float32, up, taps, m, blocks int) {
	stride := uintptr(m) * 4
	if up == 3 {
		up3(unsafe.Pointer(&y[0]), stride, unsafe.Pointer(&gb[0]), unsafe.Pointer(&x[0]), taps, blocks)
	} else {
		up6(unsafe.Pointer(&y[0]), stride, unsafe.Pointer(&gb[0]), unsafe.Pointer(&x[0]), taps, blocks)
	}
}

// up3 and up6 compute blocks*8 frames of 3 or 6 phases: rows of y stride
// bytes apart, taps >= 1.
//
//go:noescape
func up3(y unsafe.Pointer, stride uintptr, gb, x unsafe.Pointer, taps, blocks int)

//go:noescape
func up6(y unsafe.Pointer, stride uintptr, gb, x unsafe.Pointer, taps, blocks int)
