package wiki_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/wiki"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// TestPageChecks checks the rules of a page's save: parent, slug, the
// organisation's flags, sizes. Each is a 400 with its code.
func TestPageChecks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	pages := "/api/collections/wiki_pages/records"
	newPage := func(fields map[string]any) map[string]any {
		page := map[string]any{"team": f.haarlem, "slug": "nieuwe-pagina", "title": "Nieuwe pagina", "body": "Tekst"}
		for k, v := range fields {
			page[k] = v
		}
		return page
	}
	refused := func(name, token, method, url string, body map[string]any, code string) tests.ApiScenario {
		return tests.ApiScenario{
			Name: name, Method: method, URL: url, Headers: auth(token), Body: jsonBody(t, body),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"` + code + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				for _, id := range []string{f.werkafspraken, f.sleutels, f.wondzorg} {
					page, _ := app.FindRecordById(wiki.PagesCollection, id)
					if n := len(revisions(t, app, id)); n != page.GetInt("revision") || (id != f.wondzorg && n != 1) {
						t.Errorf("page %s changed: %d revisions", id, n)
					}
				}
			},
		}
	}

	run(t, []tests.ApiScenario{
		refused("a parent loop: werkafspraken under its own child", f.annaT, http.MethodPatch, pages+"/"+f.werkafspraken,
			map[string]any{"revision": 1, "parent": f.sleutels}, "validation_wiki_parent_loop"),
		refused("a page under itself", f.annaT, http.MethodPatch, pages+"/"+f.werkafspraken,
			map[string]any{"revision": 1, "parent": f.werkafspraken}, "validation_wiki_parent_loop"),
		refused("an unknown parent", f.annaT, http.MethodPost, pages,
			newPage(map[string]any{"parent": "abcdefghijklmno"}), "validation_wiki_parent_unknown"),
		refused("a parent in another wiki (the organisation's)", f.annaT, http.MethodPost, pages,
			newPage(map[string]any{"parent": f.wondzorg}), "validation_wiki_parent_other_wiki"),
		refused("a slug that another page of the wiki has", f.annaT, http.MethodPost, pages,
			newPage(map[string]any{"slug": "inwerken"}), "validation_wiki_slug_taken"),
		refused("a slug changed to another page's", f.annaT, http.MethodPatch, pages+"/"+f.sleutels,
			map[string]any{"revision": 1, "slug": "werkafspraken"}, "validation_wiki_slug_taken"),
		refused("a slug of the wrong format", f.annaT, http.MethodPost, pages,
			newPage(map[string]any{"slug": "Nieuwe Pagina"}), "validation_wiki_slug_format"),
		refused("a protocol in a team's wiki", f.annaT, http.MethodPost, pages,
			newPage(map[string]any{"protocol": true}), "validation_wiki_org_only"),
		refused("a must-read team on a team's page", f.annaT, http.MethodPost, pages,
			newPage(map[string]any{"must_read_team": f.haarlem}), "validation_wiki_org_only"),
		refused("an organisation page shared", f.boT, http.MethodPost, pages,
			newPage(map[string]any{"team": "", "shared": true}), "validation_wiki_shared_team_only"),
		refused("a must-read that is no protocol", f.boT, http.MethodPost, pages,
			newPage(map[string]any{"team": "", "must_read": true}), "validation_wiki_must_read_protocol"),
		refused("a must-read team without must-read", f.boT, http.MethodPatch, pages+"/"+f.wondzorg,
			map[string]any{"revision": 3, "must_read": false}, "validation_wiki_must_read_team"),
		refused("a title that is only spaces", f.annaT, http.MethodPost, pages,
			newPage(map[string]any{"title": "   "}), "validation_wiki_title_required"),
		refused("a title over 200 characters", f.annaT, http.MethodPost, pages,
			newPage(map[string]any{"title": strings.Repeat("é", 201)}), "validation_wiki_title_too_long"),
		refused("a page moved to another wiki by a superuser", f.superT, http.MethodPatch, pages+"/"+f.sleutels,
			map[string]any{"revision": 1, "team": f.schalkwijk, "parent": ""}, "validation_wiki_team_fixed"),
		{
			Name: "the same slug in another team's wiki", Method: http.MethodPost, URL: pages, Headers: auth(f.carlaT),
			Body:           jsonBody(t, newPage(map[string]any{"team": f.schalkwijk, "slug": "inwerken"})),
			ExpectedStatus: 200, ExpectedContent: []string{`"slug":"inwerken"`, `"revision":1`},
		},
	})

	t.Run("a body over 100,000 characters, from Go", func(t *testing.T) {
		app := testapp.New(t)
		page, _ := app.FindRecordById(wiki.PagesCollection, f.werkafspraken)
		page.Set("body", strings.Repeat("a", wiki.MaxBody+1))
		err := app.Save(page)
		if err == nil || !strings.Contains(err.Error(), "te lang") {
			t.Errorf("saved a body over the limit: %v", err)
		}
	})
}

