// Command libbench builds a large library and measures the studio's figures
// on it (make bench runs it through scripts/bench.d/library.sh):
//
//   - 10,000 recordings (tiny synthetic audio, checked French transcripts)
//     and a CSV of 100,000 verbatims over four years, generated with a
//     fixed seed;
//   - the time `customer-room import` takes for the 100,000 verbatims;
//   - search and listing latency over HTTP for a logged-in curator (p50,
//     p95 of a few hundred requests, loopback);
//   - the studio's first page in headless Chromium for that curator: first
//     contentful paint and the review queue shown (median of 10 loads);
//   - the server's resident memory with that library after a studio page
//     and those requests.
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"customerroom/media"
	"customerroom/media/catalog"
	"customerroom/media/review"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

var (
	topics   = []string{"Livraison", "Facturation", "Résiliation", "Accueil", "Assistance technique", "Remboursement", "Retour produit", "Fidélité", "Rendez-vous", "Garantie", "Installation", "Abonnement", "Paiement", "Application mobile", "Boutique", "Commande", "Échange", "Sinistre", "Contrat", "Tarifs", "Réclamation", "Parrainage"}
	products = []string{"Box Fibre", "Forfait Mobile", "Assurance Habitation", "Carte Premium", "Livraison Express", "Téléviseur", "Lave-linge", "Abonnement Presse", "Compte Courant", "Crédit Auto"}
	moods    = []string{"negatif", "neutre", "positif"}
	phrases  = []string{
		"Bonjour, je vous appelle au sujet de ma commande qui n'est toujours pas arrivée.",
		"Je voudrais résilier mon abonnement, cela fait trois fois que j'essaie.",
		"Le remboursement promis n'apparaît pas sur mon relevé.",
		"Votre conseillère a été formidable, elle a tout réglé en dix minutes.",
		"On m'a raccroché au nez deux fois, c'est inadmissible.",
		"Je suis client depuis quinze ans et je me sens abandonné.",
		"Merci pour votre patience, tout fonctionne à nouveau.",
		"La facture est deux fois plus élevée que le mois dernier.",
		"Le livreur est passé sans sonner, le colis est reparti au dépôt.",
		"Pouvez-vous me rappeler demain matin avant dix heures ?",
		"Je m'appelle Marie Lefebvre, mon numéro est le 06 45 12 78 90.",
		"Écrivez-moi à paul.martin@example.org pour la suite du dossier.",
	}
)

func main() {
	bin := flag.String("bin", "bin/customer-room", "the customer-room binary")
	work := flag.String("work", filepath.Join(os.TempDir(), "customer-room-libbench"), "working folder (made anew)")
	nrec := flag.Int("recordings", 10000, "recordings to generate")
	nver := flag.Int("verbatims", 100000, "verbatims in the CSV")
	reuse := flag.Bool("reuse", false, "measure the library a previous run left in -work instead of making a new one")
	flag.Parse()
	if err := runBench(*bin, *work, *nrec, *nver, *reuse); err != nil {
		fmt.Fprintln(os.Stderr, "libbench:", err)
		os.Exit(1)
	}
}

func runBench(bin, work string, nrec, nver int, reuse bool) error {
	data := filepath.Join(work, "data")
	var gen, imp time.Duration
	if !reuse {
		var err error
		if gen, imp, err = makeLibrary(bin, work, data, nrec, nver); err != nil {
			return err
		}
	}
	return measure(bin, data, nrec, nver, gen, imp)
}

