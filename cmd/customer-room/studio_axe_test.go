package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestStudioTabsPassAxe opens every tab of the studio, as an admin sees
// them, and runs axe-core on each, in French and in English.
func TestStudioTabsPassAxe(t *testing.T) {
	r, _ := startStudio(t)
	b := newBrowser(t, 1366, 768)
	b.do(t, "open the studio", chromedp.Navigate(r.base+"/studio/?lang=fr"))
	b.waitJS(t, "login panel", screenIs("login"))
	axeClean(t, b, "studio login")
	b.studioLogin(t, studioUser, studioPass)
	b.waitJS(t, "queue", screenIs("queue"))
	for _, lang := range []string{"fr", "en"} {
		if lang == "en" {
			b.do(t, "English", chromedp.Click(chromedp.CSS(`.top .lang`)))
			b.waitJS(t, "English", `document.documentElement.lang === "en"`)
		}
		for _, tab := range []string{"queue", "library", "playlists", "programme", "tags", "retention", "resonance", "insight", "uploads", "admin", "workshops"} {
			b.do(t, "tab "+tab, chromedp.Click(chromedp.CSS(`#tabs [data-tab="`+tab+`"]`)))
			b.waitJS(t, "screen "+tab, screenIs(tab))
			axeClean(t, b, lang+" studio "+tab)
		}
	}
	if p := b.studioProblems(); len(p) > 0 {
		t.Errorf("console: %v", p)
	}
}
