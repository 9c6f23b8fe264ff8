package audit_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/audit"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// run runs "buurtplein args..." on app, as the binary would, and returns
// its output.
func run(t *testing.T, app core.App, config audit.Config, args ...string) (string, error) {
	t.Helper()
	root := &cobra.Command{Use: "buurtplein", SilenceErrors: true}
	config.Command = root
	audit.MustRegister(app, config)
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

// TestVerifyCommand verifies a whole log, then one edited with SQL: the
// command names the entry and fails.
func TestVerifyCommand(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	sql(t, app, "DELETE FROM access_log", nil) // whatever the demo logged
	appendEntries(t, app, 12)

	out, err := run(t, app, audit.Config{}, "audit", "verify")
	if err != nil || !strings.Contains(out, "OK: 12 entries") {
		t.Fatalf("audit verify = %q, %v; want OK", out, err)
	}
	if strings.Contains(out, "\r") {
		t.Errorf("audit verify wrote progress to a buffer: %q", out)
	}

	id := entryAt(t, app, 8)
	sql(t, app, "UPDATE access_log SET user_name = 'Iemand anders' WHERE seq = 8", nil)
	out, err = run(t, app, audit.Config{}, "audit", "verify")
	if !errors.Is(err, audit.ErrBroken) || !strings.Contains(out, "GEBROKEN bij seq 8 (id "+id+"): hash") || !strings.Contains(out, "7 regels ervoor") {
		t.Errorf("audit verify of an edited log = %q, %v; want the break at 8 and an error", out, err)
	}
}

// TestPurgeCommand purges an aged log, first as a dry run; verify then
// says the log starts after a purge.
func TestPurgeCommand(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	agedLog(t, app)

	out, err := run(t, app, audit.Config{RetentionYears: 5}, "audit", "purge", "--dry-run")
	if err != nil || !strings.Contains(out, "Proefdraai: 2 regels") || len(seqs(t, app)) != 5 {
		t.Fatalf("audit purge --dry-run = %q, %v; want 2 counted, none deleted", out, err)
	}
	out, err = run(t, app, audit.Config{RetentionYears: 5}, "audit", "purge")
	if err != nil || !strings.Contains(out, "2 regels van vóór") || len(seqs(t, app)) != 3 {
		t.Fatalf("audit purge = %q, %v; want 2 deleted", out, err)
	}
	out, err = run(t, app, audit.Config{}, "audit", "verify")
	if err != nil || !strings.Contains(out, "OK: 3 entries (seq 3 tot en met 5)") || !strings.Contains(out, "begint bij seq 3") {
		t.Errorf("audit verify after the purge = %q, %v", out, err)
	}
}