// makeLibrary generates the recordings, imports the verbatims with the
// real command and adds the bench curator; it returns how long the first
// two took.
func makeLibrary(bin, work, data string, nrec, nver int) (gen, imp time.Duration, err error) {
	os.RemoveAll(work)
	if err := os.MkdirAll(data, 0o750); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := generate(data, nrec); err != nil {
		return 0, 0, err
	}
	gen = time.Since(start)
	csv := filepath.Join(work, "verbatims.csv")
	if err := writeCSV(csv, nver); err != nil {
		return 0, 0, err
	}
	start = time.Now()
	// Five years: the four years of comments stay in the library (six
	// months, the default, would have the server purge most at start).
	out, err := exec.Command(bin, "import", "--data", data, "--retention", "43800h", csv).CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("import: %v: %s", err, out)
	}
	imp = time.Since(start)
	add := exec.Command(bin, "user", "add", "--data", data, "--role", "curator", "bench")
	add.Stdin = strings.NewReader("bench-password\n")
	if out, err := add.CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("user add: %v: %s", err, out)
	}
	return gen, imp, nil
}

// measure serves the library and takes the figures.
func measure(bin, data string, nrec, nver int, gen, imp time.Duration) error {
	srv := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0", "--audio", "null", "--demo=false", "--log-level", "warn")
	stdout, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { srv.Process.Signal(os.Interrupt); srv.Wait() }()
	base, err := waitURL(stdout)
	if err != nil {
		return err
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.Post(base+"/api/auth/login", "application/json", strings.NewReader(`{"name":"bench","password":"bench-password"}`))
	if err != nil || resp.StatusCode != 200 {
		return fmt.Errorf("login: %v %v", err, resp)
	}
	resp.Body.Close()
	// The studio's first page in Chromium, logged in, cache off.
	fcp, shown, err := studioLoads(base, 10)
	if err != nil {
		return fmt.Errorf("studio in Chromium: %w", err)
	}
	r := rand.New(rand.NewPCG(7, 7))
	queries := []string{"resilier", "rembours", "colis", "conseillere formidable", "facture", "livreur depot", "inadmissible", "abonnement", "patience", "rappeler"}
	var search, list, listVerb []time.Duration
	for i := range 300 {
		q := queries[i%len(queries)]
		d, err := get(c, base+"/api/search?q="+url.QueryEscape(q))
		if err != nil {
			return err
		}
		search = append(search, d)
	}
	for range 200 {
		d, err := get(c, fmt.Sprintf("%s/api/recordings?status=all&limit=100&offset=%d", base, r.IntN(nrec-100)))
		if err != nil {
			return err
		}
		list = append(list, d)
		d, err = get(c, fmt.Sprintf("%s/api/verbatims?status=all&limit=100&offset=%d", base, r.IntN(nver-100)))
		if err != nil {
			return err
		}
		listVerb = append(listVerb, d)
	}
	rss, hwm := memory(srv.Process.Pid)

	fmt.Printf("%-58s %12s %10s\n", "large library (this machine, loopback)", "value", "target")
	if gen > 0 { // not with -reuse
		fmt.Printf("%-58s %10.1f s %10s\n", fmt.Sprintf("generate %d recordings (checked transcripts)", nrec), gen.Seconds(), "")
		fmt.Printf("%-58s %10.2f s %10s\n", fmt.Sprintf("import %d verbatims from one CSV (customer-room import)", nver), imp.Seconds(), "< 10 s")
	}
	fmt.Printf("%-58s %10.2f ms %9s\n", "search, p50 of 300 (curator, every status)", pct(search, 50), "")
	fmt.Printf("%-58s %10.2f ms %9s\n", "search, p95", pct(search, 95), "<= 10 ms")
	fmt.Printf("%-58s %10.2f ms %9s\n", "recordings listing (100 a page), p50 of 200", pct(list, 50), "")
	fmt.Printf("%-58s %10.2f ms %9s\n", "recordings listing, p95", pct(list, 95), "<= 20 ms")
	fmt.Printf("%-58s %10.2f ms %9s\n", "verbatims listing (100 a page), p95", pct(listVerb, 95), "<= 20 ms")
	fmt.Printf("%-58s %10.0f ms %9s\n", "studio first paint, median of 10 loads (Chromium, cache off)", pct(fcp, 50), "<= 300 ms")
	fmt.Printf("%-58s %10.0f ms %9s\n", "studio review queue shown, median of 10", pct(shown, 50), "")
	fmt.Printf("%-58s %10.1f MB %9s\n", "server RSS after a studio page and those requests", rss, "<= 60 MB")
	fmt.Printf("%-58s %10.1f MB %9s\n", "server peak RSS (VmHWM)", hwm, "")
	return nil
}

func get(c *http.Client, u string) (time.Duration, error) {
	start := time.Now()
	resp, err := c.Get(u)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return 0, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return time.Since(start), nil
}

func pct(ds []time.Duration, p int) float64 {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return float64(s[(len(s)-1)*p/100].Microseconds()) / 1000
}

var urlRE = regexp.MustCompile(`http://[0-9.]+:[0-9]+`)

func waitURL(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if m := urlRE.FindString(sc.Text()); m != "" {
			go io.Copy(io.Discard, r)
			return m, nil
		}
	}
	return "", fmt.Errorf("the server printed no URL")
}

