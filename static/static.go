// Package static is the embedded web UI: the kiosk screen (kiosk/), the
// curators' studio (studio/), the workshop participants' page (join/), the
// tablets' pairing page (pair/), vendored libraries (vendor/) and the
// shared assets. Nothing is fetched from the internet; the room works offline.
package static

import "embed"

// FS holds the web UI, served at / by the server.
//
//go:embed index.html favicon.svg kiosk studio shared join pair vendor/wavesurfer.js-*
var FS embed.FS
