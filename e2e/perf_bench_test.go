package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"buurtplein/internal/drill"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// The budget of issue 14 for the signed-in home screen (the organisation
// feed) on Slow 4G with a 4x slower CPU.
const (
	budgetFirstLoadBytes = 150 * 1000
	budgetFirstPost      = 4 * time.Second
	budgetWarmStart      = 1500 * time.Millisecond

	// budgetFirstLoadRequests bounds the requests of the first load. Over
	// HTTP/2 they travel side by side, but each is headers and a stream
	// more. 47 when it was set (54 before the icons came with the style
	// sheets, 64 before the screens' styles and the second language were
	// left for later), 49 since the feed's first page is asked for by a
	// module of its own at start: a guard against sliding back, not a goal.
	budgetFirstLoadRequests = 50
)

// slow4G is Chromium DevTools' "Slow 4G" preset (formerly "Fast 3G").
var slow4G = network.Conditions{Latency: 562.5, DownloadThroughput: 180000, UploadThroughput: 84375}

// firstPostProbe records, in the page, when the first post of a feed is on
// screen (performance.now(), from the start of the navigation) in
// window.__firstPost: after the frame that draws it. A post kept on the
// device from the last time counts: it is what the person sees. When the
// feed has its fresh first page (data-state="ready") goes in
// window.__feedFresh. Injected before any script of the page runs. It
// asks for no layout while the page is built (that would cost the page
// time the probe then counts), only once a post is there.
const firstPostProbe = `(() => {
  let waiting = false;
  const drawn = () => {
    const post = document.querySelector('[data-test=feed] article[data-test=post]');
    if (!window.__firstPost && post && post.getBoundingClientRect().height > 0) window.__firstPost = performance.now();
  };
  const obs = new MutationObserver(() => {
    if (!window.__feedFresh && document.querySelector('[data-test=feed][data-state=ready]')) window.__feedFresh = performance.now();
    if (window.__firstPost && window.__feedFresh) obs.disconnect();
    if (window.__firstPost || waiting || !document.querySelector('[data-test=feed] article[data-test=post]')) return;
    waiting = true;
    requestAnimationFrame(() => setTimeout(() => { waiting = false; drawn(); }, 0));
  });
  obs.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-state'] });
})();`

// loadFigures is what one page load of the home screen cost.
type loadFigures struct {
	bytes     int            // transferred over the network: headers and (compressed) bodies
	requests  int            // every request of the page, those the worker answered too
	network   int            // the requests that reached the network
	firstPost time.Duration  // from the start of the navigation to the first post on screen
	fresh     time.Duration  // from the start of the navigation to the feed's fresh first page
	byURL     map[string]int // bytes by path
	countURL  map[string]int // requests by path
	waterfall []span         // every request, in the order they started
}

// span is one request of a load: when it started and ended, from the
// load's first request.
type span struct {
	path       string
	start, end time.Duration
	fromSW     bool
}

// timeline lists the requests that started before the first post showed,
// with when each started and ended: what the first post waited for.
func (f loadFigures) timeline() string {
	var b strings.Builder
	for _, s := range f.waterfall {
		if s.start > f.firstPost {
			continue
		}
		where := "net"
		if s.fromSW {
			where = "sw "
		}
		fmt.Fprintf(&b, "\n  %5d-%5d ms %s %s", s.start.Milliseconds(), s.end.Milliseconds(), where, s.path)
	}
	return b.String()
}

func (f loadFigures) String() string {
	return fmt.Sprintf("%.1f KB, %d requests (%d over the network), first post after %s, the feed fresh after %s",
		float64(f.bytes)/1000, f.requests, f.network, f.firstPost.Round(10*time.Millisecond), f.fresh.Round(10*time.Millisecond))
}

// largest lists the n URLs that took the most bytes, for the log.
func (f loadFigures) largest(n int) string {
	urls := make([]string, 0, len(f.byURL))
	for u := range f.byURL {
		urls = append(urls, u)
	}
	slices.SortFunc(urls, func(a, b string) int { return f.byURL[b] - f.byURL[a] })
	var b strings.Builder
	for i, u := range urls {
		if i == n {
			break
		}
		fmt.Fprintf(&b, "\n  %6.1f KB %2dx %s", float64(f.byURL[u])/1000, f.countURL[u], u)
	}
	return b.String()
}

