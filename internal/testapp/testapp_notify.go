package testapp

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// notifyKindLine is one text of the notify.kind block of a language file:
// `      task_assigned: 'Nieuwe taak voor jou: {title}',`.
var notifyKindLine = regexp.MustCompile(`(?m)^\s+(\w+): '((?:[^'\\]|\\.)*)',?$`)

// NotifyTexts returns the notification texts of the PWA's language file of
// locale ("nl" or "en"): its notify block, keyed "someone" and
// "kind.<kind>" (with the variants, such as "kind.team_added_coordinator").
func NotifyTexts(t testing.TB, locale string) map[string]string {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	src, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "pb_public", "i18n", locale+".js"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(src), "\n  notify: {\n")
	block, _, closed := strings.Cut(block, "\n  },\n")
	if !ok || !closed {
		t.Fatalf("no notify block in %s.js", locale)
	}
	head, kinds, ok := strings.Cut(block, "\n    kind: {\n")
	if !ok {
		t.Fatalf("no notify.kind block in %s.js", locale)
	}
	texts := map[string]string{}
	for _, m := range notifyKindLine.FindAllStringSubmatch(head, -1) {
		texts[m[1]] = strings.ReplaceAll(m[2], `\'`, `'`)
	}
	for _, m := range notifyKindLine.FindAllStringSubmatch(kinds, -1) {
		texts["kind."+m[1]] = strings.ReplaceAll(m[2], `\'`, `'`)
	}
	return texts
}

// NotificationText returns what the PWA shows a Dutch reader for the
// notification n, worded as pb_public/js/features/notifications/unread.js
// words it: the text of its kind with its parameters filled in, a title
// quoted, a missing name as "a colleague"; an old notification its own
// text.
func NotificationText(t testing.TB, n *core.Record) string {
	t.Helper()
	var params map[string]any
	if err := json.Unmarshal([]byte(n.GetString("params")), &params); err != nil {
		t.Fatalf("params of notification %s: %v", n.Id, err)
	}
	if text, ok := params["text"].(string); ok {
		return text
	}
	texts := NotifyTexts(t, "nl")
	key := "kind." + n.GetString("kind")
	if variant := key + "_" + str(params["role"]); texts[variant] != "" {
		key = variant
	}
	if channel, ok := params["channel"]; ok && str(channel) == "" && texts[key+"_direct"] != "" {
		key += "_direct"
	}
	text, ok := texts[key]
	if !ok {
		t.Fatalf("no Dutch text for notify.%s", key)
	}
	name := func(v any) string {
		if s := str(v); s != "" {
			return s
		}
		return texts["someone"]
	}
	return strings.NewReplacer(
		"{actor}", name(params["actor"]),
		"{assignee}", name(params["assignee"]),
		"{title}", quoteJS(str(params["title"])),
		"{channel}", quoteJS(str(params["channel"])),
		"{team}", str(params["team"]),
		"{n}", str(params["n"]),
	).Replace(text)
}

func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		b, _ := json.Marshal(v)
		return string(b)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// quoteJS quotes s as JSON.stringify does.
func quoteJS(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