// TestPageAccess checks who reads and edits which wiki: carla reads
// Haarlem-Noord's pages only when shared, BOB staff edit the organisation's
// wiki and members do not, and members edit their team's.
func TestPageAccess(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	pages := "/api/collections/wiki_pages/records"
	revs := "/api/collections/wiki_revisions/records"

	// the shared page inwerken under the team's own werkafspraken
	nestShared := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		page, _ := app.FindRecordById(wiki.PagesCollection, f.inwerken)
		page.Set("parent", f.werkafspraken)
		if err := app.Save(page); err != nil {
			t.Fatal(err)
		}
	}

	run(t, []tests.ApiScenario{
		{
			Name: "carla lists the wiki pages", Method: http.MethodGet, URL: pages + "?perPage=100", Headers: auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"slug":"wondzorg"`, `"slug":"inwerken"`, `"totalItems":2`},
			NotExpectedContent: []string{f.werkafspraken, f.sleutels, "Werkafspraken", "Sleutels"},
		},
		{
			Name: "carla views a Haarlem-Noord page", Method: http.MethodGet, URL: pages + "/" + f.werkafspraken, Headers: auth(f.carlaT),
			ExpectedStatus: 404, NotExpectedContent: []string{"Werkafspraken"},
		},
		{
			Name: "carla views Haarlem-Noord's shared page", Method: http.MethodGet, URL: pages + "/" + f.inwerken, Headers: auth(f.carlaT),
			ExpectedStatus: 200, ExpectedContent: []string{`"shared":true`},
		},
		{
			Name: "carla lists the revisions of a Haarlem-Noord page", Method: http.MethodGet,
			URL: revs + "?filter=" + q(`page = "`+f.werkafspraken+`"`), Headers: auth(f.carlaT),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`}, NotExpectedContent: []string{"Haarlem-Noord met elkaar"},
		},
		{
			Name: "carla lists the revisions of the shared page", Method: http.MethodGet,
			URL: revs + "?sort=-revision&filter=" + q(`page = "`+f.inwerken+`"`), Headers: auth(f.carlaT),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`, `"revision":1`},
		},
		{
			Name: "carla diffs a Haarlem-Noord page", Method: http.MethodGet,
			URL: "/api/buurtplein/wiki/" + f.werkafspraken + "/diff?from=1&to=1", Headers: auth(f.carlaT),
			ExpectedStatus: 404, ExpectedContent: []string{`"code":"wiki_page_not_found"`}, NotExpectedContent: []string{"Werkafspraken"},
		},
		{
			Name: "carla edits Haarlem-Noord's shared page", Method: http.MethodPatch, URL: pages + "/" + f.inwerken, Headers: auth(f.carlaT),
			Body: jsonBody(t, map[string]any{"revision": 1, "body": "Van carla"}), ExpectedStatus: 404, ExpectedContent: []string{`"data":{}`},
		},
		{
			Name: "carla filters the revisions on the page's team", Method: http.MethodGet,
			URL: revs + "?filter=" + q(`page.team.slug = "haarlem-noord"`), Headers: auth(f.carlaT),
			ExpectedStatus: 200, ExpectedContent: []string{`"items":[`}, NotExpectedContent: []string{"Haarlem-Noord met elkaar", f.werkafspraken},
		},
		{
			Name: "bo (BOB) edits the organisation's protocol", Method: http.MethodPatch, URL: pages + "/" + f.wondzorg, Headers: auth(f.boT),
			Body:           jsonBody(t, map[string]any{"revision": 3, "body": "Bijgewerkt door BOB", "summary": "Kort"}),
			ExpectedStatus: 200, ExpectedContent: []string{`"revision":4`, `"updated_by":"` + f.bo + `"`},
		},
		{
			Name: "bram edits the organisation's protocol", Method: http.MethodPatch, URL: pages + "/" + f.wondzorg, Headers: auth(f.bramT),
			Body: jsonBody(t, map[string]any{"revision": 3, "body": "Van bram"}), ExpectedStatus: 404, ExpectedContent: []string{`"data":{}`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if n := len(revisions(t, app, f.wondzorg)); n != 3 {
					t.Errorf("wondzorg has %d revisions", n)
				}
			},
		},
		{
			Name: "bram adds an organisation page", Method: http.MethodPost, URL: pages, Headers: auth(f.bramT),
			Body: jsonBody(t, map[string]any{"slug": "van-bram", "title": "Van bram", "body": "Tekst"}), ExpectedStatus: 400, ExpectedContent: []string{`"data":{}`},
		},
		{
			Name: "bo adds an organisation page", Method: http.MethodPost, URL: pages, Headers: auth(f.boT),
			Body:           jsonBody(t, map[string]any{"slug": "handhygiene", "title": "Handhygiëne", "body": "Tekst", "protocol": true}),
			ExpectedStatus: 200, ExpectedContent: []string{`"revision":1`, `"created_by":"` + f.bo + `"`},
		},
		{
			Name: "bram edits his team's page", Method: http.MethodPatch, URL: pages + "/" + f.sleutels, Headers: auth(f.bramT),
			Body: jsonBody(t, map[string]any{"revision": 1, "body": "Bijgewerkt"}), ExpectedStatus: 200, ExpectedContent: []string{`"revision":2`},
		},
		{
			Name: "bram shares his team's page with the organisation", Method: http.MethodPatch, URL: pages + "/" + f.sleutels, Headers: auth(f.bramT),
			Body: jsonBody(t, map[string]any{"revision": 1, "shared": true}), ExpectedStatus: 200, ExpectedContent: []string{`"shared":true`},
		},
		{
			Name: "carla filters the shared page on its parent's text", Method: http.MethodGet,
			URL:            pages + "?filter=" + q(`parent.title = "Werkafspraken" || parent.body ~ "keukentafel"`),
			Headers:        auth(f.carlaT),
			BeforeTestFunc: nestShared,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`}, NotExpectedContent: []string{f.inwerken},
		},
		{
			Name: "carla expands the shared page's parent", Method: http.MethodGet,
			URL:            pages + "/" + f.inwerken + "?expand=parent",
			Headers:        auth(f.carlaT),
			BeforeTestFunc: nestShared,
			ExpectedStatus: 200, ExpectedContent: []string{`"shared":true`}, NotExpectedContent: []string{"Werkafspraken", "keukentafel"},
		},
		{
			Name: "carla filters revisions on their page's parent", Method: http.MethodGet,
			URL:            revs + "?filter=" + q(`page.parent.body ~ "keukentafel"`),
			Headers:        auth(f.carlaT),
			BeforeTestFunc: nestShared,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name: "bram filters the shared page on its parent's text", Method: http.MethodGet,
			URL:            pages + "?filter=" + q(`parent.body ~ "keukentafel"`),
			Headers:        auth(f.bramT),
			BeforeTestFunc: nestShared,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":2`, f.inwerken, f.sleutels},
		},
		{
			Name: "anonymous reads the organisation's wiki", Method: http.MethodGet, URL: pages,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`},
		},
	})
}

// TestDiffRoute checks the diff route's answer and its refusals.
func TestDiffRoute(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	url := "/api/buurtplein/wiki/" + f.wondzorg + "/diff"

	run(t, []tests.ApiScenario{
		{
			Name: "bram diffs wondzorg from 1 to 3", Method: http.MethodGet, URL: url + "?from=1&to=3", Headers: auth(f.bramT),
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"from":1`, `"to":3`, `"title":{"from":"Wondzorg","to":"Wondzorg"}`,
				`{"op":"equal","text":"## Voorbereiding"}`, `{"op":"insert","text":"## Overleg"}`, `{"op":"change","words":[`,
				`{"op":"insert","text":", koorts"}`,
			},
		},
		{
			Name: "a revision out of range", Method: http.MethodGet, URL: url + "?from=0&to=3", Headers: auth(f.bramT),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"wiki_diff_revisions"`, `"max":3`},
		},
		{
			Name: "no numbers", Method: http.MethodGet, URL: url + "?from=een&to=twee", Headers: auth(f.bramT),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"wiki_diff_revisions"`},
		},
		{
			Name: "an unknown page", Method: http.MethodGet, URL: "/api/buurtplein/wiki/abcdefghijklmno/diff?from=1&to=1", Headers: auth(f.bramT),
			ExpectedStatus: 404, ExpectedContent: []string{`"code":"wiki_page_not_found"`},
		},
		{
			Name: "anonymous", Method: http.MethodGet, URL: url + "?from=1&to=3",
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
	})
}

