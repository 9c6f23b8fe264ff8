package e2e

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPWAIsServed proves the harness: the binary builds and serves, Chromium
// starts, and a page reaches both the API and pb_public. When this passes
// and the feed test fails, look at the PWA, not at the plumbing.
func TestPWAIsServed(t *testing.T) {
	b := newBrowser(t)
	p := b.tab("smoke")

	ctx, cancel := p.stepContext()
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.baseURL+"/"))
	if err != nil {
		t.Fatalf("opening /: %v", err)
	}
	if res.Status != http.StatusOK {
		t.Fatalf("GET / = %d %s, want 200 (is pb_public/index.html there?)", res.Status, res.StatusText)
	}

	health := eval[int](p, "fetch /api/health from the page",
		`fetch("/api/health").then(r => r.status)`, chromedp.EvalAwaitPromise)
	if health != http.StatusOK {
		t.Fatalf("GET /api/health from the page = %d, want 200", health)
	}
}
