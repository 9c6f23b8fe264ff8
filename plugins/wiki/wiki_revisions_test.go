package wiki_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/wiki"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// TestDemoWiki checks the demo: the Wondzorg protocol with three
// revisions by bo, the last a must-read for Haarlem-Noord, and
// Haarlem-Noord's wiki with a nested, a linking and a shared page.
func TestDemoWiki(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	f := newFixture(t)

	page, err := app.FindRecordById(wiki.PagesCollection, f.wondzorg)
	if err != nil {
		t.Fatal(err)
	}
	if page.GetInt("revision") != 3 || !page.GetBool("protocol") || !page.GetBool("must_read") || page.GetString("must_read_team") != f.haarlem {
		t.Fatalf("wondzorg: revision %d protocol %v must_read %v team %q", page.GetInt("revision"), page.GetBool("protocol"), page.GetBool("must_read"), page.GetString("must_read_team"))
	}
	revs := revisions(t, app, f.wondzorg)
	if len(revs) != 3 {
		t.Fatalf("wondzorg has %d revisions, want 3", len(revs))
	}
	for i, rev := range revs {
		if rev.GetInt("revision") != i+1 || rev.GetString("author") != f.bo || rev.GetString("summary") == "" {
			t.Errorf("revision %d: number %d, author %q, summary %q", i+1, rev.GetInt("revision"), rev.GetString("author"), rev.GetString("summary"))
		}
	}
	if revs[2].GetString("body") != page.GetString("body") || revs[0].GetString("body") == revs[2].GetString("body") {
		t.Error("the last revision is not the page's text, or the first is the same")
	}

	sleutels, _ := app.FindRecordById(wiki.PagesCollection, f.sleutels)
	if sleutels.GetString("parent") != f.werkafspraken {
		t.Error("sleutels-en-codes is not nested under werkafspraken")
	}
	werk, _ := app.FindRecordById(wiki.PagesCollection, f.werkafspraken)
	if links := wiki.Links(werk.GetString("body")); strings.Join(links, " ") != "sleutels-en-codes wondzorg" {
		t.Errorf("werkafspraken links to %v", links)
	}
	inwerken, _ := app.FindRecordById(wiki.PagesCollection, f.inwerken)
	if !inwerken.GetBool("shared") || inwerken.GetString("created_by") != f.anna {
		t.Error("inwerken is not anna's page shared with the organisation")
	}

	// seeding again adds nothing
	if err := wiki.SeedDemo(app); err != nil {
		t.Fatal(err)
	}
	if n := len(revisions(t, app, f.wondzorg)); n != 3 {
		t.Errorf("after a second seed wondzorg has %d revisions", n)
	}
}