// memory reads the process's resident and peak resident memory in MB.
func memory(pid int) (rss, hwm float64) {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(b), "\n") {
		var kb float64
		if n, _ := fmt.Sscanf(l, "VmRSS: %f kB", &kb); n == 1 {
			rss = kb / 1024
		}
		if n, _ := fmt.Sscanf(l, "VmHWM: %f kB", &kb); n == 1 {
			hwm = kb / 1024
		}
	}
	return rss, hwm
}

// generate writes nrec recordings straight into a new catalog, every one
// pointing at one tiny WAV: listing and search never read audio.
func generate(data string, nrec int) error {
	ctx := context.Background()
	lay := media.Layout{Dir: data}
	cat, err := catalog.Open(ctx, lay.Catalog())
	if err != nil {
		return err
	}
	defer cat.Close()
	chk, err := review.NewChecker(nil)
	if err != nil {
		return err
	}
	rel := "library/bench/tone.wav"
	if err := writeTone(lay.Abs(rel)); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(1, 2))
	day0 := time.Date(2022, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range nrec {
		day := day0.AddDate(0, 0, r.IntN(4*365))
		score := r.IntN(11)
		var cues []media.ReviewCue
		for j := range 8 {
			cues = append(cues, media.ReviewCue{Cue: media.Cue{StartMS: int64(j) * 4000, EndMS: int64(j)*4000 + 3500,
				Speaker: []string{"Conseiller", "Client"}[j%2], Text: phrases[r.IntN(len(phrases))]}})
		}
		checked, rs, err := chk.Cues(cues, 32000)
		if err != nil {
			return err
		}
		plain := make([]media.Cue, len(cues))
		for j, q := range cues {
			plain[j] = q.Cue
		}
		rec := media.Recording{SHA256: fmt.Sprintf("%064x", i+1), Title: fmt.Sprintf("Appel %d — %s", i+1, topics[r.IntN(len(topics))]),
			SourceName: fmt.Sprintf("appel-%05d.wav", i+1), Path: rel, Format: "wav", Codec: "pcm_s16le", SampleRate: 8000, Channels: 1,
			DurationMS: 32000, Topic: topics[r.IntN(len(topics))], Product: products[r.IntN(len(products))], Sentiment: moods[r.IntN(3)],
			Score: &score, Channel: "téléphone", CallDate: day.Format("2006-01-02"), CreatedAt: day, ExpiresAt: day.AddDate(5, 0, 0)}
		if r.IntN(10) < 7 {
			rec.Status, rec.Rendition = media.StatusApproved, rel
		}
		if _, err := cat.AddRecording(ctx, media.NewRecording{Recording: rec, Transcript: plain, Review: checked, Redactions: rs,
			Peaks: []byte(`{"version":2,"channels":1,"sample_rate":8000,"samples_per_pixel":80,"bits":8,"length":1,"data":[0,0]}`)}); err != nil {
			return err
		}
	}
	return nil
}

