// Package pwa serves Buurtplein's PWA: the files embedded in the binary
// (package pb_public), or a folder on disk for development.
//
// At start-up every file is hashed and, when that makes it smaller,
// gzip-compressed once; requests are answered from memory. A style sheet
// carries the small SVG icons it uses (data: URLs), which saves a round
// trip each on a slow connection. The service
// worker (/sw.js) is generated from pb_public/sw.js with the list of every
// file and a VERSION that is a hash of all of them, so a change to any file
// is a new worker that caches the new shell. Caching:
//
//	/, /index.html, /sw.js   no-cache (revalidated with the ETag: 304)
//	/<file>?v=<its hash>     public, max-age=31536000, immutable
//	/<file>                  no-cache
//
// The service worker fetches every file as /<file>?v=<its hash>, so a new
// version downloads only the files that changed.
//
// Example usage:
//
//	pwa.MustRegister(app, pwa.Config{
//		PublicDir: "./pb_public", // development: serve the folder, re-read on change
//	})
package pwa

import (
	"fmt"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"

	"buurtplein/hooks"
	"buurtplein/pb_public"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Config defines the config options of the pwa plugin.
type Config struct {
	// PublicDir, when set, serves the PWA from this folder instead of the
	// files embedded in the binary: for development, so that an edit shows
	// at the next reload without a new build. A changed folder is read and
	// compressed again at the next request after the change.
	PublicDir string
}

type plugin struct {
	app    core.App
	config Config

	mu    sync.Mutex
	site  *site
	stamp string // of PublicDir when site was built
}

// MustRegister registers the pwa plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the pwa plugin to app. The PWA's route is bound last
// (priority 999), so that every API route wins.
func Register(app core.App, config Config) error {
	p := &plugin{app: app, config: config}

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(e *core.ServeEvent) error {
			if err := p.load(); err != nil {
				return err
			}
			if !e.Router.HasRoute(http.MethodGet, "/{path...}") {
				// NB! PocketBase's CORS middleware adds "Vary: Origin" to
				// every response. The shell is no API: it is the same for
				// every origin and no other origin reads it, so it takes no
				// part in CORS. With that Vary, the Cache API (which honours
				// Vary) missed every module script: the page sends them
				// with an Origin header, the worker's install did not, and
				// an offline reload hung on "Buurtplein laden…".
				e.Router.GET("/{path...}", p.serve).
					Unbind(apis.DefaultCorsMiddlewareId).
					Bind(apis.SkipSuccessActivityLog())
			}
			return e.Next()
		},
		Priority: 999,
	})
	return nil
}

// embeddedSite is the site of the embedded files, built once per process:
// they cannot change, and a test binary starts many apps.
var embeddedSite = sync.OnceValues(func() (*site, error) { return newSite(pb_public.Files) })

// load builds the site: from the embedded files once, or from PublicDir
// again whenever a file in it changed.
func (p *plugin) load() error {
	if p.config.PublicDir == "" {
		s, err := embeddedSite()
		if err != nil {
			return fmt.Errorf("the embedded PWA: %w", err)
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		p.site = s
		return nil
	}

	dir := os.DirFS(p.config.PublicDir)
	stamp, err := dirStamp(dir)
	if err != nil {
		return fmt.Errorf("--publicDir %s: %w", p.config.PublicDir, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.site != nil && stamp == p.stamp {
		return nil
	}
	s, err := newSite(dir)
	if err != nil {
		return fmt.Errorf("--publicDir %s: %w", p.config.PublicDir, err)
	}
	p.site, p.stamp = s, stamp
	return nil
}

// current returns the site to answer a request from.
func (p *plugin) current() *site {
	if p.config.PublicDir != "" {
		if err := p.load(); err != nil {
			// a file half saved by an editor: keep serving what was read
			p.app.Logger().Warn("the PWA's folder could not be read again", "error", err)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.site
}

// serve answers GET /{path...} with a file of the site, index.html for a
// path that names none (the PWA routes with the hash, so that is a typo or
// an old link), 404 under /api/.
func (p *plugin) serve(e *core.RequestEvent) error {
	s := p.current()
	name := strings.TrimPrefix(path.Clean("/"+e.Request.PathValue("path")), "/")
	if name == "api" || strings.HasPrefix(name, "api/") {
		// an API client with a typo gets an error, not the app's HTML
		return hooks.Err(http.StatusNotFound, "api_route_not_found", nil, "Deze API-route bestaat niet; zie de API in de README.")
	}
	if name == "" {
		name = indexName
	}
	f := s.files[name]
	if f == nil {
		f = s.files[indexName]
	}

	h := e.Response.Header()
	if needsCSP(f) {
		h.Set("Content-Security-Policy", CSP)
	}
	h.Set("Cache-Control", cacheControl(f, e.Request.URL.Query().Get("v")))
	f.write(e.Response, e.Request)
	return nil
}

// cacheControl is the Cache-Control of a response with f for a request
// that asked for version v (the ?v= parameter). Only a request for the
// file's own hash may be kept for good: that URL never means other bytes.
func cacheControl(f *file, v string) string {
	if f.name != indexName && f.name != workerName && v == f.hash {
		return "public, max-age=31536000, immutable"
	}
	return "no-cache"
}

// needsCSP reports whether the response with f needs the CSP: a document
// or a worker (HTML, SVG, the service worker), and whatever is not known
// to be neither. A module script, a style sheet, the manifest or a PNG
// runs under the policy of the page (or worker) that loads it, never its
// own: there the header is some 430 bytes of every response for nothing,
// on a slow connection 15 KB of the first load.
func needsCSP(f *file) bool {
	if f.name == workerName {
		return true
	}
	switch strings.TrimSpace(strings.Split(f.contentType, ";")[0]) {
	case "text/javascript", "text/css", "application/manifest+json", "image/png":
		return false
	}
	return true
}

// CSP is the PWA's Content-Security-Policy: index.html carries the same
// as a meta tag, but only a header can forbid framing (frame-ancestors).
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; " +
	"connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'none'; " +
	"require-trusted-types-for 'script'; trusted-types buurtplein"
