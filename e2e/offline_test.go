package e2e

import (
	"context"
	"path/filepath"
	"testing"

	"buurtplein/internal/drill"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestOfflineReload signs bram in on a server of its own, waits until the
// service worker controls the page and holds the shell, then takes the
// connection away (the server is killed and the browser says it is
// offline) and reloads: the app shell shows bram's header and screen from
// the service worker's cache, not "Buurtplein laden…" for ever.
func TestOfflineReload(t *testing.T) {
	findChromium(t) // first: without a browser, skip before building
	startServer(t)  // builds the binary (and starts the shared server)

	// the server serves the PWA from the files embedded in the binary: no
	// --publicDir, as in production
	server, err := drill.Start(drill.ServerOptions{
		Bin:     filepath.Join(srv.tmpDir, "buurtplein"),
		DataDir: t.TempDir(),
		Demo:    true,
		WorkDir: t.TempDir(),
	})
	if err != nil {
		t.Fatalf("starting a server to take offline: %v\n%s", err, server.Output())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- server output (offline, %s) ---\n%s", server.URL, server.Output())
		}
		_ = server.Kill()
	})

	b := newBrowserAt(t, server.URL)
	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	// the worker takes control when it activates, which follows an install
	// that cached every file of the shell
	bram.waitFor("see the service worker control the page", `navigator.serviceWorker.controller?.state === "activated"`)
	if n := eval[int](bram, "count the cached shell", `caches.keys()
		.then(keys => caches.open(keys.find(k => k.startsWith("buurtplein-shell-"))))
		.then(cache => cache.keys()).then(requests => requests.length)`, chromedp.EvalAwaitPromise); n < 40 {
		t.Fatalf("the service worker cached %d files of the shell", n)
	}

	if err := server.Kill(); err != nil {
		t.Fatal(err)
	}
	bram.do("go offline", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	}))
	if online := eval[bool](bram, "read navigator.onLine", `navigator.onLine`); online {
		t.Fatal("navigator.onLine is still true after going offline")
	}

	bram.do("reload offline", chromedp.Reload())
	bram.waitFor("see the app shell with bram in the header, offline",
		`(document.querySelector("[data-test=current-user]")?.textContent ?? "").includes("Bram Jansen") && `+
			`!document.querySelector("#main .state-loading")`)
	bram.waitFor("see the offline banner", `document.querySelector("#offline-banner")?.hidden === false`)
	if ctl := eval[bool](bram, "ask whether the worker answered", `navigator.serviceWorker.controller !== null`); !ctl {
		t.Error("after the offline reload no service worker controls the page")
	}
}