func writeTone(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	const n = 800
	b := make([]byte, 44+2*n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], 36+2*n)
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], 8000)
	binary.LittleEndian.PutUint32(b[28:], 16000)
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], 2*n)
	return os.WriteFile(path, b, 0o640)
}

// writeCSV writes nver French verbatims over four years, as a survey
// export does (semicolons, French headers).
func writeCSV(path string, nver int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString("Date;Canal;Thème;Note;Sentiment;Texte\n")
	r := rand.New(rand.NewPCG(3, 4))
	day0 := time.Date(2022, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range nver {
		text := phrases[r.IntN(len(phrases))] + " " + phrases[r.IntN(len(phrases))]
		fmt.Fprintf(w, "%s;%s;%s;%d/10;%s;\"%s (n° %d)\"\n", day0.AddDate(0, 0, r.IntN(4*365)).Format("02/01/2006"),
			[]string{"enquête", "avis", "e-mail", "chat"}[r.IntN(4)], topics[r.IntN(len(topics))], r.IntN(11), moods[r.IntN(3)],
			strings.ReplaceAll(text, `"`, `""`), i+1)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// studioLoads logs a curator in to the studio in headless Chromium, then
// loads its first page n times with the cache off, and returns the times
// from navigation to first contentful paint and to the review queue shown.
func studioLoads(base string, n int) (fcp, shown []time.Duration, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "libbench-chromium")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath("/usr/bin/chromium"), chromedp.UserDataDir(dir), chromedp.WindowSize(1366, 768),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelCtx := chromedp.NewContext(actx)
	defer cancelCtx()
	login := `fetch("/api/auth/login", {method: "POST", headers: {"Content-Type": "application/json"},
		body: JSON.stringify({name: "bench", password: "bench-password"})}).then(r => r.status)`
	if _, err := chromedp.Call(bctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		return nil, nil, err
	}
	if err := chromedp.Do(bctx, chromedp.Navigate(base+"/studio/?lang=fr")); err != nil {
		return nil, nil, err
	}
	if st, err := chromedp.Run(bctx, chromedp.Evaluate[int](login, chromedp.EvalAwaitPromise)); err != nil || st != 200 {
		return nil, nil, fmt.Errorf("login in the browser: %d %v", st, err)
	}
	type load struct {
		FCP    float64 `json:"fcp"`
		Screen float64 `json:"screen"`
	}
	measure := `(() => {
		const p = performance.getEntriesByName("first-contentful-paint")[0];
		const s = performance.getEntriesByName("studio-screen")[0];
		return p && s ? {fcp: p.startTime, screen: s.startTime} : null;
	})()`
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	// Each load in a new tab, as a curator opens the studio: navigating one
	// tab again and again measures the last page's teardown too.
	for i := range n {
		tab, closeTab := chromedp.NewContext(bctx)
		if _, err := chromedp.Call(tab, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
			closeTab()
			return nil, nil, err
		}
		err := chromedp.Do(tab, chromedp.Navigate(fmt.Sprintf("%s/studio/?n=%d", base, i)))
		var l load
		if err == nil {
			l, err = chromedp.Run(tab, chromedp.Poll[load](measure, chromedp.WithPollingTimeout(20*time.Second)))
		}
		if err == nil && i == n-1 && os.Getenv("LIBBENCH_DEBUG") != "" {
			dbg, _ := chromedp.Run(tab, chromedp.Evaluate[string](`JSON.stringify([performance.getEntriesByType("navigation")[0], ...performance.getEntriesByType("resource"), ...performance.getEntriesByType("paint"), ...performance.getEntriesByType("mark")].map(e => [e.name.replace(location.origin, ""), Math.round(e.startTime), Math.round(e.responseEnd || 0)]))`))
			fmt.Println("last load (name, start ms, response end ms):", dbg)
		}
		closeTab()
		if err != nil {
			return nil, nil, err
		}
		fcp, shown = append(fcp, ms(l.FCP)), append(shown, ms(l.Screen))
	}
	return fcp, shown, nil
}
