package pwa

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	indexName  = "index.html"
	workerName = "sw.js"
)

// site is the PWA ready to serve: every file read, hashed and, where it
// pays, gzip-compressed, once; the service worker generated.
type site struct {
	files   map[string]*file // by name: "index.html", "js/app.js", "sw.js"
	version string           // the hash of every file: the worker's VERSION
}

// file is one response body of the site, in both encodings.
type file struct {
	name        string
	contentType string
	hash        string // of body: its ETag and its ?v=
	body        []byte
	gzipped     []byte // nil when gzip does not make it smaller
}

// servable reports whether a file of the folder is part of the PWA: the
// embedded files are already only those, a --publicDir folder also holds
// the Go package and the README.
func servable(name string) bool {
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") || strings.HasPrefix(part, "_") {
			return false
		}
	}
	return !strings.HasSuffix(name, ".go") && path.Base(name) != "README.md"
}

// newSite reads every servable file of fsys and generates the worker from
// its sw.js.
func newSite(fsys fs.FS) (*site, error) {
	s := &site{files: map[string]*file{}}
	raw := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !servable(name) {
			return err
		}
		raw[name], err = fs.ReadFile(fsys, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	if index, ok := raw[indexName]; ok {
		raw[indexName] = preloadModules(index, raw)
	}
	for name, body := range raw {
		if path.Ext(name) == ".css" {
			body = inlineIcons(name, body, raw)
		}
		s.files[name] = newFile(name, body)
	}
	if s.files[indexName] == nil || s.files[workerName] == nil {
		return nil, errors.New("no index.html or sw.js: is this the PWA's folder?")
	}

	s.version = s.hashAll()
	s.files[workerName] = newFile(workerName, s.worker())
	return s, nil
}

// cssIcon finds a style sheet's reference to an SVG file of the site:
// url("../icons/bell.svg").
var cssIcon = regexp.MustCompile(`url\("([^"#?:]+\.svg)"\)`)

// inlineMax is the size up to which an icon is written into the style
// sheet that uses it.
const inlineMax = 2048

// inlineIcons returns the style sheet name with the small SVG icons it
// refers to written in as data: URLs. On a slow connection every request
// costs a round trip, and the navigation alone shows ten icons; as part
// of the style sheet they come compressed with it, in its request.
func inlineIcons(name string, css []byte, raw map[string][]byte) []byte {
	dir := path.Dir(name)
	return cssIcon.ReplaceAllFunc(css, func(ref []byte) []byte {
		svg, ok := raw[path.Join(dir, string(cssIcon.FindSubmatch(ref)[1]))]
		if !ok || len(svg) > inlineMax {
			return ref
		}
		return []byte(`url("data:image/svg+xml;base64,` + base64.StdEncoding.EncodeToString(svg) + `")`)
	})
}

// staticImport finds a module's static imports and re-exports: import …
// from './x.js', import './x.js', export … from './x.js'. A dynamic
// import('./x.js') is a screen loaded when it is first shown: not matched.
var staticImport = regexp.MustCompile(`(?m)^(?:import|export)\s*(?:[\w\s{},*$]*?\sfrom\s*)?'([^']+)'`)

// entryModule is the shell's module script, as index.html loads it.
const entryModule = "js/app.js"

// preloadMarker is the line of index.html after which the preloads go:
// the shell's script is asked for first.
const preloadMarker = `  <script type="module" src="` + entryModule + `"></script>` + "\n"

// dynamicImport finds a module's dynamic imports: import('./x.js'), a
// screen or a part loaded when it is first needed.
var dynamicImport = regexp.MustCompile(`\bimport\('([^']+)'\)`)

// screenModulesID is the id of the map in index.html of what each module
// the shell loads later imports in turn.
const screenModulesID = "screen-modules"

// preloadModules returns index.html with a <link rel="modulepreload"> for
// every module the shell imports statically, directly or not, and a map
// from the modules the shell loads later (the screens) to the modules each
// of those imports in turn that the shell has not: the app asks for a
// screen's all at once when it opens the screen. Without them the browser learns
// of a module only once the one importing it has arrived: on a slow
// connection a round trip per level of imports.
func preloadModules(index []byte, raw map[string][]byte) []byte {
	at := bytes.Index(index, []byte(preloadMarker))
	if at < 0 {
		return index
	}
	at += len(preloadMarker)
	var links bytes.Buffer
	links.WriteString("  <!-- the shell's modules, listed by the server: the browser asks for them at once -->\n")
	shell := moduleClosure(entryModule, raw, nil)
	for _, dep := range shell[1:] {
		if !bytes.Contains(index, []byte(`href="`+dep+`"`)) {
			fmt.Fprintf(&links, "  <link rel=\"modulepreload\" href=\"%s\">\n", dep)
		}
	}
	screens, _ := json.Marshal(screenModules(shell, raw)) // strings only: no error
	fmt.Fprintf(&links, "  <script type=\"application/json\" id=\"%s\">%s</script>\n", screenModulesID, screens)
	out := make([]byte, 0, len(index)+links.Len())
	out = append(out, index[:at]...)
	out = append(out, links.Bytes()...)
	return append(out, index[at:]...)
}

// moduleClosure returns entry and every module of the site it imports
// statically, directly or not, in the order found, leaving out those in
// skip and what only they import.
func moduleClosure(entry string, raw map[string][]byte, skip map[string]bool) []string {
	seen := map[string]bool{entry: true}
	order := []string{entry}
	for i := 0; i < len(order); i++ {
		name := order[i]
		for _, m := range staticImport.FindAllSubmatch(raw[name], -1) {
			dep := path.Join(path.Dir(name), string(m[1]))
			if seen[dep] || skip[dep] || raw[dep] == nil {
				continue
			}
			seen[dep] = true
			order = append(order, dep)
		}
	}
	return order
}

// screenModules maps each module that the shell's modules import
// dynamically to the modules it imports statically that the shell does
// not; one that imports none of those is left out.
func screenModules(shell []string, raw map[string][]byte) map[string][]string {
	inShell := map[string]bool{}
	for _, name := range shell {
		inShell[name] = true
	}
	screens := map[string][]string{}
	for _, name := range shell {
		for _, m := range dynamicImport.FindAllSubmatch(raw[name], -1) {
			screen := path.Join(path.Dir(name), string(m[1]))
			if raw[screen] == nil || inShell[screen] {
				continue
			}
			if deps := moduleClosure(screen, raw, inShell)[1:]; len(deps) > 0 {
				screens[screen] = deps
			}
		}
	}
	return screens
}

// newFile hashes body and compresses it when that makes it smaller.
func newFile(name string, body []byte) *file {
	sum := sha256.Sum256(body)
	f := &file{
		name:        name,
		contentType: contentType(name, body),
		hash:        hex.EncodeToString(sum[:8]),
		body:        body,
	}
	if compressible(f.contentType) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level: no error
		zw.Write(body)                                           // a bytes.Buffer does not fail
		zw.Close()
		if buf.Len() < len(body)*9/10 {
			f.gzipped = buf.Bytes()
		}
	}
	return f
}

