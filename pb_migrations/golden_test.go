package migrations_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
)

var update = flag.Bool("update", false, "rewrite testdata/schema.golden and testdata/steps.golden from freshly migrated apps")

const (
	goldenFile = "testdata/schema.golden"
	stepsFile  = "testdata/steps.golden"
)

// TestSchemaGolden migrates a new data dir and compares what the
// migrations made (every collection's rules, fields and indexes, and the
// settings) with testdata/schema.golden. A landed migration is
// history: an installation that ran it keeps what it made, so editing one
// (or a helper it calls) makes fresh installs differ from existing ones.
// A schema change is a new migration, after which the golden is updated.
func TestSchemaGolden(t *testing.T) {
	t.Parallel()

	compareGolden(t, goldenFile, schemaDump(t, migratedApp(t, nil)))
}

// compareGolden fails when got differs from the golden file (or, with
// -update, writes it).
func compareGolden(t *testing.T, file string, got []byte) {
	t.Helper()

	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", file)
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading %s: %v; write it with: %s", file, err, updateCommand)
	}
	if diff := lineDiff(want, got); diff != "" {
		t.Fatalf("the migrated schema differs from %s (- in the file, + migrated now):\n%s\n"+
			"A landed migration must never change what it produces: change the schema in a NEW migration "+
			"(pb_migrations/<timestamp>_<what>.go, literal rule strings), never by editing an old one or code it used. "+
			"When the change is intended and comes from a new migration (or a PocketBase upgrade changed its own "+
			"collections), update the golden files and commit them with the change:\n\t%s", file, diff, updateCommand)
	}
}

// updateCommand rewrites the golden files.
const updateCommand = "go test ./pb_migrations -run TestSchemaGolden -update"

// TestSchemaGoldenSteps runs the migrations one at a time, up and then
// down again, and compares what each step changed with
// testdata/steps.golden. The schema golden sees only the end result; this
// one also sees a rule that a later migration replaced, and the down
// migrations.
func TestSchemaGoldenSteps(t *testing.T) {
	t.Parallel()

	app := bootstrappedApp(t)
	if _, err := core.NewMigrationsRunner(app, core.SystemMigrations).Up(); err != nil {
		t.Fatalf("PocketBase's own migrations: %v", err)
	}

	var got bytes.Buffer
	before := schemaDump(t, app)
	step := func(name string, run func(core.App) error) {
		if err := run(app); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		after := schemaDump(t, app)
		fmt.Fprintf(&got, "%s\n%s", name, stepDelta(before, after))
		before = after
	}
	items := core.AppMigrations.Items()
	for _, item := range items {
		step("up "+item.File, item.Up)
	}
	for i := len(items) - 1; i >= 0; i-- {
		if items[i].Down != nil {
			step("down "+items[i].File, items[i].Down)
		}
	}

	compareGolden(t, stepsFile, got.Bytes())
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

	app := bootstrappedApp(t)
	if register != nil {
		register(app)
	}
	if err := app.RunAllMigrations(); err != nil {
		t.Fatalf("migrations: %v", err)
	}
	return app
}

// bootstrappedApp returns an app on a new data dir, not yet migrated.
func bootstrappedApp(t *testing.T) core.App {
	t.Helper()

	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir(), EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	t.Cleanup(func() { app.ResetBootstrapState() })
	return app
}