// TestStaleSave checks that a save from a revision that is no longer the
// current one is refused with a 409 carrying the current revision and the
// diff from the save's revision to it, and that nothing is written.
func TestStaleSave(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	// bram saved revision 2 while anna still edits revision 1
	bramSaves := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		page, err := app.FindRecordById(wiki.PagesCollection, f.werkafspraken)
		if err != nil {
			t.Fatal(err)
		}
		page.Set("body", strings.Replace(page.GetString("body"), "9:00", "9:30", 1))
		page.Set("summary", "Overleg een half uur later")
		if err := wiki.SaveAs(app, page, f.bram); err != nil {
			t.Fatal(err)
		}
	}

	run(t, []tests.ApiScenario{
		{
			Name:           "anna saves from revision 1 after bram's revision 2",
			Method:         http.MethodPatch,
			URL:            "/api/collections/wiki_pages/records/" + f.werkafspraken,
			Headers:        auth(f.annaT),
			Body:           jsonBody(t, map[string]any{"revision": 1, "body": "Mijn versie", "summary": "Ingekort"}),
			BeforeTestFunc: bramSaves,
			ExpectedStatus: http.StatusConflict,
			ExpectedContent: []string{
				`"code":"wiki_stale_revision"`, `"current":{`, `"revision":2`, `"summary":"Overleg een half uur later"`,
				`"author":"` + f.bram + `"`, `"authorName":"Bram`, `"diff":{"from":1,"to":2`,
				`{"op":"equal","text":""}`, `{"op":"equal","text":"- Elke maandag om 9:"},{"op":"delete","text":"00"},{"op":"insert","text":"30"}`,
			},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				page, _ := app.FindRecordById(wiki.PagesCollection, f.werkafspraken)
				if page.GetInt("revision") != 2 || strings.Contains(page.GetString("body"), "Mijn versie") {
					t.Errorf("the stale save changed the page: revision %d", page.GetInt("revision"))
				}
				if n := len(revisions(t, app, f.werkafspraken)); n != 2 {
					t.Errorf("%d revisions, want 2", n)
				}
			},
		},
		{
			Name:           "anna saves from revision 2 after bram's revision 2",
			Method:         http.MethodPatch,
			URL:            "/api/collections/wiki_pages/records/" + f.werkafspraken,
			Headers:        auth(f.annaT),
			Body:           jsonBody(t, map[string]any{"revision": 2, "body": "Mijn versie", "created_by": f.bram, "updated_by": f.bram}),
			BeforeTestFunc: bramSaves,
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				`"revision":3`, `"updated_by":"` + f.anna + `"`, `"created_by":"` + f.anna + `"`, `"summary":""`,
			},
			ExpectedEvents: map[string]int{"OnRecordUpdateRequest": 1, "OnRecordCreateExecute": 1},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				revs := revisions(t, app, f.werkafspraken)
				last := revs[len(revs)-1]
				if len(revs) != 3 || last.GetInt("revision") != 3 || last.GetString("author") != f.anna ||
					last.GetString("body") != "Mijn versie" || last.GetString("summary") != "" {
					t.Errorf("revision 3: %v", last.PublicExport())
				}
			},
		},
		{
			Name:            "IT edits a page in the dashboard (the record API as a superuser)",
			Method:          http.MethodPatch,
			URL:             "/api/collections/wiki_pages/records/" + f.werkafspraken,
			Headers:         auth(f.superT),
			Body:            jsonBody(t, map[string]any{"revision": 1, "body": "Door IT", "summary": "Opgeschoond", "updated_by": f.bram}),
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"revision":2`, `"updated_by":""`, `"created_by":"` + f.anna + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				revs := revisions(t, app, f.werkafspraken)
				if len(revs) != 2 || revs[1].GetString("author") != "" || revs[1].GetString("body") != "Door IT" || revs[1].GetString("summary") != "Opgeschoond" {
					t.Errorf("IT's revision: %d revisions", len(revs))
				}
			},
		},
		{
			Name:            "an update without the revision it started from",
			Method:          http.MethodPatch,
			URL:             "/api/collections/wiki_pages/records/" + f.werkafspraken,
			Headers:         auth(f.annaT),
			Body:            strings.NewReader(`{"body":"Zonder versie"}`),
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{`"code":"validation_wiki_revision_required"`},
		},
		{
			Name:            "a create ignores the revision sent and starts at 1",
			Method:          http.MethodPost,
			URL:             "/api/collections/wiki_pages/records",
			Headers:         auth(f.bramT),
			Body:            jsonBody(t, map[string]any{"team": f.haarlem, "slug": "nieuw", "title": "Nieuw", "body": "Tekst", "revision": 7, "summary": "Begin"}),
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"revision":1`, `"created_by":"` + f.bram + `"`, `"summary":"Begin"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				var page struct{ Id string }
				json.NewDecoder(res.Body).Decode(&page)
				revs := revisions(t, app, page.Id)
				if len(revs) != 1 || revs[0].GetInt("revision") != 1 || revs[0].GetString("author") != f.bram || revs[0].GetString("summary") != "Begin" {
					t.Errorf("revisions of the new page: %d", len(revs))
				}
			},
		},
		{
			Name:    "a batch save writes its revision in the batch's transaction",
			Method:  http.MethodPost,
			URL:     "/api/batch",
			Headers: auth(f.annaT),
			Body: jsonBody(t, map[string]any{"requests": []map[string]any{
				{"method": "PATCH", "url": "/api/collections/wiki_pages/records/" + f.werkafspraken, "body": map[string]any{"revision": 1, "title": "Afspraken"}},
				{"method": "PATCH", "url": "/api/collections/wiki_pages/records/" + f.sleutels, "body": map[string]any{"revision": 1, "parent": f.haarlem}},
			}}),
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{`validation_wiki_parent_unknown`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if n := len(revisions(t, app, f.werkafspraken)); n != 1 {
					t.Errorf("the failed batch left %d revisions of werkafspraken", n)
				}
			},
		},
	})
}