// names returns the names of the site's files, sorted.
func (s *site) names() []string {
	names := make([]string, 0, len(s.files))
	for name := range s.files {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// hashAll hashes every file's name and content, sw.js as written: any
// change to any file changes it.
func (s *site) hashAll() string {
	h := sha256.New()
	for _, name := range s.names() {
		fmt.Fprintf(h, "%s\x00%s\x00", name, s.files[name].hash)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// contentType is the media type of a file by its extension, by its
// content when the extension says nothing.
func contentType(name string, body []byte) string {
	switch ext := path.Ext(name); ext {
	case ".webmanifest":
		return "application/manifest+json" // Go's table lacks it; browsers want it exact
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8" // whatever the system's mime.types says
	default:
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
		return http.DetectContentType(body)
	}
}

// compressible reports whether gzip is worth trying on a media type: text
// is, images other than SVG are compressed already.
func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") ||
		strings.Contains(contentType, "json") ||
		strings.Contains(contentType, "javascript") ||
		strings.Contains(contentType, "svg") ||
		strings.Contains(contentType, "xml")
}

// write answers the request with f: gzipped when the client accepts gzip,
// with a Content-Length and an ETag per encoding, 304 when the client has
// it already (http.ServeContent). A Range is served from the plain body
// only.
func (f *file) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Vary", "Accept-Encoding")
	body, etag := f.body, `"`+f.hash+`"`
	if f.gzipped != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag = f.gzipped, `"`+f.hash+`-gzip"`
		h.Set("Content-Encoding", "gzip")
		// ServeContent leaves the length of an encoded body to the caller
		// and would answer a Range with a wrong one: the whole body it is
		h.Set("Content-Length", strconv.Itoa(len(body)))
		r = r.Clone(r.Context())
		r.Header.Del("Range")
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip: named,
// or "*" when gzip is not named, and not with q=0.
func acceptsGzip(header string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip", "x-gzip":
			return !zeroQ(params)
		case "*":
			star = !zeroQ(params)
		}
	}
	return star
}

// zeroQ reports whether the parameters of a coding say q=0: "not this one".
func zeroQ(params string) bool {
	for _, param := range strings.Split(params, ";") {
		key, value, ok := strings.Cut(param, "=")
		if ok && strings.EqualFold(strings.TrimSpace(key), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			return err == nil && q == 0
		}
	}
	return false
}

// dirStamp is a fingerprint of a folder's servable files (names, sizes,
// modification times): it changes when a file is added, removed or saved.
func dirStamp(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !servable(name) {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00", name, info.Size(), info.ModTime().UnixNano())
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}
