// Package testapp gives tests a real Buurtplein app on a temporary data dir:
// migrated, seeded with the demo organisation and with every plugin bound,
// plus auth tokens for the demo accounts.
//
// Each test package runs its tests through [Run]:
//
//	func TestMain(m *testing.M) { os.Exit(testapp.Run(m)) }
package testapp

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"buurtplein/hooks"
	_ "buurtplein/pb_migrations"
	"buurtplein/plugins"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

var (
	templateOnce sync.Once
	templateDir  string
	templateErr  error
)

// Run runs the package's tests and removes the seeded template data dir
// afterwards. It returns the exit code for os.Exit.
func Run(m *testing.M) int {
	code := m.Run()
	if templateDir != "" {
		os.RemoveAll(templateDir)
	}
	return code
}

// New returns a fresh app on a copy of the seeded template data dir, with
// every plugin registered. It is cleaned up when the test ends.
func New(t testing.TB) *tests.TestApp {
	t.Helper()

	app := Factory(t)
	t.Cleanup(app.Cleanup)
	return app
}

// Factory is [New] for tests.ApiScenario's TestAppFactory: the scenario
// cleans the app up itself.
func Factory(t testing.TB) *tests.TestApp {
	t.Helper()

	templateOnce.Do(func() { templateDir, templateErr = buildTemplate() })
	if templateErr != nil {
		t.Fatalf("building the test data dir: %v", templateErr)
	}

	// the binary's database connection (hooks.DBConnect), as main.go opens it
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: templateDir, EncryptionEnv: "pb_test_env", DBConnect: hooks.DBConnect})
	if err != nil {
		t.Fatalf("starting the test app: %v", err)
	}

	Register(app)
	return app
}

// Register binds every Buurtplein plugin of the registry to app the way
// main.go does, without the demo seed and the commands.
func Register(app core.App) {
	plugins.MustRegister(app, plugins.Options{})
}

// buildTemplate migrates a new data dir and seeds the demo organisation
// into it once per test binary; tests get copies of it.
func buildTemplate() (string, error) {
	dir, err := os.MkdirTemp("", "buurtplein-testdata-")
	if err != nil {
		return "", err
	}

	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env", DBConnect: hooks.DBConnect})
	if err := app.Bootstrap(); err != nil {
		return "", fmt.Errorf("bootstrap: %w", err)
	}
	defer app.ClearBootstrap()

	if err := app.RunAllMigrations(); err != nil {
		return "", fmt.Errorf("migrations: %w", err)
	}

	// seed as the binary does: with the plugins' hooks bound
	Register(app)
	if err := plugins.SeedDemo(app); err != nil {
		return "", err
	}
	return dir, nil
}

// Token returns an auth token for the user (or superuser) with email.
func Token(t testing.TB, app core.App, email string) string {
	t.Helper()

	record, err := app.FindAuthRecordByEmail("users", email)
	if err != nil {
		record, err = app.FindAuthRecordByEmail(core.CollectionNameSuperusers, email)
	}
	if err != nil {
		t.Fatalf("no account %s: %v", email, err)
	}
	token, err := record.NewAuthToken()
	if err != nil {
		t.Fatalf("token for %s: %v", email, err)
	}
	return token
}

// Id returns the id of the first record of collection whose field equals
// value, such as Id(t, app, "teams", "slug", "schalkwijk").
func Id(t testing.TB, app core.App, collection, field string, value any) string {
	t.Helper()

	record, err := app.FindFirstRecordByData(collection, field, value)
	if err != nil {
		t.Fatalf("no %s with %s=%v: %v", collection, field, value, err)
	}
	return record.Id
}

// Serve starts an HTTP server with app's full router (API, realtime and
// every OnServe route), as the binary would, and stops it when the test
// ends.
func Serve(t testing.TB, app core.App) *httptest.Server {
	t.Helper()

	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatalf("building the router: %v", err)
	}

	var mux http.Handler
	event := &core.ServeEvent{App: app, Router: router}
	err = app.OnServe().Trigger(event, func(e *core.ServeEvent) error {
		built, err := e.Router.BuildMux()
		mux = built
		return err
	})
	if err != nil {
		t.Fatalf("serving: %v", err)
	}

	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)
	return server
}