// ownServer starts a server of the test's own with the demo organisation,
// serving the PWA from the binary (as in production) or, with publicDir,
// from that folder, and returns its base URL.
func ownServer(t *testing.T, publicDir string) string {
	t.Helper()
	findChromium(t) // first: without a browser, skip before building
	startServer(t)  // builds the binary
	server, err := drill.Start(drill.ServerOptions{
		Bin:       filepath.Join(srv.tmpDir, "buurtplein"),
		DataDir:   t.TempDir(),
		Demo:      true,
		PublicDir: publicDir,
		WorkDir:   t.TempDir(),
	})
	if err != nil {
		t.Fatalf("starting a server of the test's own: %v\n%s", err, server.Output())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- server output (%s) ---\n%s", server.URL, server.Output())
		}
		_ = server.Stop()
	})
	return server.URL
}

// signInQuietly gives the tab a session without opening the app: it signs
// in over the API and stores the session where the PWA's client keeps it,
// on a page of the origin that is no part of the app (the manifest). The
// browser's HTTP cache stays empty of the app's files.
func (p *tab) signInQuietly(email string) {
	p.t.Helper()
	status, auth := postJSON(p.t, p.b.apiURL()+"/api/collections/users/auth-with-password", "",
		map[string]string{"identity": email, "password": demoPassword})
	if status != http.StatusOK {
		p.t.Fatalf("sign in %s over the API: %d %v", email, status, auth)
	}
	p.open("/manifest.webmanifest")
	session, err := json.Marshal(map[string]any{"token": auth["token"], "record": auth["record"]})
	if err != nil {
		p.t.Fatal(err)
	}
	p.do("store the session", chromedp.Evaluate[chromedp.Void](`localStorage.setItem("pocketbase_auth", `+jsString(string(session))+`)`))
}

// tlsFront puts an HTTPS front with HTTP/2 before the server at base, as
// a phone reaches Buurtplein in production (PocketBase's own certificates
// or a reverse proxy; a PWA's worker and push need HTTPS anyway), and
// returns its URL. Over HTTP/1.1 a browser opens six connections to a
// host, so on Slow 4G every six requests cost a round trip of 562 ms more;
// HTTP/2 sends them side by side on one. The browser must be started with
// tlsFlags: the front's certificate is the test's own.
func tlsFront(t *testing.T, base string) string {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(target))
	front.EnableHTTP2 = true
	front.StartTLS()
	t.Cleanup(front.Close)
	// the browser asks for "localhost": the test's certificate names it
	return strings.Replace(front.URL, "127.0.0.1", "localhost", 1)
}

// tlsFlags lets Chromium take the front's certificate, which no authority
// signed.
var tlsFlags = chromedp.Flag("ignore-certificate-errors", true)

// cpuSlowdown is the budget's 4x slower CPU, or BUURTPLEIN_PERF_CPU's
// rate: 1 tells how much of a figure is this machine's own speed.
func cpuSlowdown() float64 {
	var rate float64
	if n, err := fmt.Sscan(os.Getenv("BUURTPLEIN_PERF_CPU"), &rate); n == 1 && err == nil && rate >= 1 {
		return rate
	}
	return 4
}

// throttle sets Slow 4G and a 4x slower CPU on the tab (or lifts both).
func (p *tab) throttle(on bool) {
	p.t.Helper()
	conditions, rate := network.Conditions{Latency: 0, DownloadThroughput: -1, UploadThroughput: -1}, 1.0
	if on {
		conditions, rate = slow4G, cpuSlowdown()
	}
	p.do("throttle", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: []*network.Conditions{&conditions}}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: rate})
		return err
	}))
}