// TestGoSavesWriteRevisions checks app.Save from Go code (an import): a
// revision on every save, by whom updated_by names or by no one, and the
// stale check as for the API.
func TestGoSavesWriteRevisions(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	f := newFixture(t)

	page, err := app.FindRecordById(wiki.PagesCollection, f.werkafspraken)
	if err != nil {
		t.Fatal(err)
	}
	stale := page.Fresh()

	page.Set("body", "Door een import")
	if err := app.Save(page); err != nil {
		t.Fatal(err)
	}
	page.Set("body", "Door de import, namens bram")
	page.Set("updated_by", f.bram)
	page.Set("summary", "Import")
	if err := app.Save(page); err != nil {
		t.Fatal(err)
	}
	revs := revisions(t, app, f.werkafspraken)
	if len(revs) != 3 || page.GetInt("revision") != 3 {
		t.Fatalf("%d revisions, page at %d; want 3", len(revs), page.GetInt("revision"))
	}
	if revs[1].GetString("author") != "" || revs[1].GetString("summary") != "" {
		t.Errorf("revision 2 (updated_by untouched) has author %q, summary %q", revs[1].GetString("author"), revs[1].GetString("summary"))
	}
	if revs[2].GetString("author") != f.bram || revs[2].GetString("summary") != "Import" {
		t.Errorf("revision 3 has author %q, summary %q", revs[2].GetString("author"), revs[2].GetString("summary"))
	}

	stale.Set("body", "Van versie 1")
	err = app.Save(stale)
	if !strings.Contains(err.Error(), "intussen gewijzigd") || stale.GetInt("revision") != 1 {
		t.Errorf("stale Go save: %v (revision %d)", err, stale.GetInt("revision"))
	}
	if n := len(revisions(t, app, f.werkafspraken)); n != 3 {
		t.Errorf("the stale save left %d revisions", n)
	}
}

