package backups_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/backups"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/cron"
)

func TestMain(m *testing.M) { os.Exit(testapp.Run(m)) }

// autoBackupJob is the id of PocketBase's backup cron job.
const autoBackupJob = "__pbAutoBackup__"

// newApp returns an app on a data dir that has been served before (every
// migration applied), started again with the backups plugin registered
// with config, as the binary does.
func newApp(t *testing.T, config backups.Config) *core.BaseApp {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pb_data")
	first := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := first.Bootstrap(); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	if err := first.RunAllMigrations(); err != nil {
		t.Fatalf("migrations: %v", err)
	}
	if err := first.ClearBootstrap(); err != nil {
		t.Fatal(err)
	}

	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	backups.MustRegister(app, config)
	if err := app.Bootstrap(); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	t.Cleanup(func() { app.ClearBootstrap() })
	return app
}

// job returns the backup cron job of app, or nil.
func job(app core.App) *cron.Job {
	for _, j := range app.Cron().Jobs() {
		if j.Id() == autoBackupJob {
			return j
		}
	}
	return nil
}

func TestDefaultSchedule(t *testing.T) {
	app := testapp.New(t)

	s := app.Settings().Backups
	if s.Cron != "0 2 * * *" || s.CronMaxKeep != 7 {
		t.Fatalf("backup settings after the migrations: cron %q, keep %d; want \"0 2 * * *\", 7", s.Cron, s.CronMaxKeep)
	}
	if j := job(app); j == nil || j.Expression() != "0 2 * * *" {
		t.Fatalf("backup cron job = %v, want one at \"0 2 * * *\"", j)
	}
}

// TestMigrationKeepsChosenSchedule: a data dir whose schedule IT chose
// before the migration came keeps it.
func TestMigrationKeepsChosenSchedule(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ClearBootstrap()

	s := app.Settings()
	s.Backups.Cron = "15 3 * * 0"
	s.Backups.CronMaxKeep = 4
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	if err := app.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	if got := app.Settings().Backups; got.Cron != "15 3 * * 0" || got.CronMaxKeep != 4 {
		t.Fatalf("after the migrations: cron %q, keep %d; want IT's \"15 3 * * 0\", 4", got.Cron, got.CronMaxKeep)
	}
}

// TestPinnedSchedule: a schedule in the Config wins at every start; a
// change in the dashboard (a settings save) holds until the next one.
func TestPinnedSchedule(t *testing.T) {
	app := newApp(t, backups.Config{Schedule: "30 1 * * *", Keep: 2})

	if got := app.Settings().Backups; got.Cron != "30 1 * * *" || got.CronMaxKeep != 2 {
		t.Fatalf("settings: cron %q, keep %d; want the Config's \"30 1 * * *\", 2", got.Cron, got.CronMaxKeep)
	}
	if j := job(app); j == nil || j.Expression() != "30 1 * * *" {
		t.Fatalf("backup cron job = %v, want one at \"30 1 * * *\"", j)
	}

	s := app.Settings()
	s.Backups.Cron = "45 4 * * *"
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	if j := job(app); j == nil || j.Expression() != "45 4 * * *" {
		t.Fatalf("after a settings change the job = %v, want one at \"45 4 * * *\"", j)
	}

	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	if j := job(app); j == nil || j.Expression() != "30 1 * * *" {
		t.Fatalf("after a new start the job = %v, want the Config's \"30 1 * * *\" again", j)
	}
}

// TestPinnedKeepOnFirstStart: on a new data dir the migration sets the
// default schedule and retention after the bootstrap; the Config's
// retention wins again when the server starts.
func TestPinnedKeepOnFirstStart(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	backups.MustRegister(app, backups.Config{Keep: 3})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ClearBootstrap()
	if err := app.RunAllMigrations(); err != nil { // as serve does
		t.Fatal(err)
	}
	if err := app.OnServe().Trigger(&core.ServeEvent{App: app}, func(*core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := app.Settings().Backups; got.Cron != "0 2 * * *" || got.CronMaxKeep != 3 {
		t.Fatalf("settings: cron %q, keep %d; want the migration's \"0 2 * * *\" and the Config's 3", got.Cron, got.CronMaxKeep)
	}
}

func TestRegisterRefusesBadConfig(t *testing.T) {
	for _, config := range []backups.Config{{Schedule: "elke nacht"}, {Keep: -1}} {
		app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
		if err := backups.Register(app, config); err == nil {
			t.Errorf("Register(%+v) = nil, want an error", config)
		}
	}
}

// TestRetention runs PocketBase's backup job with 2 kept: it makes a new
// automatic backup and deletes the automatic ones beyond the newest 2,
// leaving backups made by hand alone.
func TestRetention(t *testing.T) {
	app := newApp(t, backups.Config{Keep: 2})

	dir := filepath.Join(app.DataDir(), core.LocalBackupsDirName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old := map[string]time.Duration{
		"@auto_pb_backup_buurtplein_20260101020000.zip": 72 * time.Hour,
		"@auto_pb_backup_buurtplein_20260102020000.zip": 48 * time.Hour,
		"@auto_pb_backup_buurtplein_20260103020000.zip": 24 * time.Hour,
		"voor-de-update.zip":                            96 * time.Hour,
	}
	for name, age := range old {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("zip"), 0o644); err != nil {
			t.Fatal(err)
		}
		when := time.Now().Add(-age)
		if err := os.Chtimes(path, when, when); err != nil {
			t.Fatal(err)
		}
	}

	j := job(app)
	if j == nil {
		t.Fatal("no backup cron job")
	}
	j.Run()

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".attrs") { // the blob store's metadata
			names = append(names, e.Name())
		}
	}
	if len(names) != 3 {
		t.Fatalf("backups after the job: %v, want the new automatic one, the newest old one and voor-de-update.zip", names)
	}
	for _, want := range []string{"@auto_pb_backup_buurtplein_20260103020000.zip", "voor-de-update.zip"} {
		if !slices.Contains(names, want) {
			t.Errorf("backups after the job: %v, want %s kept", names, want)
		}
	}
	for _, gone := range []string{"@auto_pb_backup_buurtplein_20260101020000.zip", "@auto_pb_backup_buurtplein_20260102020000.zip"} {
		if slices.Contains(names, gone) {
			t.Errorf("backups after the job: %v, want %s deleted", names, gone)
		}
	}
}
