// Package e2e holds Buurtplein's browser tests: they build the real binary,
// start it with the demo organisation on a temporary data dir and a free
// port, and drive the PWA in pb_public with a headless Chromium through the
// Chrome DevTools Protocol (github.com/chromedp/chromedp).
//
// Run them with:
//
//	GOTOOLCHAIN=auto BUURTPLEIN_E2E=1 go test ./e2e/ -count=1 -v
//
// Without Chromium (the Debian package chromium) the tests skip, unless
// BUURTPLEIN_E2E=1 is set: then a missing browser is a failure. Set
// BUURTPLEIN_CHROMIUM to the path of another Chromium or Chrome to use that.
//
// On a failure the tests log the server's output, the browser console of
// each signed-in user and the path of a full-page screenshot of each.
package e2e
