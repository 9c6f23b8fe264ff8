package migrations_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// importExceptions lists the migrations that may import a module besides
// PocketBase, dbx and the standard library, and which.
var importExceptions = map[string][]string{
	// the name folding of that day, copied into the migration
	"1764000300_users_unique.go": {"golang.org/x/text/"},

	// landed before this rule, calling the rule helpers and constants of
	// hooks; history is not edited. What they make is frozen step by step
	// in testdata/steps.golden (TestSchemaGoldenSteps), so a change to
	// one of those helpers fails there instead of changing fresh installs.
	"1763900000_teams.go":             {"buurtplein/hooks"},
	"1763900100_feed.go":              {"buurtplein/hooks"},
	"1763900200_tasks.go":             {"buurtplein/hooks"},
	"1763900300_sessions.go":          {"buurtplein/hooks"},
	"1763900500_transfers_scope.go":   {"buurtplein/hooks"},
	"1763900510_feed_delete_scope.go": {"buurtplein/hooks"},
}

// TestMigrationImports fails when a migration imports Buurtplein's own
// packages (hooks, plugins, internal) or any module but PocketBase, dbx
// and the standard library: a migration is history, and code it calls can
// change after it ran, so that fresh installs would differ from existing
// ones. Write the literal strings and values the code produced instead.
func TestMigrationImports(t *testing.T) {
	t.Parallel()

	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, spec := range parsed.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			if !importAllowed(file, path) {
				t.Errorf("%s imports %q: a migration may import only PocketBase, dbx and the standard library. "+
					"It is history: write the literal rule strings, names and values that code produces today, "+
					"so a later change to it cannot change what the migration makes", file, path)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no migrations found")
	}
}

func importAllowed(file, path string) bool {
	first, _, _ := strings.Cut(path, "/")
	switch {
	case !strings.Contains(first, ".") && first != "buurtplein": // the standard library
		return true
	case path == "github.com/pocketbase/dbx",
		path == "github.com/pocketbase/pocketbase",
		strings.HasPrefix(path, "github.com/pocketbase/pocketbase/"):
		return true
	}
	for _, prefix := range importExceptions[file] {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return false
}