// schemaDump returns every collection of app (by name) with its rules,
// fields, indexes and options, and the app's settings, as
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

	// PocketBase leaves the mail password and S3 secrets out
	settings := toMap(t, app.Settings())
	keys := make([]string, 0, len(settings))
	for key := range settings {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	b.WriteString("settings\n")
	for _, key := range keys {
		fmt.Fprintf(&b, "  %s: %s\n", key, jsonLine(t, settings[key]))
	}
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

// stepDelta returns what changed from one schema dump to the next, per
// collection (and the settings): the lines removed ("-") and added ("+").
func stepDelta(before, after []byte) string {
	old, cur := dumpSections(before), dumpSections(after)
	headers := make([]string, 0, len(cur))
	for header := range old {
		headers = append(headers, header)
	}
	for header := range cur {
		if _, ok := old[header]; !ok {
			headers = append(headers, header)
		}
	}
	sort.Strings(headers)

	var b strings.Builder
	for _, header := range headers {
		o, inOld := old[header]
		n, inNew := cur[header]
		switch {
		case !inOld:
			fmt.Fprintf(&b, "  %s (created)\n", header)
		case !inNew:
			fmt.Fprintf(&b, "  %s (deleted)\n", header)
			continue
		case slices.Equal(o, n):
			continue
		default:
			fmt.Fprintf(&b, "  %s\n", header)
		}
		removed, added := without(o, n), without(n, o)
		if len(removed) == 0 && len(added) == 0 {
			removed, added = o, n // the same lines in another order
		}
		for _, line := range removed {
			fmt.Fprintf(&b, "    - %s\n", strings.TrimSpace(line))
		}
		for _, line := range added {
			fmt.Fprintf(&b, "    + %s\n", strings.TrimSpace(line))
		}
	}
	return b.String()
}

// dumpSections splits a schema dump into its collections (and settings),
// each with its lines.
func dumpSections(dump []byte) map[string][]string {
	sections := map[string][]string{}
	header := ""
	for _, line := range strings.Split(strings.TrimSuffix(string(dump), "\n"), "\n") {
		if !strings.HasPrefix(line, " ") {
			header = line
			sections[header] = []string{}
			continue
		}
		sections[header] = append(sections[header], line)
	}
	return sections
}

// without returns the lines of a that b lacks, counting repeats.
func without(a, b []string) []string {
	left := map[string]int{}
	for _, line := range b {
		left[line]++
	}
	var out []string
	for _, line := range a {
		if left[line] > 0 {
			left[line]--
			continue
		}
		out = append(out, line)
	}
	return out
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

// lineDiff returns the lines where got differs from want, each group
// under the headings (the less indented lines above it) it belongs to;
// "" when they are the same.
func lineDiff(want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	w := strings.Split(string(want), "\n")
	g := strings.Split(string(got), "\n")

	// lcs[i][j]: the longest common subsequence of w[i:] and g[j:]
	lcs := make([][]int, len(w)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(g)+1)
	}
	for i := len(w) - 1; i >= 0; i-- {
		for j := len(g) - 1; j >= 0; j-- {
			if w[i] == g[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}

	var b strings.Builder
	shown, inHunk := 0, false
	i, j := 0, 0
	for (i < len(w) || j < len(g)) && shown < 60 {
		switch {
		case i < len(w) && j < len(g) && w[i] == g[j]:
			i, j, inHunk = i+1, j+1, false
			continue
		case !inHunk:
			inHunk = true
			for _, heading := range headings(w, i) {
				fmt.Fprintf(&b, "  %s\n", heading)
			}
		}
		if i < len(w) && (j == len(g) || lcs[i+1][j] >= lcs[i][j+1]) {
			fmt.Fprintf(&b, "- %s\n", w[i])
			i++
		} else {
			fmt.Fprintf(&b, "+ %s\n", g[j])
			j++
		}
		shown++
	}
	if shown == 60 {
		b.WriteString("  (more differences left out)\n")
	}
	return b.String()
}

// headings returns the lines above lines[at] that are less indented than
// it, outermost first: the step and the collection a change belongs to.
func headings(lines []string, at int) []string {
	indent := func(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
	level := 1 << 30
	if at < len(lines) {
		level = indent(lines[at])
	}
	var out []string
	for k := at - 1; k >= 0 && level > 0; k-- {
		if lines[k] != "" && indent(lines[k]) < level {
			level = indent(lines[k])
			out = append([]string{lines[k]}, out...)
		}
	}
	return out
}
