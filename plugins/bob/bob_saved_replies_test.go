package bob_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/bob"

	"github.com/pocketbase/pocketbase/tests"
)

// TestSavedReplies checks BOB's standard answers: BOB's alone on every
// path, with created_by the server's.
func TestSavedReplies(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	app := testapp.New(t)
	saved, err := app.FindFirstRecordByData(bob.SavedRepliesCollection, "title", "Declaraties")
	if err != nil {
		t.Fatal(err)
	}
	list := "/api/collections/saved_replies/records"
	runScenarios(t, []tests.ApiScenario{
		{Name: "bo lists them", Method: http.MethodGet, URL: list, Headers: authHeader(d.boT),
			ExpectedStatus: 200, ExpectedContent: []string{saved.Id, `"totalItems":3`}},
		{Name: "anna lists none", Method: http.MethodGet, URL: list, Headers: authHeader(d.annaT),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`}, NotExpectedContent: []string{saved.Id}},
		{Name: "anna views none", Method: http.MethodGet, URL: list + "/" + saved.Id, Headers: authHeader(d.annaT),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "anna adds none", Method: http.MethodPost, URL: list, Headers: authHeader(d.annaT),
			Body: jsonOf(t, map[string]any{"title": "Eigen", "body": "Tekst"}), ExpectedStatus: 400, ExpectedContent: []string{`"data":{}`}},
		{Name: "anna changes none", Method: http.MethodPatch, URL: list + "/" + saved.Id, Headers: authHeader(d.annaT),
			Body: jsonOf(t, map[string]any{"title": "Eigen"}), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "anna deletes none", Method: http.MethodDelete, URL: list + "/" + saved.Id, Headers: authHeader(d.annaT),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "bo adds one: his, whatever he sends", Method: http.MethodPost, URL: list, Headers: authHeader(d.boT),
			Body:           jsonOf(t, map[string]any{"title": "Open dag", "body": "Tips voor een open dag", "category": "pr", "created_by": d.anna}),
			ExpectedStatus: 200, ExpectedContent: []string{`"created_by":"` + d.bo + `"`}},
		{Name: "bo edits one: created_by stays", Method: http.MethodPatch, URL: list + "/" + saved.Id, Headers: authHeader(d.boT),
			Body:           jsonOf(t, map[string]any{"body": "Nieuw", "created_by": d.anna}),
			ExpectedStatus: 200, ExpectedContent: []string{`"created_by":"` + saved.GetString("created_by") + `"`, `"body":"Nieuw"`}},
		{Name: "bo deletes one", Method: http.MethodDelete, URL: list + "/" + saved.Id, Headers: authHeader(d.boT), ExpectedStatus: 204},
	})

	// realtime: BOB's topic carries them, a team's does not
	server := testapp.Serve(t, app)
	anna, status := testapp.ConnectRealtime(t, server.URL, d.annaT, hooks.TeamTopic(d.haarlem))
	if status != http.StatusNoContent {
		t.Fatal(status)
	}
	defer anna.Close()
	bo, status := testapp.ConnectRealtime(t, server.URL, d.boT, hooks.TeamTopic(d.bob))
	if status != http.StatusNoContent {
		t.Fatal(status)
	}
	defer bo.Close()
	if code, res := testapp.Do(t, http.MethodPatch, server.URL+list+"/"+saved.Id, d.boT, map[string]any{"body": "Geheim standaardantwoord"}); code != 200 {
		t.Fatalf("%d %s", code, res)
	}
	if ev := bo.Next(t, 5*time.Second); ev.Name != hooks.TeamTopic(d.bob) {
		t.Errorf("bo's event: %s", ev.Name)
	}
	// the marker: a question of Haarlem-Noord; had the saved reply reached
	// anna, it would have come first
	setQuestion(t, app, d.question[declaratie], map[string]any{"category": "ict"})
	if ev := anna.Next(t, 5*time.Second); ev.Name != hooks.TeamTopic(d.haarlem) || !strings.Contains(ev.Data, d.question[declaratie]) {
		t.Errorf("anna's first event: %s %s", ev.Name, ev.Data)
	}
}