// TestRevisionsImmutable checks that no path creates, changes or deletes a
// revision, nor deletes a page: the API for employees and superusers, a
// batch, and Go code.
func TestRevisionsImmutable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	untouched := func(t testing.TB, app *tests.TestApp, res *http.Response) {
		revs := revisions(t, app, f.wondzorg)
		if len(revs) != 3 || revs[0].Id != f.wondzorgRev1 || revs[0].GetString("summary") != "Eerste versie" {
			t.Errorf("wondzorg's revisions changed: %d", len(revs))
		}
		if _, err := app.FindRecordById(wiki.PagesCollection, f.wondzorg); err != nil {
			t.Errorf("wondzorg is gone: %v", err)
		}
	}
	rev := "/api/collections/wiki_revisions/records"
	newRev := map[string]any{"page": f.wondzorg, "revision": 4, "title": "Wondzorg", "body": "Vervalst"}
	var scenarios []tests.ApiScenario
	for _, who := range []struct{ name, token string }{{"bo", f.boT}, {"bram", f.bramT}} {
		scenarios = append(scenarios,
			tests.ApiScenario{Name: who.name + " creates a revision", Method: http.MethodPost, URL: rev, Headers: auth(who.token),
				Body: jsonBody(t, newRev), ExpectedStatus: 403, ExpectedContent: []string{`"data":{}`}, AfterTestFunc: untouched},
			tests.ApiScenario{Name: who.name + " changes a revision", Method: http.MethodPatch, URL: rev + "/" + f.wondzorgRev1, Headers: auth(who.token),
				Body: jsonBody(t, map[string]any{"summary": "Vervalst"}), ExpectedStatus: 403, ExpectedContent: []string{`"data":{}`}, AfterTestFunc: untouched},
			tests.ApiScenario{Name: who.name + " deletes a revision", Method: http.MethodDelete, URL: rev + "/" + f.wondzorgRev1, Headers: auth(who.token),
				ExpectedStatus: 403, ExpectedContent: []string{`"data":{}`}, AfterTestFunc: untouched},
			tests.ApiScenario{Name: who.name + " deletes a page", Method: http.MethodDelete, URL: "/api/collections/wiki_pages/records/" + f.wondzorg, Headers: auth(who.token),
				ExpectedStatus: 403, ExpectedContent: []string{`"data":{}`}, AfterTestFunc: untouched},
		)
	}
	scenarios = append(scenarios,
		tests.ApiScenario{Name: "a superuser creates a revision", Method: http.MethodPost, URL: rev, Headers: auth(f.superT),
			Body: jsonBody(t, newRev), ExpectedStatus: 403, ExpectedContent: []string{`"code":"wiki_revision_immutable"`}, AfterTestFunc: untouched},
		tests.ApiScenario{Name: "a superuser changes a revision", Method: http.MethodPatch, URL: rev + "/" + f.wondzorgRev1, Headers: auth(f.superT),
			Body: jsonBody(t, map[string]any{"summary": "Vervalst"}), ExpectedStatus: 403, ExpectedContent: []string{`"code":"wiki_revision_immutable"`}, AfterTestFunc: untouched},
		tests.ApiScenario{Name: "a superuser deletes a revision", Method: http.MethodDelete, URL: rev + "/" + f.wondzorgRev1, Headers: auth(f.superT),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"wiki_revision_immutable"`}, AfterTestFunc: untouched},
		tests.ApiScenario{Name: "a superuser deletes a page", Method: http.MethodDelete, URL: "/api/collections/wiki_pages/records/" + f.wondzorg, Headers: auth(f.superT),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"wiki_page_undeletable"`}, AfterTestFunc: untouched},
		tests.ApiScenario{Name: "a superuser's batch changes, deletes and upserts revisions", Method: http.MethodPost, URL: "/api/batch", Headers: auth(f.superT),
			Body: jsonBody(t, map[string]any{"requests": []map[string]any{
				{"method": "PATCH", "url": rev + "/" + f.wondzorgRev1, "body": map[string]any{"body": "Vervalst"}},
			}}),
			ExpectedStatus: 400, ExpectedContent: []string{`wiki_revision_immutable`}, AfterTestFunc: untouched},
		tests.ApiScenario{Name: "a superuser's batch deletes a revision", Method: http.MethodPost, URL: "/api/batch", Headers: auth(f.superT),
			Body: jsonBody(t, map[string]any{"requests": []map[string]any{
				{"method": "DELETE", "url": rev + "/" + f.wondzorgRev1},
			}}),
			ExpectedStatus: 400, ExpectedContent: []string{`wiki_revision_immutable`}, AfterTestFunc: untouched},
		tests.ApiScenario{Name: "a superuser's batch upserts a revision", Method: http.MethodPost, URL: "/api/batch", Headers: auth(f.superT),
			Body: jsonBody(t, map[string]any{"requests": []map[string]any{
				{"method": "PUT", "url": rev, "body": map[string]any{"id": f.wondzorgRev1, "body": "Vervalst"}},
			}}),
			ExpectedStatus: 400, ExpectedContent: []string{`wiki_revision_immutable`}, AfterTestFunc: untouched},
		tests.ApiScenario{Name: "a superuser deletes the revisions' collection", Method: http.MethodDelete, URL: "/api/collections/wiki_revisions", Headers: auth(f.superT),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"wiki_history_kept"`}, AfterTestFunc: untouched},
		tests.ApiScenario{Name: "a superuser truncates the revisions' collection", Method: http.MethodDelete, URL: "/api/collections/wiki_revisions/truncate", Headers: auth(f.superT),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`}, AfterTestFunc: untouched},
		tests.ApiScenario{Name: "bo's batch creates a revision", Method: http.MethodPost, URL: "/api/batch", Headers: auth(f.boT),
			Body: jsonBody(t, map[string]any{"requests": []map[string]any{
				{"method": "POST", "url": rev, "body": newRev},
			}}),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":403`}, AfterTestFunc: untouched},
	)
	run(t, scenarios)

	t.Run("Go code", func(t *testing.T) {
		app := testapp.New(t)
		first, err := app.FindRecordById(wiki.RevisionsCollection, f.wondzorgRev1)
		if err != nil {
			t.Fatal(err)
		}
		first.Set("body", "Vervalst")
		if err := app.Save(first); err == nil {
			t.Error("app.Save changed a revision")
		}
		if err := app.SaveNoValidate(first); err == nil {
			t.Error("app.SaveNoValidate changed a revision")
		}
		if err := app.Delete(first); err == nil {
			t.Error("app.Delete deleted a revision")
		}
		collection, _ := app.FindCollectionByNameOrId(wiki.RevisionsCollection)
		if err := app.TruncateCollection(collection); err == nil {
			t.Error("truncating deleted the revisions")
		}
		forged := core.NewRecord(collection)
		forged.Load(map[string]any{"page": f.wondzorg, "revision": 4, "title": "Wondzorg", "body": "Vervalst"})
		if err := app.Save(forged); err == nil {
			t.Error("app.Save created a revision")
		}
		page, _ := app.FindRecordById(wiki.PagesCollection, f.wondzorg)
		if err := app.Delete(page); err == nil {
			t.Error("app.Delete deleted a page")
		}
		untouched(t, app, nil)
	})
}