// measureHome loads the app at #/feed and measures the load until the first
// post is on screen and the network has been quiet for a second (the
// realtime stream, which never ends, aside).
func (p *tab) measureHome() loadFigures {
	p.t.Helper()
	var (
		mu       sync.Mutex
		urls     = map[network.RequestID]string{}
		fromSW   = map[network.RequestID]bool{}
		bytes    = map[network.RequestID]float64{}
		finished = map[network.RequestID]bool{}
		started  = map[network.RequestID]time.Time{}
		ended    = map[network.RequestID]time.Time{}
		lastSeen = time.Now()
	)
	ctx, cancel := context.WithCancel(p.ctx)
	defer cancel()
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if _, ok := urls[ev.RequestID]; !ok {
				urls[ev.RequestID] = ev.Request.URL
				started[ev.RequestID] = monotonic(ev.Timestamp)
			}
		case *network.EventResponseReceived:
			fromSW[ev.RequestID] = ev.Response.FromServiceWorker
		case *network.EventDataReceived:
			if !finished[ev.RequestID] {
				bytes[ev.RequestID] += float64(ev.EncodedDataLength)
			}
		case *network.EventLoadingFinished:
			finished[ev.RequestID] = true
			ended[ev.RequestID] = monotonic(ev.Timestamp)
			bytes[ev.RequestID] = ev.EncodedDataLength
		case *network.EventLoadingFailed:
			finished[ev.RequestID] = true
			ended[ev.RequestID] = monotonic(ev.Timestamp)
		default:
			return
		}
		lastSeen = time.Now()
	})
	if err != nil {
		p.t.Fatalf("listen to the network: %v", err)
	}
	p.do("watch for the first post", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: firstPostProbe})
		return err
	}))

	p.open("/#/feed")
	p.waitFor("see the first post and the fresh feed", `window.__firstPost > 0 && window.__feedFresh > 0`)
	firstPost := eval[float64](p, "read when the first post showed", `window.__firstPost`)
	fresh := eval[float64](p, "read when the feed was fresh", `window.__feedFresh`)
	for {
		mu.Lock()
		quiet := time.Since(lastSeen)
		mu.Unlock()
		if quiet > time.Second {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}

	mu.Lock()
	defer mu.Unlock()
	f := loadFigures{firstPost: time.Duration(firstPost * float64(time.Millisecond)), fresh: time.Duration(fresh * float64(time.Millisecond)), byURL: map[string]int{}, countURL: map[string]int{}}
	var first time.Time
	for id, u := range urls {
		if !strings.HasPrefix(u, "data:") && (first.IsZero() || started[id].Before(first)) {
			first = started[id]
		}
	}
	for id, u := range urls {
		if strings.HasPrefix(u, "data:") {
			continue
		}
		path := u
		if pu, err := url.Parse(u); err == nil {
			path = pu.Path
		}
		s := span{path: path, start: started[id].Sub(first), fromSW: fromSW[id]}
		if !ended[id].IsZero() {
			s.end = ended[id].Sub(first)
		}
		f.waterfall = append(f.waterfall, s)
		f.requests++
		if fromSW[id] {
			continue
		}
		f.network++
		f.bytes += int(bytes[id])
		f.byURL[path] += int(bytes[id])
		f.countURL[path]++
	}
	slices.SortFunc(f.waterfall, func(a, b span) int { return int(a.start - b.start) })
	return f
}

// clearSite drops the worker, its caches and the HTTP cache of the origin,
// keeping the session in localStorage: the next load is a first load.
func (p *tab) clearSite() {
	p.t.Helper()
	p.do("clear the site's caches", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.ClearBrowserCache, cdp.Empty{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, storage.ClearDataForOrigin, storage.ClearDataForOriginParams{Origin: p.b.baseURL, StorageTypes: "service_workers,cache_storage"})
		return err
	}))
}

// TestHomeFirstLoadBytes loads the signed-in home screen on a clean
// browser (no worker, nothing cached), over HTTPS with HTTP/2 as in
// production, and holds it to the budget's bytes and a bound on the
// requests: both are counts, the same on any machine.
// The times are the benchmark's (TestHomePerfBudget).
func TestHomeFirstLoadBytes(t *testing.T) {
	base := ownServer(t, "")
	b := newBrowserAt(t, tlsFront(t, base), tlsFlags)
	b.api = base
	bram := b.tab("bram")
	bram.signInQuietly("bram@buurtplein.test")
	f := bram.measureHome()
	t.Logf("first load: %s%s", f, f.largest(12))
	if f.bytes > budgetFirstLoadBytes {
		t.Errorf("the first load of the home screen transferred %d bytes; the budget is %d", f.bytes, budgetFirstLoadBytes)
	}
	if f.network > budgetFirstLoadRequests {
		t.Errorf("the first load of the home screen made %d requests; at most %d", f.network, budgetFirstLoadRequests)
	}
}

