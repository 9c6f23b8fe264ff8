package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const (
	// stepTimeout bounds every single wait: generous, because the tests share
	// a slow 2-core machine with builds of other packages.
	stepTimeout = 20 * time.Second

	// scenarioTimeout bounds a whole test; artifactTimeout is the grace
	// after it to still take screenshots of a failure.
	scenarioTimeout = 2 * time.Minute
	artifactTimeout = 30 * time.Second

	// viewport is a common small phone: the PWA is mobile first.
	viewportWidth, viewportHeight = 360, 740
)

// findChromium returns the path of the browser to drive: $BUURTPLEIN_CHROMIUM
// or the first of chromium, chromium-browser and google-chrome on PATH. When
// there is none the test skips, or fails when BUURTPLEIN_E2E=1 asks for the
// browser tests to be mandatory.
func findChromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("BUURTPLEIN_CHROMIUM"); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("BUURTPLEIN_CHROMIUM=%s: %v", p, err)
		}
		return path
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	const msg = "Chromium niet gevonden: installeer het Debian-pakket chromium, of zet BUURTPLEIN_E2E=1 om dit een fout te maken"
	if os.Getenv("BUURTPLEIN_E2E") == "1" {
		t.Fatal(msg + " (BUURTPLEIN_E2E=1: de browsertests zijn verplicht)")
	}
	t.Skip(msg)
	return ""
}

// browser is one headless Chromium for one test. Its tabs (see [browser.tab])
// each live in their own browser context, so they share no cookies and no
// localStorage: two users can be signed in side by side.
type browser struct {
	t        *testing.T
	baseURL  string
	api      string          // where the test's own API calls go, when not baseURL (behind an HTTPS front)
	ctx      context.Context // the browser's first chromedp context
	deadline time.Time       // no step may wait past this
}

// newBrowser starts the Buurtplein server if it is not running yet and a
// headless Chromium for t on a fresh profile, which it stops when t ends.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	findChromium(t) // first: without a browser, skip before building
	return newBrowserAt(t, startServer(t))
}

// newBrowserAt is [newBrowser] for another server, at baseURL, with
// Chromium's extra flags, if any.
func newBrowserAt(t *testing.T, baseURL string, extra ...chromedp.ExecAllocatorOption) *browser {
	t.Helper()
	execPath := findChromium(t)

	var chromeOut syncBuffer
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(viewportWidth, viewportHeight),
		chromedp.CombinedOutput(&chromeOut),
	)
	opts = append(opts, extra...)

	// the hard stop: past it Chromium is killed, whatever a step is doing
	start := time.Now()
	root, cancelRoot := context.WithDeadline(context.Background(), start.Add(scenarioTimeout+artifactTimeout))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(root, opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	// t.Cleanup runs last-in first-out: the browser is gone before
	// t.TempDir removes its profile
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelRoot()
		if t.Failed() && chromeOut.String() != "" {
			t.Logf("--- Chromium output ---\n%s", chromeOut.String())
		}
	})

	// NB! the first Do starts the browser and binds its life to the context
	// it is given: so no step timeout here, only the hard deadline above
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v\n%s", execPath, err, chromeOut.String())
	}
	return &browser{t: t, baseURL: baseURL, ctx: ctx, deadline: start.Add(scenarioTimeout)}
}

// apiURL is where the test's own API calls go: the server itself.
func (b *browser) apiURL() string {
	if b.api != "" {
		return b.api
	}
	return b.baseURL
}

// tab is one user's page in its own browser context.
type tab struct {
	b    *browser
	t    *testing.T
	name string // who, for the log: "carla"
	ctx  context.Context

	mu      sync.Mutex
	console []string // what the page wrote to its console, in order
}

// tab opens a page in a new browser context (an incognito-like profile of
// its own), sized as a phone. On a failure of the test it logs the page's
// console and saves a full-page screenshot.
func (b *browser) tab(name string) *tab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	p := &tab{b: b, t: b.t, name: name, ctx: ctx}

	// NB! the first Run on a context binds the tab's life to the context it
	// is given: so no step timeout here (the browser's hard deadline holds)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(viewportWidth, viewportHeight)); err != nil {
		b.t.Fatalf("%s: open a tab: %v", name, err)
	}

	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			line := m.String()
			if m.URL != "" {
				line += fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
			}
			p.mu.Lock()
			p.console = append(p.console, line)
			p.mu.Unlock()
		}
	}()

	// registered after cancel, so it runs before the tab closes
	b.t.Cleanup(func() {
		if b.t.Failed() {
			p.saveArtifacts()
		}
	})
	return p
}

// stepContext bounds one step by stepTimeout and by the scenario deadline.
func (p *tab) stepContext() (context.Context, context.CancelFunc) {
	deadline := time.Now().Add(stepTimeout)
	if p.b.deadline.Before(deadline) {
		deadline = p.b.deadline
	}
	return context.WithDeadline(p.ctx, deadline)
}

// do runs the actions as one step and fails the test if one fails.
func (p *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := p.stepContext()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %s: %v", p.name, what, err)
	}
}

// open navigates the page to a path of the app with a full page load.
func (p *tab) open(path string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.b.baseURL+path))
}

// goTo changes the hash route within the running app, as a click on a link
// does: no page load.
func (p *tab) goTo(hash string) {
	p.t.Helper()
	p.do("go to "+hash, chromedp.Evaluate[chromedp.Void]("location.hash = "+jsString(hash)))
}

// waitVisible waits until an element that matches the CSS selector is
// visible.
func (p *tab) waitVisible(what, selector string) {
	p.t.Helper()
	p.do(what, chromedp.WaitVisible(chromedp.CSS(selector)))
}

// waitFor waits until the JavaScript expression is true in the page. It
// evaluates from Go, so a page load or a re-render in between does no harm.
func (p *tab) waitFor(what, expr string) {
	p.t.Helper()
	ctx, cancel := p.stepContext()
	defer cancel()
	var lastErr error
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		if err == nil && ok {
			return
		}
		if err != nil && ctx.Err() == nil {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			msg := fmt.Sprintf("%s: %s: not so after %s", p.name, what, stepTimeout)
			if lastErr != nil {
				msg += fmt.Sprintf(" (last error: %v)", lastErr)
			}
			p.t.Fatal(msg)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](p *tab, what, expr string, opts ...chromedp.EvaluateOption) T {
	p.t.Helper()
	ctx, cancel := p.stepContext()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		p.t.Fatalf("%s: %s: %v", p.name, what, err)
	}
	return v
}

// saveArtifacts logs the page's address and console, and saves a full-page
// screenshot to a file that outlives the test.
func (p *tab) saveArtifacts() {
	p.mu.Lock()
	console := strings.Join(p.console, "\n")
	p.mu.Unlock()
	if console == "" {
		console = "(empty)"
	}
	p.t.Logf("--- %s: browser console ---\n%s", p.name, console)

	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	if url, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		p.t.Logf("%s: the page was at %s", p.name, url)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		var f *os.File
		if f, err = os.CreateTemp("", "buurtplein-e2e-"+p.name+"-*.png"); err == nil {
			_, err = f.Write(png)
			err = errors.Join(err, f.Close())
			if err == nil {
				p.t.Logf("%s: screenshot saved to %s", p.name, f.Name())
				return
			}
		}
	}
	p.t.Logf("%s: no screenshot: %v", p.name, err)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a string always marshals
	}
	return string(b)
}
