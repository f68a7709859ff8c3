// Package static is the embedded web UI: the kiosk screen (kiosk/), the
// curators' studio (studio/), vendored libraries (vendor/) and the
// shared assets. Nothing is fetched from the internet; the room works offline.
package static

import "embed"

// FS holds the web UI, served at / by the server.
//
//go:embed index.html favicon.svg kiosk studio shared join vendor/wavesurfer.js-*
var FS embed.FS
