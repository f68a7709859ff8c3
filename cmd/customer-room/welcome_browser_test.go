package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWelcomePageBrowser opens the root page a new user lands on after
// `make run`: it names the room, links to the screen and to the server's
// state, and its link leads to a working kiosk.
func TestWelcomePageBrowser(t *testing.T) {
	r := startRoom(t)
	b := newBrowser(t, 1280, 800)
	b.do(t, "open /", chromedp.Navigate(r.base+"/"))
	b.waitJS(t, "the welcome page", `document.querySelector("h1") !== null`)
	if h := evalJS[string](t, b, `document.querySelector("h1").innerText`); h != "Customer Room" {
		t.Errorf("title %q", h)
	}
	links := evalJS[string](t, b, `[...document.querySelectorAll("a")].map(a => a.getAttribute("href")).join(" ")`)
	for _, want := range []string{"/kiosk/", "/studio/", "/api/health"} {
		if !strings.Contains(links, want) {
			t.Errorf("links %q lack %s", links, want)
		}
	}
	if h := evalJS[float64](t, b, `document.querySelector("a.big").getBoundingClientRect().height`); h < 48 {
		t.Errorf("the screen link is %.0f px tall, want a touch target of 48 px", h)
	}
	b.screenshot(t, "0-welcome")
	b.do(t, "follow the screen link", chromedp.Click(chromedp.CSS(`a.big`)),
		chromedp.WaitVisible(chromedp.CSS(`#attract`)))
	b.waitJS(t, "the kiosk's attract screen", screenIs("attract"))
	if p := b.problems(); len(p) > 0 {
		t.Errorf("console problems: %v", p)
	}
}