// TestHomePerfBudget is the browser benchmark of issue 14: the signed-in
// home screen on Chromium's Slow 4G with a 4x slower CPU, over HTTPS with
// HTTP/2 (see tlsFront), first on a clean browser (the time to the first
// post, the bytes, the requests), then a warm start once the service
// worker holds the shell. Timing depends on the machine, so it runs only
// when asked:
//
//	BUURTPLEIN_PERF=1 go test ./e2e -run TestHomePerfBudget -count=1 -v
//
// BUURTPLEIN_PERF_RUNS sets the number of runs (default 3); the median
// counts. BUURTPLEIN_PERF_HTTP1=1 measures over plain HTTP/1.1 instead,
// for comparison: six connections, a round trip per six requests.
// BUURTPLEIN_PERF_CPU=1 leaves the CPU as it is, for calibration.
// BUURTPLEIN_PERF_RECORD=1 writes the medians into docs/BENCHMARKS.md.
func TestHomePerfBudget(t *testing.T) {
	if os.Getenv("BUURTPLEIN_PERF") != "1" {
		t.Skip("a benchmark: BUURTPLEIN_PERF=1 runs it")
	}
	runs := 3
	if n, err := fmt.Sscan(os.Getenv("BUURTPLEIN_PERF_RUNS"), &runs); n == 0 || err != nil || runs < 1 {
		runs = 3
	}
	base := ownServer(t, "")
	front, flags := tlsFront(t, base), []chromedp.ExecAllocatorOption{tlsFlags}
	if os.Getenv("BUURTPLEIN_PERF_HTTP1") == "1" {
		front, flags = base, nil
	}

	var cold, warm []loadFigures
	for i := 0; i < runs; i++ {
		// a run of its own: its browser is gone before the next starts,
		// not left running beside it (a worker, a realtime stream, timers)
		t.Run(fmt.Sprintf("run %d", i+1), func(t *testing.T) {
			b := newBrowserAt(t, front, flags...)
			b.api = base
			bram := b.tab("bram")
			bram.signInQuietly("bram@buurtplein.test")
			bram.clearSite()
			bram.throttle(true)
			c := bram.measureHome()
			t.Logf("first load: %s%s\nbefore the first post:%s", c, c.largest(8), c.timeline())

			// the worker installs in the background; once it controls the
			// page, a new start is served from its cache
			bram.throttle(false)
			bram.waitFor("see the service worker control the page", `navigator.serviceWorker.controller?.state === "activated"`)
			bram.do("leave the app", chromedp.Navigate("about:blank"))
			bram.throttle(true)
			w := bram.measureHome()
			t.Logf("warm start: %s%s\nbefore the first post:%s", w, w.largest(8), w.timeline())
			cold, warm = append(cold, c), append(warm, w)
		})
	}
	if len(cold) < runs {
		t.FailNow() // a run failed: no median to speak of
	}

	c, w := medianRun(cold), medianRun(warm)
	t.Logf("median of %d runs (Slow 4G, CPU %gx): first load %s; warm start %s", runs, cpuSlowdown(), c, w)
	if os.Getenv("BUURTPLEIN_PERF_RECORD") == "1" {
		protocol := "HTTPS, HTTP/2"
		if front == base {
			protocol = "plain HTTP/1.1"
		}
		recordFigures(t, fmt.Sprintf("| %s | %s | %gx | %d | %s (fresh %s), %.1f KB, %d requests | %s (fresh %s) | %s |",
			time.Now().UTC().Format("2006-01-02 15:04 UTC"), protocol, cpuSlowdown(), runs,
			seconds(c.firstPost), seconds(c.fresh), float64(c.bytes)/1000, c.network,
			seconds(w.firstPost), seconds(w.fresh), loadAverage()))
	}
	if c.bytes > budgetFirstLoadBytes {
		t.Errorf("first load: %d bytes; the budget is %d", c.bytes, budgetFirstLoadBytes)
	}
	if c.firstPost >= budgetFirstPost {
		t.Errorf("first load: the first post after %s; the budget is %s", c.firstPost, budgetFirstPost)
	}
	if w.firstPost >= budgetWarmStart {
		t.Errorf("warm start: the first post after %s; the budget is %s", w.firstPost, budgetWarmStart)
	}
}

// recordedRuns is the line of docs/BENCHMARKS.md above which
// BUURTPLEIN_PERF_RECORD=1 adds the benchmark's medians as a table row.
const recordedRuns = "<!-- TestHomePerfBudget adds its rows above this line (BUURTPLEIN_PERF_RECORD=1) -->"

// recordFigures writes row into docs/BENCHMARKS.md, above recordedRuns.
func recordFigures(t *testing.T, row string) {
	t.Helper()
	path := filepath.Join("..", "docs", "BENCHMARKS.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("recording the figures: %v", err)
	}
	at := strings.Index(string(doc), recordedRuns)
	if at < 0 {
		t.Fatalf("recording the figures: %s has no line %q", path, recordedRuns)
	}
	out := string(doc[:at]) + row + "\n" + string(doc[at:])
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatalf("recording the figures: %v", err)
	}
	t.Logf("recorded in %s: %s", path, row)
}

// seconds writes d as "3.37 s".
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// loadAverage is the machine's load over the last minute, "?" where the
// system does not say: the figures depend on it.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if fields := strings.Fields(string(raw)); err == nil && len(fields) > 0 {
		return fields[0]
	}
	return "?"
}

// median returns the run with the median time to the first post.
func medianRun(runs []loadFigures) loadFigures {
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(a, b loadFigures) int { return int(a.firstPost - b.firstPost) })
	return sorted[len(sorted)/2]
}

// monotonic turns DevTools' monotonic seconds into a time.Time, for the
// durations between two of them.
func monotonic(t cdp.MonotonicTime) time.Time {
	return time.Unix(0, int64(t.Float64()*1e9))
}
