package testapp

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// Languages are the PWA's languages: pb_public/i18n/<lang>.js each.
var Languages = []string{"nl", "en"}

// RepoRoot returns the directory of the Buurtplein module.
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testapp: cannot find its own source")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// i18nKey matches a line of a language file that starts an entry: its
// indent and its key (bare or quoted), and whether it opens a nested
// object that continues on the next lines.
var i18nKey = regexp.MustCompile(`^(\s*)(?:'([^']*)'|"([^"]*)"|([\w$]+))\s*:\s*(\{\s*(?://.*)?$)?`)

// I18nKeys returns every key of the PWA's language file for lang, dotted
// as the PWA's t() takes it ("errors.codes.validation_required"), objects
// included. It reads the file as it is written: one entry per line,
// nested objects indented deeper than their key.
func I18nKeys(t testing.TB, lang string) map[string]bool {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(RepoRoot(t), "pb_public", "i18n", lang+".js"))
	if err != nil {
		t.Fatalf("reading the %s texts: %v", lang, err)
	}
	type open struct {
		indent int
		key    string
	}
	var stack []open
	keys := map[string]bool{}
	inside := false
	for _, line := range strings.Split(string(src), "\n") {
		if !inside {
			inside = strings.HasPrefix(line, "export default {")
			continue
		}
		m := i18nKey.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		indent := len(m[1])
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		name := m[2] + m[3] + m[4]
		if len(stack) > 0 {
			name = stack[len(stack)-1].key + "." + name
		}
		keys[name] = true
		if m[5] != "" {
			stack = append(stack, open{indent, name})
		}
	}
	if len(keys) == 0 {
		t.Fatalf("no texts found in the %s file", lang)
	}
	return keys
}
