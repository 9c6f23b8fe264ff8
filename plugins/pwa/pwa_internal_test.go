package pwa

import (
	"testing"
	"testing/fstest"
)

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                        false,
		"gzip":                    true,
		"GZIP":                    true,
		"gzip, deflate, br, zstd": true,
		"br;q=1.0, gzip;q=0.8":    true,
		"gzip;q=0":                false,
		"gzip; q=0.000":           false,
		"gzip;q=0.001":            true,
		"identity":                false,
		"*":                       true,
		"*;q=0":                   false,
		"*, gzip;q=0":             false,
		"x-gzip":                  true,
		"deflate, br":             false,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}

// TestVersionHashesEveryFile changes one byte of each file in turn, also
// the worker's own source and a PNG: each change gives another VERSION.
func TestVersionHashesEveryFile(t *testing.T) {
	files := fstest.MapFS{
		"index.html":   {Data: []byte("<!doctype html>")},
		"sw.js":        {Data: []byte("const CACHE = VERSION;")},
		"js/app.js":    {Data: []byte("export {};")},
		"icons/a.png":  {Data: []byte("\x89PNG....")},
		"embed.go":     {Data: []byte("package pb_public")},
		"README.md":    {Data: []byte("# pb_public")},
		".hidden/x.js": {Data: []byte("x")},
	}
	base, err := newSite(files)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"embed.go", "README.md", ".hidden/x.js"} {
		if base.files[name] != nil {
			t.Errorf("%s is served", name)
		}
	}

	seen := map[string]string{base.version: "none"}
	for _, name := range []string{"index.html", "sw.js", "js/app.js", "icons/a.png"} {
		changed := fstest.MapFS{}
		for n, f := range files {
			changed[n] = f
		}
		data := append([]byte{}, files[name].Data...)
		data[len(data)-1] ^= 1
		changed[name] = &fstest.MapFile{Data: data}

		s, err := newSite(changed)
		if err != nil {
			t.Fatal(err)
		}
		if other, ok := seen[s.version]; ok {
			t.Errorf("changing %s gives the VERSION of changing %s: %s", name, other, s.version)
		}
		seen[s.version] = name
	}

	// a file that is not served changes nothing
	changed := fstest.MapFS{}
	for n, f := range files {
		changed[n] = f
	}
	changed["README.md"] = &fstest.MapFile{Data: []byte("# other")}
	if s, _ := newSite(changed); s.version != base.version {
		t.Error("a change to README.md changed VERSION")
	}
}
