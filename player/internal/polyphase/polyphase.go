// Package polyphase is the resampler's inner loop for the whole-number
// upsampling ratios of call audio (8 and 16 kHz to 48 kHz, 6 and 3 phases):
// each input frame's window of taps samples gives up output samples. On
// arm64 (the Raspberry Pi) and amd64 it runs in vector registers, four
// frames to a register; elsewhere, and for other ratios, in plain Go.
//
// The filter g is tap-major: g[j*up+p] is tap j of phase p. Outputs are
// planar: y[p*m+k] is phase p of frame k, for the caller to interleave.
package polyphase

//go:generate go run gen.go

// Bcast is g with every coefficient repeated 4 times (one vector register),
// the layout Up reads: gb[(j*up+p)*4+l] = g[j*up+p].
func Bcast(g []float32) []float32 {
	gb := make([]float32, 4*len(g))
	for i, v := range g {
		gb[4*i], gb[4*i+1], gb[4*i+2], gb[4*i+3] = v, v, v, v
	}
	return gb
}

// Up computes, for m input frames, y[p*m+k] = sum over j < taps of
// g[j*up+p] * x[k+j], where gb is Bcast(g). x holds at least m+taps-1
// samples and y at least up*m.
func Up(y, gb, x []float32, up, taps, m int) {
	if m <= 0 {
		return
	}
	y = y[:up*m]
	gb = gb[:4*up*taps]
	x = x[:m+taps-1]
	k := 0
	if blocks := m / 8; blocks > 0 && Vectorized(up) {
		upVector(y, gb, x, up, taps, m, blocks)
		k = 8 * blocks
	}
	upGo(y, gb, x, up, taps, m, k)
}

// upGo is Up for frames k0 .. m-1, in plain Go.
func upGo(y, gb, x []float32, up, taps, m, k0 int) {
	for k := k0; k < m; k++ {
		w := x[k : k+taps]
		for p := range up {
			var a0, a1 float32
			j := 0
			for ; j+1 < taps; j += 2 {
				a0 += gb[4*(j*up+p)] * w[j]
				a1 += gb[4*((j+1)*up+p)] * w[j+1]
			}
			if j < taps {
				a0 += gb[4*(j*up+p)] * w[j]
			}
			y[p*m+k] = a0 + a1
		}
	}
}
