package server

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// FuzzSatisfiable checks sendAudio's Range gate against the parser that
// then serves the file (fasthttp's, under Fiber's SendFile): whatever the
// header, a range the gate lets through is either refused by fasthttp (416)
// or one it serves as a valid 206 (first <= last < size), never the empty
// body with an impossible Content-Range that "bytes=-0" once got; and a
// range fasthttp can serve is never refused by the gate.
func FuzzSatisfiable(f *testing.F) {
	for _, rg := range []string{"bytes=0-", "bytes=-0", "bytes=-5", "bytes=10-", "bytes=9-9", "bytes=-0,10-",
		"bytes=-0,2-3", "items=1-2", "bytes=5-3", "bytes= 1-2", "bytes=-00", "bytes=99999999999999999999-", "bytes=-+1"} {
		f.Add(rg, int64(10))
	}
	f.Add("bytes=-1", int64(0))
	f.Add("bytes=0-0", int64(1))
	f.Fuzz(func(t *testing.T, rg string, size int64) {
		if size < 0 || size > 1<<40 {
			return // a file's size
		}
		ok := satisfiable(rg, size)
		first, last, err := fasthttp.ParseByteRange([]byte(rg), int(size))
		valid := err == nil && 0 <= first && first <= last && last < int(size)
		if ok && err == nil && !valid {
			t.Fatalf("satisfiable(%q, %d) lets through a range served as %d-%d/%d", rg, size, first, last, size)
		}
		if valid && !ok && len(rg) > 0 {
			t.Fatalf("satisfiable(%q, %d) refuses a range fasthttp serves as %d-%d", rg, size, first, last)
		}
	})
}