// TestRestore checks that a restore writes a new revision with the old
// text, by whom restored it, and that only those who edit the page may.
func TestRestore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	url := "/api/buurtplein/wiki/" + f.wondzorg + "/restore"

	run(t, []tests.ApiScenario{
		{
			Name:            "bo restores revision 1 of wondzorg",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.boT),
			Body:            strings.NewReader(`{"revision":1}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"revision":4`, `"summary":"wiki_restored"`, `"updated_by":"` + f.bo + `"`, `"collectionName":"wiki_pages"`},
			// the revision, and a notification to each of Haarlem-Noord
			// (anna, bram, dirk), whom the protocol asks to confirm it
			ExpectedEvents: map[string]int{"OnRecordUpdateExecute": 1, "OnRecordCreateExecute": 4},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				var asked []string
				err := app.DB().Select("user").From("notifications").
					Where(dbx.HashExp{"kind": "mustread_new", "subject_collection": wiki.PagesCollection, "subject": f.wondzorg}).
					OrderBy("user").Column(&asked)
				if err != nil {
					t.Fatal(err)
				}
				if want := sortedIds(t, app, "anna", "bram", "dirk"); !slices.Equal(asked, want) {
					t.Errorf("the restored protocol asked %q to confirm it, want Haarlem-Noord %q", asked, want)
				}
				revs := revisions(t, app, f.wondzorg)
				if len(revs) != 4 {
					t.Fatalf("%d revisions, want 4", len(revs))
				}
				if revs[0].Id != f.wondzorgRev1 || revs[3].GetString("body") != revs[0].GetString("body") ||
					revs[3].GetString("author") != f.bo || revs[3].GetString("summary") != wiki.RestoredSummary {
					t.Errorf("revision 4 is not revision 1's text by bo: %v", revs[3].PublicExport())
				}
				page, _ := app.FindRecordById(wiki.PagesCollection, f.wondzorg)
				if page.GetString("body") != revs[0].GetString("body") {
					t.Error("the page does not hold revision 1's text")
				}
			},
		},
		{
			Name:            "bram (reads, does not edit the organisation wiki) restores",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            strings.NewReader(`{"revision":1}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"code":"wiki_edit_forbidden"`},
		},
		{
			Name:            "carla restores a Haarlem-Noord page",
			Method:          http.MethodPost,
			URL:             "/api/buurtplein/wiki/" + f.werkafspraken + "/restore",
			Headers:         auth(f.carlaT),
			Body:            strings.NewReader(`{"revision":1}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"code":"wiki_page_not_found"`},
		},
		{
			Name:            "carla restores Haarlem-Noord's shared page",
			Method:          http.MethodPost,
			URL:             "/api/buurtplein/wiki/" + f.inwerken + "/restore",
			Headers:         auth(f.carlaT),
			Body:            strings.NewReader(`{"revision":1}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"code":"wiki_edit_forbidden"`},
		},
		{
			Name:            "bo restores a revision that does not exist",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.boT),
			Body:            strings.NewReader(`{"revision":9}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"validation_wiki_restore_revision"`, `"max":3`},
		},
		{
			Name:            "restore without signing in",
			Method:          http.MethodPost,
			URL:             url,
			Body:            strings.NewReader(`{"revision":1}`),
			ExpectedStatus:  401,
			ExpectedContent: []string{`"status":401`},
		},
	})
}

