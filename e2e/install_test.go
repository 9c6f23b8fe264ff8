package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"buurtplein/internal/drill"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// shellCache is a JavaScript promise of the names of the service worker's
// shell caches ("buurtplein-shell-<version>").
const shellCache = `caches.keys().then(keys => keys.filter(k => k.startsWith("buurtplein-shell-")).sort().join(","))`

// TestUpdatePrompt serves the PWA from a copy of pb_public, lets bram's
// browser keep that shell, then changes a file of the copy: the server
// makes a new worker of it, which installs and waits. The open app offers
// "Nieuwe versie — Vernieuwen" without reloading; the button makes the new
// worker take over and reloads the page, which then runs on the new shell.
func TestUpdatePrompt(t *testing.T) {
	findChromium(t) // first: without a browser, skip before building
	public := t.TempDir()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := drill.ModuleRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(public, os.DirFS(filepath.Join(root, "pb_public"))); err != nil {
		t.Fatalf("copy pb_public: %v", err)
	}

	b := newBrowserAt(t, ownServer(t, public))
	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.waitFor("see the service worker control the page", `navigator.serviceWorker.controller?.state === "activated"`)
	before := eval[string](bram, "read the shell's cache", shellCache, chromedp.EvalAwaitPromise)
	if before == "" {
		t.Fatal("the service worker keeps no shell cache")
	}
	if eval[bool](bram, "look for an update prompt", `!!document.querySelector("[data-test=update-ready]")`) {
		t.Fatal("the first install offers an update")
	}
	bram.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.__before = true`))

	// a new version of the shell: one file changed
	css := filepath.Join(public, "css", "app.css")
	f, err := os.OpenFile(css, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\n/* a new version */\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	// browsers look for a new worker at a navigation and now and then; the
	// test does not wait for either
	bram.do("look for a new worker", chromedp.Evaluate[chromedp.Void](
		`navigator.serviceWorker.getRegistration().then(r => r.update())`, chromedp.EvalAwaitPromise))
	bram.waitVisible("see the update prompt", `[data-test=update-ready] [data-test=update-reload]`)
	if !eval[bool](bram, "see the page was not reloaded", `window.__before === true`) {
		t.Fatal("the page reloaded before bram chose to")
	}
	if !eval[bool](bram, "see the new worker wait", `navigator.serviceWorker.getRegistration().then(r => !!r.waiting)`, chromedp.EvalAwaitPromise) {
		t.Fatal("the new worker does not wait for bram")
	}
	if got := eval[string](bram, "read the cache in use", `navigator.serviceWorker.controller.scriptURL`); got == "" {
		t.Fatal("no worker controls the page while the new one waits")
	}

	bram.do("choose the new version", chromedp.Click(chromedp.CSS(`[data-test=update-reload]`)))
	bram.waitFor("see the page reloaded on the new shell",
		`window.__before === undefined && (document.querySelector("[data-test=current-user]")?.textContent ?? "").includes("Bram Jansen")`)
	bram.waitFor("see the new worker in control", `navigator.serviceWorker.controller?.state === "activated"`)
	after := eval[string](bram, "read the shell's cache", shellCache, chromedp.EvalAwaitPromise)
	if after == "" || after == before {
		t.Fatalf("the shell cache after the update is %q (before: %q)", after, before)
	}
	if eval[bool](bram, "look for an update prompt", `!!document.querySelector("[data-test=update-ready]")`) {
		t.Error("after the update the prompt still shows")
	}
}

// iPhoneSafari is the user agent of Safari on an iPhone.
const iPhoneSafari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"

// TestIosHint opens the app as Safari on an iPhone: the hint to add
// Buurtplein to the home screen shows, once (not after a reload); in
// Chromium it never shows.
func TestIosHint(t *testing.T) {
	b := newBrowser(t)

	iphone := b.tab("iphone")
	iphone.do("be an iPhone", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: iPhoneSafari, Platform: "iPhone"})
		return err
	}))
	iphone.open("/#/login")
	iphone.waitVisible("see the hint", `[data-test=ios-hint]`)
	iphone.do("close the hint", chromedp.Click(chromedp.CSS(`[data-test=ios-hint-close]`)))
	iphone.waitFor("see the hint go", `!document.querySelector("[data-test=ios-hint]")`)
	iphone.do("reload", chromedp.Reload())
	iphone.waitVisible("see the sign-in form", `form#login-form`)
	// the hint would come with the service worker's registration
	iphone.waitFor("see the service worker control the page", `navigator.serviceWorker.controller?.state === "activated"`)
	if eval[bool](iphone, "look for the hint", `!!document.querySelector("[data-test=ios-hint]")`) {
		t.Error("the iOS hint shows a second time")
	}

	chromium := b.tab("chromium")
	chromium.open("/#/login")
	chromium.waitVisible("see the sign-in form", `form#login-form`)
	chromium.waitFor("see the service worker control the page", `navigator.serviceWorker.controller?.state === "activated"`)
	if eval[bool](chromium, "look for the hint", `!!document.querySelector("[data-test=ios-hint]")`) {
		t.Error("Chromium shows the iOS hint")
	}
}
