package pb_public_test

import (
	"io/fs"
	"path"
	"regexp"
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

// TestFeatureStylesLinked checks how a feature's CSS reaches the page:
// index.html links css/app.css first (whose variables and shared
// components the features use) and the few features' styles the shell
// shows (marked data-feature); js/styles.js loads every other feature's
// with its first screen, so each feature must be in its ORDER, and the
// file it builds (js/features/<name>/<name>.css) must exist.
func TestFeatureStylesLinked(t *testing.T) {
	index := read(t, "index.html")
	var linked []string
	for _, m := range regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)"(?: data-feature="([a-z]+)")?>`).FindAllStringSubmatch(index, -1) {
		linked = append(linked, m[1])
		if strings.HasPrefix(m[1], "js/features/") && m[1] != "js/features/"+m[2]+"/"+m[2]+".css" {
			t.Errorf("index.html links %s with data-feature %q: js/styles.js would load it again", m[1], m[2])
		}
	}
	if len(linked) == 0 || linked[0] != "css/app.css" {
		t.Fatalf("index.html links %v: css/app.css must come first", linked)
	}
	for _, name := range linked {
		if _, err := fs.Stat(pb_public.Files, name); err != nil {
			t.Errorf("index.html links %s, which is not embedded", name)
		}
	}

	loader := read(t, "js/styles.js")
	order := regexp.MustCompile(`const ORDER = \[([^\]]*)\]`).FindStringSubmatch(loader)
	if order == nil {
		t.Fatal("js/styles.js has no ORDER of the features' styles")
	}
	styles, err := fs.Glob(pb_public.Files, "js/features/*/*.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range styles {
		feature := strings.Split(name, "/")[2]
		if name != "js/features/"+feature+"/"+feature+".css" {
			t.Errorf("%s: js/styles.js loads only js/features/<name>/<name>.css", name)
		}
		if !strings.Contains(order[1], "'"+feature+"'") {
			t.Errorf("%s: its feature is not in js/styles.js's ORDER, so no screen loads it", name)
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
