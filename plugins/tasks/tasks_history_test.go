package tasks_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/tasks"

	"github.com/pocketbase/pocketbase/core"
)

// TestHistoryHasText fails when a task's history can hold a kind or a
// reason the PWA cannot word in Dutch and English: every kind the
// collection allows, and every Reason… constant, which are the only
// reasons the package passes when it withdraws an offer.
func TestHistoryHasText(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	events, err := app.FindCollectionByNameOrId(tasks.EventsCollection)
	if err != nil {
		t.Fatal(err)
	}
	kinds := events.Fields.GetByName("kind").(*core.SelectField).Values

	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for name, pkg := range pkgs {
		if name != "tasks" {
			continue // the external test package
		}
		for path, file := range pkg.Files {
			ast.Inspect(file, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ValueSpec:
					for i, id := range n.Names {
						if strings.HasPrefix(id.Name, "Reason") && i < len(n.Values) {
							lit, ok := n.Values[i].(*ast.BasicLit)
							if !ok {
								t.Errorf("%s: %s is not a literal string", filepath.Base(path), id.Name)
								continue
							}
							reason, _ := strconv.Unquote(lit.Value)
							reasons = append(reasons, reason)
						}
					}
				case *ast.CallExpr:
					if fn, ok := n.Fun.(*ast.Ident); ok && fn.Name == "cancelPendingTransfers" && len(n.Args) == 4 {
						if id, ok := n.Args[3].(*ast.Ident); !ok || !strings.HasPrefix(id.Name, "Reason") {
							t.Errorf("%s:%d: cancelPendingTransfers with a reason that is not a Reason… constant",
								filepath.Base(path), fset.Position(n.Pos()).Line)
						}
					}
				}
				return true
			})
		}
	}
	if len(kinds) < 5 || len(reasons) < 2 {
		t.Fatalf("found %d kinds and %d reasons; the test is broken", len(kinds), len(reasons))
	}

	for _, lang := range testapp.Languages {
		keys := testapp.I18nKeys(t, lang)
		for _, kind := range kinds {
			if !keys["task.events."+kind] {
				t.Errorf("%s.js has no text for the history kind %s (task.events.%s)", lang, kind, kind)
			}
		}
		for _, reason := range reasons {
			if !keys["task.events.reasons."+reason] {
				t.Errorf("%s.js has no text for the reason %s (task.events.reasons.%s)", lang, reason, reason)
			}
		}
	}
}
