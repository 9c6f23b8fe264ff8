package migrations_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
)

var update = flag.Bool("update", false, "rewrite testdata/schema.golden from a freshly migrated app")

const goldenFile = "testdata/schema.golden"

// TestSchemaGolden migrates a new data dir and compares what the
// migrations made (every collection's rules, fields and indexes, and the
// settings they set) with testdata/schema.golden. A landed migration is
// history: an installation that ran it keeps what it made, so editing one
// (or a helper it calls) makes fresh installs differ from existing ones.
// A schema change is a new migration, after which the golden is updated.
func TestSchemaGolden(t *testing.T) {
	t.Parallel()

	got := schemaDump(t, migratedApp(t, nil))
	if *update {
		if err := os.WriteFile(goldenFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", goldenFile)
		return
	}

	want, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatalf("reading %s: %v; write it with: go test ./pb_migrations -run TestSchemaGolden -update", goldenFile, err)
	}
	if diff := lineDiff(want, got); diff != "" {
		t.Fatalf("the migrated schema differs from %s:\n%s\n"+
			"A landed migration must never change what it produces: change the schema in a NEW migration "+
			"(pb_migrations/<timestamp>_<what>.go, literal rule strings), never by editing an old one or a helper it used. "+
			"When the change is intended and comes from a new migration (or a PocketBase upgrade changed its own "+
			"collections), update the golden and commit it with the change:\n"+
			"\tgo test ./pb_migrations -run TestSchemaGolden -update", goldenFile, diff)
	}
}

// TestSchemaGoldenWithPlugins migrates with every plugin bound, as the
// server does (it runs pending migrations at start, after main has
// registered the plugins): their hooks must not change what the
// migrations make.
func TestSchemaGoldenWithPlugins(t *testing.T) {
	t.Parallel()

	bare := schemaDump(t, migratedApp(t, nil))
	bound := schemaDump(t, migratedApp(t, testapp.Register))
	if diff := lineDiff(bare, bound); diff != "" {
		t.Fatalf("the plugins' hooks change what the migrations make:\n%s", diff)
	}
}

// migratedApp returns an app on a new data dir with every migration run
// on it and nothing seeded; register, when set, binds hooks first.
func migratedApp(t *testing.T, register func(core.App)) core.App {
	t.Helper()

	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir(), EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	t.Cleanup(func() { app.ResetBootstrapState() })
	if register != nil {
		register(app)
	}
	if err := app.RunAllMigrations(); err != nil {
		t.Fatalf("migrations: %v", err)
	}
	return app
}

// schemaDump returns every collection of app (by name) with its rules,
// fields, indexes and options, and the settings the migrations set, as
// text: a line per value, so a diff names what changed. Timestamps and
// token secrets, which differ per install, are left out; ids are derived
// from names, so they stay.
func schemaDump(t *testing.T, app core.App) []byte {
	t.Helper()

	collections, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(collections, func(i, j int) bool { return collections[i].Name < collections[j].Name })

	var b bytes.Buffer
	for _, c := range collections {
		m := toMap(t, c)
		fmt.Fprintf(&b, "collection %s\n", c.Name)
		for _, field := range m["fields"].([]any) {
			f := field.(map[string]any)
			name := f["name"]
			delete(f, "name")
			fmt.Fprintf(&b, "  field %s: %s\n", name, jsonLine(t, f))
		}
		for _, index := range c.Indexes {
			fmt.Fprintf(&b, "  index: %s\n", index)
		}
		for _, key := range []string{"name", "fields", "indexes", "created", "updated"} {
			delete(m, key)
		}
		keys := make([]string, 0, len(m))
		for key, v := range m {
			if option, ok := v.(map[string]any); ok {
				delete(option, "secret")
			}
			keys = append(keys, key)
		}
		sort.Strings(keys)
		for _, key := range keys {
			fmt.Fprintf(&b, "  %s: %s\n", key, jsonLine(t, m[key]))
		}
	}

	s := app.Settings()
	b.WriteString("settings\n")
	fmt.Fprintf(&b, "  meta.appName: %s\n", jsonLine(t, s.Meta.AppName))
	fmt.Fprintf(&b, "  rateLimits: %s\n", jsonLine(t, s.RateLimits))
	fmt.Fprintf(&b, "  batch: %s\n", jsonLine(t, s.Batch))
	fmt.Fprintf(&b, "  backups.cron: %s\n", jsonLine(t, s.Backups.Cron))
	fmt.Fprintf(&b, "  backups.cronMaxKeep: %s\n", jsonLine(t, s.Backups.CronMaxKeep))
	return b.Bytes()
}

// jsonLine returns v as one line of JSON, with sorted keys (v is a map
// from [toMap]) and rules' "&&" left readable.
func jsonLine(t *testing.T, v any) string {
	t.Helper()

	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// toMap round-trips v through JSON, so the dump holds what the API and
// the dashboard see, with its keys sorted.
func toMap(t *testing.T, v any) map[string]any {
	t.Helper()

	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// lineDiff returns the lines where got differs from want, between their
// common beginning and end, each under the collection it belongs to; ""
// when they are the same.
func lineDiff(want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	w := strings.Split(string(want), "\n")
	g := strings.Split(string(got), "\n")
	start := 0
	for start < len(w) && start < len(g) && w[start] == g[start] {
		start++
	}
	endW, endG := len(w), len(g)
	for endW > start && endG > start && w[endW-1] == g[endG-1] {
		endW--
		endG--
	}

	var b strings.Builder
	for i := start; i >= 0 && i < len(w); i-- {
		if !strings.HasPrefix(w[i], " ") {
			if i < start {
				fmt.Fprintf(&b, "  %s\n", w[i])
			}
			break
		}
	}
	const most = 40
	section := func(sign string, lines []string) {
		for i, line := range lines {
			if i == most {
				fmt.Fprintf(&b, "%s (%d more lines)\n", sign, len(lines)-most)
				return
			}
			fmt.Fprintf(&b, "%s %s\n", sign, line)
		}
	}
	section("-", w[start:endW])
	section("+", g[start:endG])
	return b.String()
}
