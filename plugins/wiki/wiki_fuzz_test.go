package wiki_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/wiki"

	"github.com/pocketbase/dbx"
)

// FuzzPageSave sends pages with any slug, title, body, parent and flags
// through the record API as anna (Haarlem-Noord), as a create or as an
// update of werkafspraken from any revision. The answer is a 200, or a 4xx
// with a message (a 409 with the current revision), never a 500; a save
// that succeeds has exactly one revision more, holding its text, and no
// page ever sits under itself.
func FuzzPageSave(f *testing.F) {
	f.Add(true, "nieuw", "Nieuw", "Zie [[wondzorg]]", uint8(0), false, false, 1)
	f.Add(false, "werkafspraken", "Werkafspraken", "Anders", uint8(2), true, false, 1)
	f.Add(false, "werkafspraken", "", "\x00", uint8(3), false, true, 0)
	f.Add(true, "Nieuw Pagina", "  ", "", uint8(1), false, true, -1)
	f.Add(false, "inwerken", "Titel", "Tekst", uint8(4), false, false, 7)

	app := testapp.New(f)
	testapp.Unlimited(f, app)
	server := testapp.Serve(f, app)
	anna := testapp.Token(f, app, "anna@buurtplein.test")
	haarlem := testapp.Id(f, app, "teams", "slug", "haarlem-noord")
	werkafspraken := pageId(f, app, haarlem, "werkafspraken")
	parents := []string{"", pageId(f, app, haarlem, "sleutels-en-codes"), werkafspraken, pageId(f, app, "", "wondzorg"), "abcdefghijklmno"}
	url := server.URL + "/api/collections/wiki_pages/records"

	f.Fuzz(func(t *testing.T, create bool, slug, title, body string, parent uint8, shared, protocol bool, revision int) {
		fields := map[string]any{
			"slug": slug, "title": title, "body": body, "parent": parents[int(parent)%len(parents)],
			"shared": shared, "protocol": protocol, "revision": revision,
		}
		method, target := http.MethodPatch, url+"/"+werkafspraken
		if create {
			method, target = http.MethodPost, url
			fields["team"] = haarlem
		}
		count := func() int {
			n, err := app.CountRecords(wiki.RevisionsCollection)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
		before := count()

		code, res := testapp.Do(t, method, target, anna, fields)
		if code != http.StatusOK {
			var apiErr struct{ Message string }
			if code < 400 || code >= 500 || json.Unmarshal(res, &apiErr) != nil || apiErr.Message == "" {
				t.Fatalf("%s: %d %s", method, code, res)
			}
			if n := count(); n != before {
				t.Fatalf("a refused save left %d revisions more", n-before)
			}
			return
		}

		var page struct {
			Id, Body, Parent string
			Revision         int
		}
		if err := json.Unmarshal(res, &page); err != nil {
			t.Fatal(err)
		}
		rev, err := app.FindFirstRecordByFilter(wiki.RevisionsCollection, "page = {:p} && revision = {:n}", dbx.Params{"p": page.Id, "n": page.Revision})
		if err != nil || rev.GetString("body") != page.Body || count() != before+1 {
			t.Fatalf("the save of revision %d has no revision with its text (%v)", page.Revision, err)
		}
		for id, depth := page.Parent, 0; id != ""; depth++ {
			if id == page.Id || depth > wiki.MaxDepth {
				t.Fatalf("page %s sits under itself", page.Id)
			}
			p, err := app.FindRecordById(wiki.PagesCollection, id)
			if err != nil {
				t.Fatal(err)
			}
			id = p.GetString("parent")
		}
	})
}