// TestTeamDeleted checks what deleting a team (IT, in the dashboard) does
// to the wikis: its pages keep their history and their team's id, so only
// IT reads them; a protocol it had to read is no longer a must-read (for
// everyone instead).
func TestTeamDeleted(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	f := newFixture(t)

	team, err := app.FindRecordById("teams", f.haarlem)
	if err != nil {
		t.Fatal(err)
	}
	testapp.DeleteClients(t, app, f.haarlem)
	if err := app.Delete(team); err != nil {
		t.Fatalf("deleting Haarlem-Noord: %v", err)
	}
	page, err := app.FindRecordById(wiki.PagesCollection, f.werkafspraken)
	if err != nil {
		t.Fatalf("werkafspraken is gone: %v", err)
	}
	if page.GetString("team") != f.haarlem || page.GetInt("revision") != 1 || len(revisions(t, app, f.werkafspraken)) != 1 {
		t.Errorf("werkafspraken: team %q, revision %d", page.GetString("team"), page.GetInt("revision"))
	}
	wondzorg, _ := app.FindRecordById(wiki.PagesCollection, f.wondzorg)
	if wondzorg.GetBool("must_read") || wondzorg.GetString("must_read_team") != "" || wondzorg.GetInt("revision") != 4 {
		t.Errorf("wondzorg: must_read %v for %q at revision %d", wondzorg.GetBool("must_read"), wondzorg.GetString("must_read_team"), wondzorg.GetInt("revision"))
	}

	server := testapp.Serve(t, app)
	for _, token := range []string{f.carlaT, f.boT} {
		status, body := testapp.Do(t, http.MethodGet, server.URL+"/api/collections/wiki_pages/records/"+f.werkafspraken, token, nil)
		if status != http.StatusNotFound {
			t.Errorf("a page of the deleted team: %d %s", status, body)
		}
	}
	status, _ := testapp.Do(t, http.MethodGet, server.URL+"/api/collections/wiki_pages/records/"+f.werkafspraken, f.superT, nil)
	if status != http.StatusOK {
		t.Errorf("IT reads a page of the deleted team: %d", status)
	}
}

// TestConcurrentSaves sends five saves from the same revision at once:
// exactly one is written, the others get the 409, whatever their order.
func TestConcurrentSaves(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	f := newFixture(t)
	server := testapp.Serve(t, app)

	statuses := make(chan int, 5)
	for i := range 5 {
		go func() {
			status, _ := testapp.Do(t, http.MethodPatch, server.URL+"/api/collections/wiki_pages/records/"+f.werkafspraken, f.annaT,
				map[string]any{"revision": 1, "body": "Versie van schrijver " + string(rune('A'+i))})
			statuses <- status
		}()
	}
	count := map[int]int{}
	for range 5 {
		count[<-statuses]++
	}
	if count[http.StatusOK] != 1 || count[http.StatusConflict] != 4 {
		t.Errorf("statuses %v, want one 200 and four 409", count)
	}
	if n := len(revisions(t, app, f.werkafspraken)); n != 2 {
		t.Errorf("%d revisions, want 2", n)
	}
}

// TestAuthorKept checks that deleting an employee who wrote a revision
// fails and changes nothing: PocketBase would clear the author of each of
// their revisions, and no revision changes.
func TestAuthorKept(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	f := newFixture(t)

	users, _ := app.FindCollectionByNameOrId("users")
	sanne := core.NewRecord(users)
	sanne.Load(map[string]any{"email": "sanne@buurtplein.test", "name": "Sanne Bakker", "verified": true})
	sanne.SetPassword("buurtplein-demo")
	if err := app.Save(sanne); err != nil {
		t.Fatal(err)
	}
	page, _ := app.FindRecordById(wiki.PagesCollection, f.werkafspraken)
	page.Set("body", "Door Sanne")
	if err := wiki.SaveAs(app, page, sanne.Id); err != nil {
		t.Fatal(err)
	}

	if err := app.Delete(sanne); err == nil || !strings.Contains(err.Error(), "Versies van een wikipagina") {
		t.Fatalf("deleting sanne, the author of a revision: %v", err)
	}
	revs := revisions(t, app, f.werkafspraken)
	if len(revs) != 2 || revs[1].GetString("author") != sanne.Id {
		t.Errorf("werkafspraken's revisions changed: %d", len(revs))
	}
	if _, err := app.FindRecordById("users", sanne.Id); err != nil {
		t.Errorf("sanne is gone: %v", err)
	}
}

// sortedIds returns the ids of the demo employees named (their e-mail's
// name), sorted.
func sortedIds(t testing.TB, app core.App, names ...string) []string {
	t.Helper()
	ids := make([]string, len(names))
	for i, name := range names {
		ids[i] = testapp.Id(t, app, "users", "email", name+"@buurtplein.test")
	}
	slices.Sort(ids)
	return ids
}
