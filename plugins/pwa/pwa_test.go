package pwa_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"buurtplein/pb_public"
	"buurtplein/plugins/pwa"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

const immutable = "public, max-age=31536000, immutable"

// serve starts a server with the pwa plugin on a plain PocketBase app, with
// PocketBase's CORS middleware bound as `serve` binds it.
func serve(t *testing.T, config pwa.Config) string {
	t.Helper()
	app, err := tests.NewTestApp()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	pwa.MustRegister(app, config)

	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	router.Bind(apis.CORS(apis.CORSConfig{AllowOrigins: []string{"*"}}))
	var mux http.Handler
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(e *core.ServeEvent) error {
		mux, err = e.Router.BuildMux()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)
	return server.URL
}

// client never decompresses by itself: the tests look at the bytes sent.
var client = &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 10 * time.Second}

// get sends a GET with the headers (name, value, name, value…) and returns
// the response with its body read.
func get(t *testing.T, url string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// embedded returns a file of the embedded PWA.
func embedded(t *testing.T, name string) []byte {
	t.Helper()
	body, err := fs.ReadFile(pb_public.Files, name)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// served returns the bytes the server sends for a file of the embedded
// PWA: the file itself, but a style sheet with its small SVG icons written
// in as data: URLs.
func served(t *testing.T, name string) []byte {
	t.Helper()
	body := embedded(t, name)
	if path.Ext(name) != ".css" {
		return body
	}
	icon := regexp.MustCompile(`url\("([^"]+\.svg)"\)`)
	return icon.ReplaceAllFunc(body, func(ref []byte) []byte {
		svg := embedded(t, path.Join(path.Dir(name), string(icon.FindSubmatch(ref)[1])))
		return []byte(`url("data:image/svg+xml;base64,` + base64.StdEncoding.EncodeToString(svg) + `")`)
	})
}

// withoutPreloads returns a body without what the server adds to
// index.html (the shell's modules to preload): the file as written.
func withoutPreloads(body []byte) []byte {
	return generated.ReplaceAll(body, nil)
}

// generated matches what the server adds to index.html.
var generated = regexp.MustCompile(`  <!-- the shell's modules, listed by the server[^\n]*\n(  <link rel="modulepreload" href="[^"]+">\n)*  <script type="application/json" id="screen-modules">[^\n]*</script>\n`)

// TestModulesPreloaded checks that index.html asks for the shell's static
// imports at once, after the shell's script and each once, and for no
// screen (those load when first shown).
func TestModulesPreloaded(t *testing.T) {
	baseURL := serve(t, pwa.Config{})
	_, index := get(t, baseURL+"/")
	links := regexp.MustCompile(`<link rel="modulepreload" href="([^"]+)">`).FindAllSubmatch(index, -1)
	seen := map[string]bool{}
	for _, m := range links {
		href := string(m[1])
		if seen[href] {
			t.Errorf("index.html preloads %s twice", href)
		}
		seen[href] = true
		if res, _ := get(t, baseURL+"/"+href); res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "javascript") {
			t.Errorf("index.html preloads %s: %d %s", href, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	for _, want := range []string{"js/dom.js", "js/pb.js", "i18n/nl.js", "vendor/pocketbase-0.28.1.es.mjs"} {
		if !seen[want] {
			t.Errorf("index.html does not preload %s", want)
		}
	}
	for _, screen := range []string{"js/app.js", "js/features/feed/feed.js", "i18n/en.js", "js/install.js"} {
		if seen[screen] {
			t.Errorf("index.html preloads %s, which the shell does not import statically", screen)
		}
	}
	if bytes.Index(index, []byte(`src="js/app.js"`)) > bytes.Index(index, []byte(`href="js/dom.js"`)) {
		t.Error("the preloads come before the shell's own script")
	}

	// the screens' modules: what each imports beyond the shell
	m := regexp.MustCompile(`<script type="application/json" id="screen-modules">([^<]*)</script>`).FindSubmatch(index)
	if m == nil {
		t.Fatal("index.html has no map of the screens' modules")
	}
	var screens map[string][]string
	if err := json.Unmarshal(m[1], &screens); err != nil {
		t.Fatalf("the map of the screens' modules: %v", err)
	}
	feed := screens["js/features/feed/feed.js"]
	for _, want := range []string{"js/features/feed/feed-list.js", "js/features/feed/post.js", "js/features/feed/mention-on-use.js"} {
		if !slices.Contains(feed, want) {
			t.Errorf("the feed's modules %v lack %s, which the feed imports through feed-list.js", feed, want)
		}
	}
	for screen, modules := range screens {
		for _, name := range modules {
			if seen[name] || name == "js/app.js" || name == screen {
				t.Errorf("%s lists %s, which the shell or the screen itself loads", screen, name)
			}
			if res, _ := get(t, baseURL+"/"+name); res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "javascript") {
				t.Errorf("%s lists %s: %d %s", screen, name, res.StatusCode, res.Header.Get("Content-Type"))
			}
		}
	}
}

// TestIconsInlined checks that the navigation's icons come with the style
// sheet that uses them, not a request each.
func TestIconsInlined(t *testing.T) {
	baseURL := serve(t, pwa.Config{})
	_, css := get(t, baseURL+"/css/app.css")
	if bytes.Contains(css, []byte(`icons/nav-feed.svg`)) || !bytes.Contains(css, []byte(`url("data:image/svg+xml;base64,`)) {
		t.Error("css/app.css refers to its icons instead of carrying them")
	}
}

// shellEntry is one line of the generated worker's SHELL: ["url", "hash"].
var shellEntry = regexp.MustCompile(`(?m)^  \["([^"]+)", "([0-9a-f]+)"\],$`)

// worker returns the generated worker's VERSION and SHELL (url → hash).
func worker(t *testing.T, baseURL string) (string, map[string]string) {
	t.Helper()
	res, body := get(t, baseURL+"/sw.js")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /sw.js = %d", res.StatusCode)
	}
	version := regexp.MustCompile(`(?m)^const VERSION = "([0-9a-f]{16})";$`).FindSubmatch(body)
	if version == nil {
		t.Fatalf("/sw.js has no generated VERSION:\n%.400s", body)
	}
	shell := map[string]string{}
	for _, m := range shellEntry.FindAllSubmatch(body, -1) {
		shell[string(m[1])] = string(m[2])
	}
	if !bytes.HasSuffix(body, embedded(t, "sw.js")) {
		t.Error("/sw.js does not end with pb_public/sw.js")
	}
	return string(version[1]), shell
}

// TestWorkerListsEveryFile reads the generated worker: its SHELL holds
// every file of the embedded PWA but the worker itself (index.html as "./"),
// and each url?v=hash answers that file's bytes, to be kept for good.
func TestWorkerListsEveryFile(t *testing.T) {
	baseURL := serve(t, pwa.Config{})
	version, shell := worker(t, baseURL)

	want := 0
	err := fs.WalkDir(pb_public.Files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || name == "sw.js" {
			return err
		}
		want++
		url := name
		if name == "index.html" {
			url = "./"
		}
		hash, ok := shell[url]
		if !ok {
			t.Errorf("%s is served but not in the worker's SHELL", name)
			return nil
		}
		res, body := get(t, baseURL+"/"+strings.TrimPrefix(url, "./")+"?v="+hash)
		if res.StatusCode != http.StatusOK || !bytes.Equal(withoutPreloads(body), served(t, name)) {
			t.Errorf("GET %s?v=%s = %d, %d bytes; want 200 with the file's %d bytes", url, hash, res.StatusCode, len(body), len(served(t, name)))
		}
		wantCache := immutable
		if name == "index.html" {
			wantCache = "no-cache"
		}
		if got := res.Header.Get("Cache-Control"); got != wantCache {
			t.Errorf("GET %s?v=%s: Cache-Control %q, want %q", url, hash, got, wantCache)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(shell) != want || want < 40 {
		t.Errorf("SHELL lists %d files, %d are served", len(shell), want)
	}
	if _, ok := shell["sw.js"]; ok {
		t.Error("the worker lists itself")
	}
	t.Logf("VERSION %s, %d files", version, len(shell))
}

// TestGzip asks for text files with and without gzip: gzipped, they carry
// Content-Encoding, Vary and the length sent, and unpack to the very bytes
// of the file; without gzip (or with q=0) they come as they are. PNG icons
// are never gzipped.
func TestGzip(t *testing.T) {
	baseURL := serve(t, pwa.Config{})
	for _, name := range []string{"index.html", "js/app.js", "css/app.css", "i18n/nl.js", "vendor/pocketbase-0.28.1.es.mjs", "icons/bell.svg", "manifest.webmanifest"} {
		want := served(t, name)

		res, body := get(t, baseURL+"/"+name, "Accept-Encoding", "gzip, deflate, br")
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: Content-Encoding %q with gzip accepted", name, res.Header.Get("Content-Encoding"))
			continue
		}
		if res.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s: Vary %q, want Accept-Encoding", name, res.Header.Values("Vary"))
		}
		if res.ContentLength != int64(len(body)) || len(body) >= len(want) {
			t.Errorf("%s: Content-Length %d, sent %d bytes for a file of %d", name, res.ContentLength, len(body), len(want))
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		unpacked, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(withoutPreloads(unpacked), want) {
			t.Errorf("%s: the gzipped body unpacks to %d other bytes (%v)", name, len(unpacked), err)
		}

		for _, accept := range []string{"", "identity", "gzip;q=0, br"} {
			res, body = get(t, baseURL+"/"+name, "Accept-Encoding", accept)
			if res.Header.Get("Content-Encoding") != "" || !bytes.Equal(withoutPreloads(body), want) || res.ContentLength != int64(len(body)) {
				t.Errorf("%s with Accept-Encoding %q: Content-Encoding %q, %d bytes, want the file as it is", name, accept, res.Header.Get("Content-Encoding"), len(body))
			}
		}
	}

	res, body := get(t, baseURL+"/icons/icon-192.png", "Accept-Encoding", "gzip")
	if res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, embedded(t, "icons/icon-192.png")) {
		t.Errorf("a PNG was sent with Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
}

// TestCaching checks the other Cache-Control answers: the entry points are
// always revalidated, a file without its hash (or with another) too; and a
// revalidation with the ETag gets 304 in either encoding.
func TestCaching(t *testing.T) {
	baseURL := serve(t, pwa.Config{})
	_, shell := worker(t, baseURL)

	for _, path := range []string{"/", "/index.html", "/sw.js", "/sw.js?v=" + shell["js/app.js"], "/js/app.js", "/js/app.js?v=0123456789abcdef"} {
		res, _ := get(t, baseURL+path)
		if got := res.Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", path, got)
		}
	}
}

// TestCSPOnDocuments checks that the documents and the worker carry the
// CSP (a typo's path is index.html too), and that the files that only run
// under a page's policy leave it off: on a slow connection those bytes
// count.
func TestCSPOnDocuments(t *testing.T) {
	baseURL := serve(t, pwa.Config{})
	for _, path := range []string{"/", "/index.html", "/no-such-file", "/sw.js", "/icons/icon.svg"} {
		res, _ := get(t, baseURL+path)
		if res.Header.Get("Content-Security-Policy") != pwa.CSP {
			t.Errorf("GET %s: Content-Security-Policy %q", path, res.Header.Get("Content-Security-Policy"))
		}
	}
	for _, path := range []string{"/js/app.js", "/css/app.css", "/i18n/nl.js", "/manifest.webmanifest", "/icons/icon-192.png"} {
		res, _ := get(t, baseURL+path)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Security-Policy") != "" {
			t.Errorf("GET %s: %d with Content-Security-Policy %q, want 200 without", path, res.StatusCode, res.Header.Get("Content-Security-Policy"))
		}
	}

	for _, accept := range []string{"", "gzip"} {
		res, _ := get(t, baseURL+"/js/app.js", "Accept-Encoding", accept)
		etag := res.Header.Get("ETag")
		if etag == "" {
			t.Fatalf("no ETag (Accept-Encoding %q)", accept)
		}
		res, body := get(t, baseURL+"/js/app.js", "Accept-Encoding", accept, "If-None-Match", etag)
		if res.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("revalidating with %s (Accept-Encoding %q) = %d with %d bytes, want 304", etag, accept, res.StatusCode, len(body))
		}
	}
}

// TestNoVaryOrigin sends the shell's requests with an Origin header, as a
// browser does for module scripts: no "Vary: Origin" (the service worker's
// cache would miss them offline) and no CORS headers at all, while the API
// keeps PocketBase's CORS.
func TestNoVaryOrigin(t *testing.T) {
	baseURL := serve(t, pwa.Config{})
	for _, path := range []string{"/", "/js/app.js", "/sw.js", "/icons/icon-192.png"} {
		res, _ := get(t, baseURL+path, "Origin", baseURL, "Accept-Encoding", "gzip")
		if vary := strings.Join(res.Header.Values("Vary"), ", "); strings.Contains(vary, "Origin") {
			t.Errorf("GET %s: Vary %q", path, vary)
		}
		// the shell takes no part in CORS: nothing in it depends on Origin
		if acao := res.Header.Get("Access-Control-Allow-Origin"); acao != "" {
			t.Errorf("GET %s: Access-Control-Allow-Origin %q", path, acao)
		}
	}
	res, _ := get(t, baseURL+"/api/health", "Origin", baseURL)
	if !strings.Contains(strings.Join(res.Header.Values("Vary"), ", "), "Origin") {
		t.Error("the API lost PocketBase's CORS middleware: the test proves nothing")
	}
}

// TestSourceNotServed asks for the Go package and the README beside the
// PWA's files, from the embedded files and from the folder itself with
// --publicDir: neither is ever sent.
func TestSourceNotServed(t *testing.T) {
	dir, err := filepath.Abs("../../pb_public")
	if err != nil {
		t.Fatal(err)
	}
	for _, config := range []pwa.Config{{}, {PublicDir: dir}} {
		baseURL := serve(t, config)
		for _, path := range []string{"/embed.go", "/embed_test.go", "/README.md", "/./embed.go", "/js/../embed.go"} {
			res, body := get(t, baseURL+path)
			if bytes.Contains(body, []byte("package pb_public")) || bytes.Contains(body, []byte("# pb_public")) {
				t.Errorf("PublicDir %q: GET %s sent the file", config.PublicDir, path)
			}
			// the PWA routes by hash: an unknown path is the app
			if res.StatusCode != http.StatusOK || !bytes.Equal(withoutPreloads(body), embedded(t, "index.html")) {
				t.Errorf("PublicDir %q: GET %s = %d, want index.html", config.PublicDir, path, res.StatusCode)
			}
		}
	}
}

// TestUnknownAPIRoute gets a JSON 404 for a path under /api/ that no
// route serves, not the app's index.html.
func TestUnknownAPIRoute(t *testing.T) {
	baseURL := serve(t, pwa.Config{})
	for _, path := range []string{"/api/nonexistent", "/api/collections/x/y/z/w", "/api/"} {
		res, body := get(t, baseURL+path)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(res.Header.Get("Content-Type"), "json") || bytes.Contains(body, []byte("<html")) {
			t.Errorf("GET %s = %d %s, want a JSON 404:\n%.200s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
}

// TestPublicDir serves a copy of pb_public with --publicDir and changes a
// file while the server runs: the next requests serve the new bytes, and
// the worker's VERSION and the file's hash change with it.
func TestPublicDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, pb_public.Files); err != nil {
		t.Fatal(err)
	}
	baseURL := serve(t, pwa.Config{PublicDir: dir})
	before, shellBefore := worker(t, baseURL)

	changed := append(embedded(t, "js/dom.js"), "\n// a change\n"...)
	file := filepath.Join(dir, "js", "dom.js")
	if err := os.WriteFile(file, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	// the folder is read again when a file's size or time changes
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(file, later, later); err != nil {
		t.Fatal(err)
	}

	for _, accept := range []string{"", "gzip"} {
		res, body := get(t, baseURL+"/js/dom.js", "Accept-Encoding", accept)
		if accept == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
		}
		if res.StatusCode != http.StatusOK || !bytes.Equal(body, changed) {
			t.Errorf("GET /js/dom.js (Accept-Encoding %q) after the change: not the changed file", accept)
		}
	}

	after, shellAfter := worker(t, baseURL)
	if after == before {
		t.Errorf("VERSION stayed %s after a file changed", before)
	}
	if shellAfter["js/dom.js"] == shellBefore["js/dom.js"] || shellAfter["js/app.js"] != shellBefore["js/app.js"] {
		t.Errorf("SHELL hashes: js/dom.js %s → %s (want a change), js/app.js %s → %s (want none)",
			shellBefore["js/dom.js"], shellAfter["js/dom.js"], shellBefore["js/app.js"], shellAfter["js/app.js"])
	}

	// a new file is served and listed too
	if err := os.WriteFile(filepath.Join(dir, "js", "new.js"), []byte("export const n = 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, shell := worker(t, baseURL); shell["js/new.js"] == "" {
		t.Error("a new file in the folder is not in the worker's SHELL")
	}
}

// TestPublicDirMissing refuses to serve from a folder without the PWA, at
// start-up, rather than answer every request with an error.
func TestPublicDirMissing(t *testing.T) {
	app, err := tests.NewTestApp()
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	pwa.MustRegister(app, pwa.Config{PublicDir: t.TempDir()})
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(e *core.ServeEvent) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "--publicDir") {
		t.Errorf("serving an empty folder: err = %v, want one that names --publicDir", err)
	}
}
