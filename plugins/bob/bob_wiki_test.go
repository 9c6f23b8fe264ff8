package bob_test

import (
	"net/http"
	"testing"

	"buurtplein/plugins/bob"
	"buurtplein/plugins/wiki"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// TestAnswerToWiki checks POST /api/buurtplein/questions/{id}/wiki: BOB
// alone, a page of the organisation's wiki with its first revision by the
// caller and the question's wiki_page in one step, once per question, a
// free slug, and nothing written when anything fails.
func TestAnswerToWiki(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	roosterQ := d.question[rooster]
	route := func(id string) string { return "/api/buurtplein/questions/" + id + "/wiki" }
	answer := map[string]any{"title": "Vakantierooster in de zomer", "body": "Werk met een vakantiepot per week."}
	pagesUnchanged := func(t testing.TB, app *tests.TestApp, res *http.Response) {
		n, err := app.CountRecords(wiki.PagesCollection, dbx.HashExp{"title": answer["title"]})
		if err != nil || n != 0 {
			t.Errorf("%d pages (%v)", n, err)
		}
		if got := questionField(t, app, roosterQ, "wiki_page"); got != "" {
			t.Errorf("wiki_page %s", got)
		}
	}
	post := func(name, token, id string, body any, status int, content ...string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodPost, URL: route(id), Headers: authHeader(token),
			Body: jsonOf(t, body), ExpectedStatus: status, ExpectedContent: content, AfterTestFunc: pagesUnchanged}
	}
	ok := post("bo makes a page of carla's answered question", d.boT, roosterQ, answer, 200,
		`"slug":"vakantierooster-in-de-zomer"`, `"team":""`, `"revision":1`, `"created_by":"`+d.bo+`"`)
	ok.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		page, err := app.FindFirstRecordByData(wiki.PagesCollection, "slug", "vakantierooster-in-de-zomer")
		if err != nil {
			t.Fatal(err)
		}
		if got := questionField(t, app, roosterQ, "wiki_page"); got != page.Id {
			t.Errorf("wiki_page %q, want %s", got, page.Id)
		}
		n, err := app.CountRecords(wiki.RevisionsCollection, dbx.HashExp{"page": page.Id, "author": d.bo})
		if err != nil || n != 1 {
			t.Errorf("%d revisions by bo (%v)", n, err)
		}
	}
	taken := post("the same title again gets a slug of its own", d.boT, roosterQ, answer, 200, `"slug":"vakantierooster-in-de-zomer-2"`)
	taken.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		makePage(t, app, "vakantierooster-in-de-zomer")
	}
	taken.AfterTestFunc = nil
	twice := post("a question has one page", d.boT, roosterQ, answer, 409, `"code":"bob_question_has_wiki_page"`)
	twice.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		setQuestion(t, app, roosterQ, map[string]any{"wiki_page": makePage(t, app, "eerder")})
	}
	twice.AfterTestFunc = nil

	runScenarios(t, []tests.ApiScenario{
		post("carla, who asked, cannot", d.carlaT, roosterQ, answer, 403, `"code":"bob_staff_only"`),
		post("anna cannot, even for an unknown question", d.annaT, "onbekend1234567", answer, 403, `"code":"bob_staff_only"`),
		post("anonymous cannot", "", roosterQ, answer, 401, `"status":401`),
		post("an unknown question", d.boT, "onbekend1234567", answer, 404, `"code":"bob_question_not_found"`),
		post("a page needs a title", d.boT, roosterQ, map[string]any{"title": " ", "body": "x"}, 400, `"code":"validation_wiki_title_required"`),
		post("a body that is no JSON object", d.boT, roosterQ, []string{"x"}, 400, `"code":"bob_wiki_invalid"`),
		ok, taken, twice,
	})
}

// makePage adds a page to the organisation's wiki with slug and returns
// its id.
func makePage(t testing.TB, app core.App, slug string) string {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(wiki.PagesCollection)
	if err != nil {
		t.Fatal(err)
	}
	p := core.NewRecord(c)
	p.Set("slug", slug)
	p.Set("title", slug)
	if err := wiki.SaveAs(app, p, ""); err != nil {
		t.Fatal(err)
	}
	return p.Id
}

// TestSlug checks the slugs made from titles.
func TestSlug(t *testing.T) {
	t.Parallel()
	long := "Een heel lange titel over de declaratie van reiskosten voor scholingen buiten de eigen regio"
	for title, want := range map[string]string{
		"Vakantierooster in de zomer":  "vakantierooster-in-de-zomer",
		"Cliënt-overdracht: één ĳsje!": "client-overdracht-een-ijsje",
		"  --  ":                       "vraag",
		"日本語":                          "vraag",
		"2026: Q1 budget":              "2026-q1-budget",
		long:                           "een-heel-lange-titel-over-de-declaratie-van-reiskosten-voor-scholingen",
	} {
		got := bob.Slug(title)
		if got != want || !wiki.ValidSlug(got) || len(got) > 72 {
			t.Errorf("Slug(%q) = %q, want %q", title, got, want)
		}
	}
}
