package audio

import "math"

// Sinc is the normalised sinc function, sin(πt)/(πt): the ideal
// band-limited interpolation kernel behind the true-peak meter and the
// player's resampler.
func Sinc(t float64) float64 {
	if t == 0 {
		return 1
	}
	return math.Sin(math.Pi*t) / (math.Pi * t)
}

// Kaiser is the Kaiser window at x in [-1, 1] (zero outside), which tapers
// Sinc into a finite filter; beta trades transition width for stop-band
// rejection.
func Kaiser(x, beta float64) float64 {
	if x <= -1 || x >= 1 {
		return 0
	}
	return besselI0(beta*math.Sqrt(1-x*x)) / besselI0(beta)
}

// besselI0 is the modified Bessel function of the first kind, order 0.
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / (2 * float64(k))) * (x / (2 * float64(k)))
		sum += term
		if term < sum*1e-17 {
			break
		}
	}
	return sum
}