// TestAttachments checks that a page takes PDFs and images and refuses
// other files and a fake PDF, and that the image checks of hooks hold on
// wiki pages too.
func TestAttachments(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	url := "/api/collections/wiki_pages/records/" + f.sleutels
	fields := map[string]string{"revision": "1"}
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

	upload := func(name string, content []byte) (*bytes.Buffer, map[string]string) {
		body, headers := multipartBody(t, fields, name, content)
		return body, withAuth(headers, f.bramT)
	}
	pdfBody, pdfHeaders := upload("protocol.pdf", pdf)
	txtBody, txtHeaders := upload("protocol.pdf", []byte("Dit is geen PDF maar platte tekst."))
	htmlBody, htmlHeaders := upload("protocol.pdf", []byte("<html><script>alert(1)</script></html>"))
	pngBody, pngHeaders := upload("kaart.png", pngHeader(1, 1))
	hugeBody, hugeHeaders := upload("kaart.png", pngHeader(60000, 60000))

	run(t, []tests.ApiScenario{
		{Name: "a PDF", Method: http.MethodPatch, URL: url, Headers: pdfHeaders, Body: pdfBody,
			ExpectedStatus: 200, ExpectedContent: []string{`"attachments":["protocol_`, `"revision":2`}},
		{Name: "text named .pdf", Method: http.MethodPatch, URL: url, Headers: txtHeaders, Body: txtBody,
			ExpectedStatus: 400, ExpectedContent: []string{`"attachments":{"code":"validation_wiki_attachment_type"`}},
		{Name: "HTML named .pdf", Method: http.MethodPatch, URL: url, Headers: htmlHeaders, Body: htmlBody,
			ExpectedStatus: 400, ExpectedContent: []string{`"attachments":{"code":"validation_wiki_attachment_type"`}},
		{Name: "a small PNG", Method: http.MethodPatch, URL: url, Headers: pngHeaders, Body: pngBody,
			ExpectedStatus: 200, ExpectedContent: []string{`"attachments":["kaart_`}},
		{Name: "a PNG of 60,000 x 60,000 pixels", Method: http.MethodPatch, URL: url, Headers: hugeHeaders, Body: hugeBody,
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"validation_image_too_large"`}},
	})
}

// pngHeader returns the start of a PNG file declaring w x h pixels: enough
// for a header check, not for decoding.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	// an empty image data chunk and the end
	for _, name := range []string{"IDAT", "IEND"} {
		binary.Write(&b, binary.BigEndian, uint32(0))
		b.WriteString(name)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE([]byte(name)))
	}
	return b.Bytes()
}
