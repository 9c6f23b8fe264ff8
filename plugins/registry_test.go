package plugins_test

import (
	"maps"
	"os"
	"slices"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins"
	"buurtplein/plugins/search"
)

func TestMain(m *testing.M) { os.Exit(testapp.Run(m)) }

// TestRegistryHasEveryFolder checks that every plugin folder under plugins/
// has its line in the registry, and every line a folder: a plugin left out
// of the registry runs nowhere, neither in the binary nor in the tests.
func TestRegistryHasEveryFolder(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var folders []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "testdata" {
			folders = append(folders, e.Name())
		}
	}

	names := plugins.Names()
	for _, f := range folders {
		if !slices.Contains(names, f) {
			t.Errorf("plugins/%s is not in the registry (plugins.All)", f)
		}
	}
	seen := map[string]bool{}
	for _, p := range plugins.All {
		if !slices.Contains(folders, p.Name) {
			t.Errorf("registry entry %q has no folder plugins/%s", p.Name, p.Name)
		}
		if seen[p.Name] {
			t.Errorf("registry entry %q appears twice", p.Name)
		}
		seen[p.Name] = true
		if p.Register == nil {
			t.Errorf("registry entry %q has no Register", p.Name)
		}
	}
	if len(folders) == 0 {
		t.Fatal("no plugin folders found")
	}
}

// TestTestAppUsesRegistry checks that a test app registers exactly the
// registry's plugins, in its order.
func TestTestAppUsesRegistry(t *testing.T) {
	app := testapp.New(t)
	if got, want := plugins.Registered(app), plugins.Names(); !slices.Equal(got, want) {
		t.Fatalf("the test app registered %v, the registry lists %v", got, want)
	}
}

// TestCollectionsHaveOwners checks that every collection of a migrated app
// belongs to exactly one plugin of the registry, and that every collection
// a plugin claims exists: authz checks that each has matrix rows.
func TestCollectionsHaveOwners(t *testing.T) {
	app := testapp.New(t)

	owner := map[string]string{}
	for _, p := range plugins.All {
		for _, c := range p.Collections {
			if other, ok := owner[c]; ok {
				t.Errorf("collection %s is claimed by %s and %s", c, other, p.Name)
			}
			owner[c] = p.Name
			if _, err := app.FindCollectionByNameOrId(c); err != nil {
				t.Errorf("plugin %s claims collection %s, which a migrated app lacks: %v", p.Name, c, err)
			}
		}
	}

	collections, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range collections {
		if c.System {
			continue
		}
		if _, ok := owner[c.Name]; !ok {
			t.Errorf("collection %s belongs to no plugin: add it to its plugin's Collections in plugins/registry.go", c.Name)
		}
	}
}

// TestDemoSeedIsTheRegistrys checks that the test apps hold the demo content
// of every plugin that has one, and that seeding it again adds nothing.
func TestDemoSeedIsTheRegistrys(t *testing.T) {
	app := testapp.New(t)

	count := func() map[string]int64 {
		n := map[string]int64{}
		for _, c := range plugins.Collections() {
			total, err := app.CountRecords(c)
			if err != nil {
				t.Fatal(err)
			}
			n[c] = total
		}
		return n
	}
	before := count()
	for _, p := range plugins.All {
		if p.Seed == nil {
			continue
		}
		seeded := false
		for _, c := range p.Collections {
			seeded = seeded || before[c] > 0
		}
		if !seeded {
			t.Errorf("plugin %s has a demo seed but the test app holds none of its records", p.Name)
		}
	}

	if err := plugins.SeedDemo(app); err != nil {
		t.Fatal(err)
	}
	if after := count(); !maps.Equal(before, after) {
		t.Fatalf("seeding the demo organisation again changed the counts from %v to %v", before, after)
	}
}

// TestSearchKindsHaveLabels checks that every kind a plugin makes
// searchable has its name in the PWA's languages (search.kind.<kind>):
// without it, the search screen files its results under "Overig".
func TestSearchKindsHaveLabels(t *testing.T) {
	app := testapp.New(t)
	kinds := search.Kinds(app)
	if len(kinds) == 0 {
		t.Fatal("no search kinds registered")
	}
	for _, lang := range testapp.Languages {
		keys := testapp.I18nKeys(t, lang)
		for _, kind := range kinds {
			if !keys["search.kind."+kind] {
				t.Errorf("search kind %q has no search.kind.%s in pb_public/i18n/%s.js", kind, kind, lang)
			}
		}
	}
}
