package upgrade_test

import (
	"os"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/upgrade"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

func TestMain(m *testing.M) { os.Exit(testapp.Run(m)) }

// TestCheckDataDir checks that a data dir migrated by this binary passes,
// and one with a migration this binary lacks (a newer Buurtplein's) is
// refused, naming that migration, also when the server starts.
func TestCheckDataDir(t *testing.T) {
	app := testapp.New(t)
	if err := upgrade.CheckDataDir(app); err != nil {
		t.Fatalf("a data dir migrated by this binary: %v", err)
	}

	const newer = "1999999999_from_a_newer_buurtplein.go"
	if _, err := app.DB().Insert(core.DefaultMigrationsTable, dbx.Params{"file": newer, "applied": types.NowDateTime().Time().UnixMicro()}).Execute(); err != nil {
		t.Fatal(err)
	}
	err := upgrade.CheckDataDir(app)
	if err == nil || !strings.Contains(err.Error(), newer) || !strings.Contains(err.Error(), "nieuwere Buurtplein") {
		t.Fatalf("a data dir with %s: got %v, want a refusal naming it", newer, err)
	}

	// the server does not start on it
	served := false
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		served = true
		return e.Next()
	})
	// the refusal comes first: no other plugin's hook runs, none needs a router
	if err := app.OnServe().Trigger(&core.ServeEvent{App: app}); err == nil || served {
		t.Fatalf("serving a newer data dir: err %v, later hooks ran %v; want a refusal before them", err, served)
	}
}
