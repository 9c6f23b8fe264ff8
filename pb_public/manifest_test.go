package pb_public_test

import (
	"encoding/json"
	"regexp"
	"testing"
)

// TestManifestShortcuts checks the installed app's shortcuts (a long press
// on its icon): "Mijn taken" and "Chat", each to a route of js/routes.js.
func TestManifestShortcuts(t *testing.T) {
	var manifest struct {
		StartURL  string `json:"start_url"`
		Shortcuts []struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"shortcuts"`
	}
	if err := json.Unmarshal([]byte(read(t, "manifest.webmanifest")), &manifest); err != nil {
		t.Fatalf("manifest.webmanifest: %v", err)
	}
	routes := read(t, "js/routes.js")
	want := map[string]string{"Mijn taken": "./#/tasks", "Chat": "./#/chat"}
	for _, s := range manifest.Shortcuts {
		if want[s.Name] != s.URL {
			t.Errorf("shortcut %q goes to %q", s.Name, s.URL)
			continue
		}
		delete(want, s.Name)
		path := s.URL[len("./#/"):]
		if !regexp.MustCompile(`path: '` + regexp.QuoteMeta(path) + `'`).MatchString(routes) {
			t.Errorf("shortcut %q: js/routes.js has no route %q", s.Name, path)
		}
	}
	for name, url := range want {
		t.Errorf("no shortcut %q to %s", name, url)
	}
}
