package wiki_test

import (
	"net/http"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/wiki"
)

// TestWikiRealtime checks the wiki's events on carla's organisation topic
// (carla is in Schalkwijk): the organisation's pages and Haarlem-Noord's
// shared page with their revisions come, a page that stops being shared
// leaves with a delete that shows nothing of its new text, and nothing of
// Haarlem-Noord's own pages comes at all.
func TestWikiRealtime(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	f := newFixture(t)
	server := testapp.Serve(t, app)

	carla, status := testapp.ConnectRealtime(t, server.URL, f.carlaT, hooks.OrganisationTopic)
	if status != http.StatusNoContent {
		t.Fatalf("carla's subscription: %d", status)
	}
	defer carla.Close()

	save := func(id, author string, fields map[string]any) {
		t.Helper()
		page, err := app.FindRecordById(wiki.PagesCollection, id)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range fields {
			page.Set(k, v)
		}
		if err := wiki.SaveAs(app, page, author); err != nil {
			t.Fatal(err)
		}
	}
	// Each save's events are awaited before the next save: the topics of a
	// revision are its page's, read when the event is sent, so a page
	// unshared before its earlier revision went out takes that revision off
	// the organisation's topic too (what carla may read then).
	var events []testapp.Event
	save(f.werkafspraken, f.anna, map[string]any{"body": "Geheim van het team"}) // nothing
	save(f.inwerken, f.anna, map[string]any{"body": "Gedeeld met iedereen"})     // page and revision
	events = append(events, carla.Receive(t, 2)...)
	save(f.inwerken, f.anna, map[string]any{"shared": false, "body": "Weer geheim"}) // a delete of the page
	events = append(events, carla.Receive(t, 1)...)
	save(f.wondzorg, f.bo, map[string]any{"body": "Nieuwe wondzorg", "summary": "Kort"}) // page and revision
	events = append(events, carla.Receive(t, 2)...)

	var deletes, creates int
	for _, ev := range events {
		if ev.Name != hooks.OrganisationTopic {
			t.Errorf("an event named %q", ev.Name)
		}
		if strings.Contains(ev.Data, "Geheim") || strings.Contains(ev.Data, "geheim") || strings.Contains(ev.Data, f.werkafspraken) {
			t.Errorf("carla got a secret: %s", ev.Data)
		}
		if strings.Contains(ev.Data, `"action":"delete"`) {
			deletes++
			if !strings.Contains(ev.Data, f.inwerken) {
				t.Errorf("a delete of something else: %s", ev.Data)
			}
		}
		if strings.Contains(ev.Data, `"action":"create"`) && strings.Contains(ev.Data, `"collectionName":"wiki_revisions"`) {
			creates++
		}
	}
	if deletes != 1 || creates != 2 {
		t.Errorf("%d deletes and %d new revisions, want 1 and 2", deletes, creates)
	}
}
