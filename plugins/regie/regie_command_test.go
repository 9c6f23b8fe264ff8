package regie_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"buurtplein/plugins/audit"
	"buurtplein/plugins/regie"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// runClients runs "buurtplein clients args..." on app, as the binary
// would, and returns its output.
func runClients(t *testing.T, app core.App, args ...string) (string, error) {
	t.Helper()
	root := &cobra.Command{Use: "buurtplein", SilenceErrors: true}
	root.AddCommand(regie.ClientsCommand(app))
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(append([]string{"clients"}, args...))
	err := root.Execute()
	return out.String(), err
}

// TestClientsCommands exports a client to CODE.json and CODE.pdf, prints
// its access report, refuses to erase it without --yes and erases it
// with; each logged as the system on behalf of whom the command names,
// and the report of the erased client still made from the log. Output
// to a file or buffer has no progress lines.
func TestClientsCommands(t *testing.T) {
	t.Parallel()
	o := newRightsOrg(t)
	c := saveCase(t, o.app, o.haarlem, "HN-7501", o.anna)
	dir := t.TempDir()

	out, err := runClients(t, o.app, "export", "HN-7501", "--out", dir, "--on-behalf-of", "inzageverzoek cliënt")
	if err != nil || strings.Contains(out, "\r") {
		t.Fatalf("clients export: %q, %v", out, err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "HN-7501.json"))
	if err != nil {
		t.Fatal(err)
	}
	var answer exportAnswer
	if err := json.Unmarshal(data, &answer); err != nil || answer.Client.Code != "HN-7501" || len(answer.ids()) != len(c.records()) {
		t.Errorf("HN-7501.json holds %v (%v), want the %d records of the client", answer.ids(), err, len(c.records()))
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "HN-7501.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(pdfText(t, pdf), ""); !strings.Contains(text, "Gegevens van cliënt HN-7501") {
		t.Errorf("HN-7501.pdf says:\n%s", text)
	}
	if info, err := os.Stat(filepath.Join(dir, "HN-7501.json")); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("HN-7501.json is readable by others: %v %v", info.Mode(), err)
	}
	logged := entries(t, o.app, c.client.Id)
	last2 := logged[len(logged)-2:]
	if last2[0].Action != audit.ActionExport || last2[1].Action != audit.ActionPrint {
		t.Errorf("the export logged %+v", last2)
	}
	for _, e := range last2 {
		if e.Role != audit.RoleSystem || e.OnBehalfOf != "inzageverzoek cliënt" || e.UserName != "buurtplein clients export" {
			t.Errorf("the export's entry: %+v", e)
		}
	}

	out, err = runClients(t, o.app, "report", "HN-7501", "--out", dir, "--from", "2020-01-01")
	if err != nil || !strings.Contains(out, "HN-7501-toegangsrapport.pdf") {
		t.Fatalf("clients report: %q, %v", out, err)
	}
	pdf, err = os.ReadFile(filepath.Join(dir, "HN-7501-toegangsrapport.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(pdfText(t, pdf), ""); !strings.Contains(text, "geëxporteerd") || !strings.Contains(text, "inzageverzoek cliënt") {
		t.Errorf("the report lacks the export:\n%s", text)
	}
	if _, err := runClients(t, o.app, "report", "HN-7501", "--out", dir, "--from", "2026-02-30"); err == nil {
		t.Error("clients report accepted 30 February")
	}

	if _, err := runClients(t, o.app, "erase", "HN-7501"); err == nil {
		t.Fatal("clients erase without --yes succeeded")
	}
	if _, err := o.app.FindRecordById(regie.ClientsCollection, c.client.Id); err != nil {
		t.Fatalf("the client is gone without --yes: %v", err)
	}
	if _, err := runClients(t, o.app, "erase", "HN-0000", "--yes"); err == nil {
		t.Error("clients erase of an unknown code succeeded")
	}
	out, err = runClients(t, o.app, "erase", "HN-7501", "--yes", "--on-behalf-of", "verzoek cliënt")
	if err != nil || !strings.Contains(out, "Cliënt HN-7501 gewist") {
		t.Fatalf("clients erase --yes: %q, %v", out, err)
	}
	if _, err := o.app.FindRecordById(regie.ClientsCollection, c.client.Id); err == nil {
		t.Error("the client is still there")
	}
	logged = entries(t, o.app, c.client.Id)
	if last := logged[len(logged)-1]; last.Action != audit.ActionErase || last.OnBehalfOf != "verzoek cliënt" || last.Role != audit.RoleSystem {
		t.Errorf("the erasure logged %+v", last)
	}

	// the erased client's report, by its code, from the log
	out, err = runClients(t, o.app, "report", "HN-7501", "--out", dir)
	if err != nil {
		t.Fatalf("clients report of the erased client: %q, %v", out, err)
	}
	pdf, _ = os.ReadFile(filepath.Join(dir, "HN-7501-toegangsrapport.pdf"))
	if text := strings.Join(pdfText(t, pdf), ""); !strings.Contains(text, "gewist") {
		t.Errorf("the erased client's report lacks the erasure:\n%s", text)
	}
}
