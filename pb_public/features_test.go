package pb_public_test

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"buurtplein/pb_public"
)

// routeModule finds the screen modules js/routes.js loads.
var routeModule = regexp.MustCompile(`import\('\./(features/[^']+\.js)'\)`)

// routeName finds the route names in js/routes.js.
var routeName = regexp.MustCompile(`\{ name: '([a-z]+)'`)

// TestRoutesLoadFeatureModules checks the route table against the files:
// every screen module it loads is embedded and exports mount, and every
// feature folder has a screen in it, so a folder is not forgotten and a
// route does not point at a file that moved.
func TestRoutesLoadFeatureModules(t *testing.T) {
	routes := read(t, "js/routes.js")
	loaded := map[string]bool{} // feature folder -> has a route
	matches := routeModule.FindAllStringSubmatch(routes, -1)
	if len(matches) < 5 {
		t.Fatalf("js/routes.js loads %d screen modules: is the table still there?", len(matches))
	}
	for _, m := range matches {
		name := path.Join("js", m[1])
		src, err := fs.ReadFile(pb_public.Files, name)
		if err != nil {
			t.Errorf("js/routes.js loads %s, which is not embedded: %v", name, err)
			continue
		}
		if !strings.Contains(string(src), "export function mount(") {
			t.Errorf("%s is a screen of the route table but exports no mount(el, props)", name)
		}
		loaded[strings.Split(m[1], "/")[1]] = true
	}

	for _, folder := range featureFolders(t) {
		if !loaded[folder] {
			t.Errorf("js/features/%s has no screen in js/routes.js", folder)
		}
	}
}

// TestRoutesHaveTitles checks that every screen has its page title in
// both languages (titles.<name>).
func TestRoutesHaveTitles(t *testing.T) {
	routes := read(t, "js/routes.js")
	for _, lang := range []string{"nl", "en"} {
		texts := read(t, "i18n/"+lang+".js")
		titles := texts[strings.Index(texts, "titles: {"):]
		titles = titles[:strings.Index(titles, "}")]
		for _, m := range routeName.FindAllStringSubmatch(routes, -1) {
			if !regexp.MustCompile(`\b` + m[1] + `:`).MatchString(titles) {
				t.Errorf("i18n/%s.js has no titles.%s for the route %q", lang, m[1], m[1])
			}
		}
	}
}

// TestFeatureStylesLinked checks that index.html links every feature's
// CSS, after css/app.css (whose variables and shared components the
// features use), and links nothing that is not there.
func TestFeatureStylesLinked(t *testing.T) {
	index := read(t, "index.html")
	var linked []string
	for _, m := range regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)">`).FindAllStringSubmatch(index, -1) {
		linked = append(linked, m[1])
	}
	if len(linked) == 0 || linked[0] != "css/app.css" {
		t.Fatalf("index.html links %v: css/app.css must come first", linked)
	}

	styles, err := fs.Glob(pb_public.Files, "js/features/*/*.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range styles {
		if !slices.Contains(linked, name) {
			t.Errorf("%s is not linked from index.html", name)
		}
	}
	for _, name := range linked {
		if _, err := fs.Stat(pb_public.Files, name); err != nil {
			t.Errorf("index.html links %s, which is not embedded", name)
		}
	}
}

func featureFolders(t *testing.T) []string {
	t.Helper()
	entries, err := fs.ReadDir(pb_public.Files, "js/features")
	if err != nil {
		t.Fatal(err)
	}
	var folders []string
	for _, e := range entries {
		if e.IsDir() {
			folders = append(folders, e.Name())
		}
	}
	if len(folders) < 4 {
		t.Fatalf("%d feature folders in js/features", len(folders))
	}
	return folders
}

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(pb_public.Files, name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
