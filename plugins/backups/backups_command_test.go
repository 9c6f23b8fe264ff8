package backups_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/backups"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// run runs "buurtplein args..." on app, as the binary would, and returns
// its output.
func run(t *testing.T, app core.App, args ...string) (string, error) {
	t.Helper()
	root := &cobra.Command{Use: "buurtplein", SilenceErrors: true}
	backups.MustRegister(app, backups.Config{Command: root})
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func TestBackupCreateAndList(t *testing.T) {
	app := testapp.New(t)

	out, err := run(t, app, "backup", "create", "een.zip")
	if err != nil || !strings.Contains(out, "Back-up een.zip gemaakt") {
		t.Fatalf("backup create een.zip = %q, %v", out, err)
	}
	out, err = run(t, app, "backup", "create")
	if err != nil || !strings.Contains(out, "Back-up pb_backup_buurtplein_") {
		t.Fatalf("backup create = %q, %v; want a backup named after the app", out, err)
	}

	out, err = run(t, app, "backup", "list")
	if err != nil || !strings.Contains(out, "een.zip") || !strings.Contains(out, "pb_backup_buurtplein_") {
		t.Fatalf("backup list = %q, %v; want both backups", out, err)
	}

	for _, name := range []string{"een.zip", "Een.zip", "../een.zip", "een"} {
		if _, err := run(t, app, "backup", "create", name); err == nil {
			t.Errorf("backup create %s succeeded, want a refusal", name)
		}
	}
}

func TestBackupSchedule(t *testing.T) {
	app := testapp.New(t)

	out, err := run(t, app, "backup", "schedule")
	if err != nil || !strings.Contains(out, `"0 2 * * *"`) || !strings.Contains(out, "de laatste 7") {
		t.Fatalf("backup schedule = %q, %v; want the default", out, err)
	}

	if out, err := run(t, app, "backup", "schedule", "15 4 * * *", "--keep", "5"); err != nil {
		t.Fatalf("backup schedule \"15 4 * * *\" --keep 5 = %q, %v", out, err)
	}
	if s := app.Settings().Backups; s.Cron != "15 4 * * *" || s.CronMaxKeep != 5 {
		t.Fatalf("settings: cron %q, keep %d; want \"15 4 * * *\", 5", s.Cron, s.CronMaxKeep)
	}
	if j := job(app); j == nil || j.Expression() != "15 4 * * *" {
		t.Fatalf("backup cron job = %v, want one at \"15 4 * * *\"", j)
	}

	for _, bad := range [][]string{{"elke nacht"}, {"61 2 * * *"}, {"--keep", "-1"}} {
		if _, err := run(t, app, append([]string{"backup", "schedule"}, bad...)...); err == nil {
			t.Errorf("backup schedule %q succeeded, want a refusal", bad)
		}
	}
	if s := app.Settings().Backups; s.Cron != "15 4 * * *" || s.CronMaxKeep != 5 {
		t.Fatalf("a refused change changed the settings: cron %q, keep %d", s.Cron, s.CronMaxKeep)
	}

	if out, err := run(t, app, "backup", "schedule", "uit"); err != nil || !strings.Contains(out, "staan uit") {
		t.Fatalf("backup schedule uit = %q, %v", out, err)
	}
	if j := job(app); j != nil {
		t.Fatalf("backup cron job after \"uit\" = %v, want none", j)
	}
}

// TestBackupRestore restores with the command: into another dir, and into
// the app's own data dir (which the command lets go of first).
func TestBackupRestore(t *testing.T) {
	app := testapp.New(t)
	if _, err := run(t, app, "backup", "create", "terug.zip"); err != nil {
		t.Fatal(err)
	}
	want, _ := app.CountRecords("posts")

	into := filepath.Join(t.TempDir(), "pb_data")
	out, err := run(t, app, "backup", "restore", "terug.zip", "--into", into)
	if err != nil || !strings.Contains(out, "teruggezet in "+into) {
		t.Fatalf("backup restore --into = %q, %v", out, err)
	}
	if got := count(t, into, "posts"); got != want {
		t.Fatalf("posts restored --into: %d, want %d", got, want)
	}

	// a post deleted after the backup is back once it is restored
	post, err := app.FindFirstRecordByData("posts", "kind", "update")
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(post); err != nil {
		t.Fatal(err)
	}
	out, err = run(t, app, "backup", "restore", "terug.zip")
	if err != nil || !strings.Contains(out, "De vorige inhoud staat in") {
		t.Fatalf("backup restore = %q, %v", out, err)
	}
	if got := count(t, app.DataDir(), "posts"); got != want {
		t.Fatalf("posts restored in the data dir: %d, want %d", got, want)
	}

	if _, err := run(t, app, "backup", "restore", "bestaat-niet.zip"); err == nil {
		t.Fatal("backup restore of a backup that does not exist succeeded")
	}
}
