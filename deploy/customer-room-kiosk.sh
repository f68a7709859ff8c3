#!/usr/bin/env bash
# Chromium in kiosk mode on the room's screen: waits for the server, hides the
# cursor (the page does, asked by ?hidecursor=1), keeps the screen awake, and comes back if Chromium ever exits.
# Runs in the desktop session of the kiosk user (Wayland/labwc on Raspberry Pi
# OS Bookworm, or X11). URL defaults to the local server.
set -u
URL=${CR_KIOSK_URL:-http://localhost:8080/kiosk/?hidecursor=1}
BASE=${URL%%/kiosk*}
BROWSER=$(command -v chromium || command -v chromium-browser)
PROFILE=${XDG_RUNTIME_DIR:-/tmp}/customer-room-chromium

# No screen blanking or power saving.
if [ -n "${WAYLAND_DISPLAY:-}" ]; then
  pkill -u "$USER" -x swayidle 2>/dev/null || true   # labwc's idle daemon, if the session started one
elif [ -n "${DISPLAY:-}" ]; then
  xset s off -dpms s noblank 2>/dev/null || true
fi

# Wait for the server (it may still be starting after boot).
for _ in $(seq 60); do
  curl -fsS -o /dev/null "$BASE/api/health" && break
  sleep 1
done

while true; do
  rm -rf "$PROFILE/Default/Sessions" 2>/dev/null  # never offer to "restore pages"
  "$BROWSER" --kiosk --noerrdialogs --disable-infobars --no-first-run \
    --disable-session-crashed-bubble --disable-features=Translate,TouchpadOverscrollHistoryNavigation \
    --disable-background-networking --disable-component-update --disable-sync \
    --overscroll-history-navigation=0 --disable-pinch --check-for-update-interval=31536000 \
    --autoplay-policy=no-user-gesture-required --user-data-dir="$PROFILE" \
    --ozone-platform-hint=auto "$URL"
  sleep 2
done
