package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestWikiEditConflict has bram and anna edit the same page of
// Haarlem-Noord's wiki at once. Bram opens the team wiki, edits the first
// page and sees his new revision. Anna started from the revision before
// his: her save gets the conflict view with bram's text and what he
// changed, she keeps her own text, saves again, and her revision (the one
// after bram's) reaches bram's open page without a reload.
func TestWikiEditConflict(t *testing.T) {
	b := newBrowser(t)
	bram := b.tab("bram")
	anna := b.tab("anna")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")

	bram.goTo("#/wiki")
	section := `[data-test=wiki][data-state=ready] [data-test=wiki-section][data-wiki="haarlem-noord"]`
	bram.waitVisible("see Haarlem-Noord's wiki with a page", section+` [data-test=wiki-node]`)
	// a page of the demo's team wiki, not one another test made
	id := eval[string](bram, "take the first page", `[...document.querySelectorAll(`+jsString(section+` [data-test=wiki-node]`)+`)]
		.find(n => !n.querySelector('.wiki-node-title').textContent.startsWith("E2E"))?.dataset.id ?? ""`)
	if id == "" {
		t.Fatal("Haarlem-Noord's wiki has no page of the demo")
	}
	bram.pressJS("open the page", section+` [data-test=wiki-node][data-id="`+id+`"] > [data-test=wiki-link]`)
	page := fmt.Sprintf(`[data-test=wiki-page][data-id=%q]`, id)
	bram.waitVisible("see the page", page+`[data-state=ready] [data-test=wiki-body]`)
	bram.checkFits()
	rev := eval[int](bram, "read the revision", `Number(document.querySelector(`+jsString(page)+`).dataset.revision)`)
	if rev < 1 {
		t.Fatalf("the page shows revision %d, want 1 or more", rev)
	}

	// anna opens the editor at the same revision, and types
	editor := `[data-test=wiki-editor][data-state=ready]`
	anna.goTo("#/wiki/" + id + "/edit")
	anna.waitVisible("see the editor", editor+fmt.Sprintf(`[data-base="%d"] form[data-test=wiki-form] textarea[name=body]`, rev))
	stamp := time.Now().UnixNano()
	annaLine := fmt.Sprintf("Anna vult aan: sleutel terug in het kastje (%d).", stamp)
	anna.appendValue("type her addition", `form[data-test=wiki-form] textarea[name=body]`, "\n\n"+annaLine)

	// bram edits and saves first
	bram.pressJS("click Bewerken", `[data-test=wiki-edit]`)
	bram.waitVisible("see his editor", editor+` form[data-test=wiki-form] textarea[name=body]`)
	bramLine := fmt.Sprintf("Bram: de code is gewijzigd (%d).", stamp)
	bram.appendValue("type his change", `form[data-test=wiki-form] textarea[name=body]`, "\n\n"+bramLine)
	bram.appendValue("say what changed", `form[data-test=wiki-form] input[name=summary]`, "code bijgewerkt")
	bram.pressJS("save", `form[data-test=wiki-form] [data-test=wiki-save]`)
	bram.waitFor("see his new revision on the page",
		fmt.Sprintf(`location.hash === %s && document.querySelector(%s)?.dataset.revision === "%d" && document.querySelector(%s).innerText.includes(%s)`,
			jsString("#/wiki/"+id), jsString(page+`[data-state=ready]`), rev+1, jsString(page+` [data-test=wiki-body]`), jsString(bramLine)))
	bram.waitFor("see the revision number said", fmt.Sprintf(`(document.querySelector('[data-test=wiki-revision]')?.textContent ?? "").includes("%d")`, rev+1))
	bram.waitVisible("see the page live", page+`[data-live=true]`)
	bram.markNoReload()

	// anna's save started from the revision before bram's
	anna.pressJS("save", `form[data-test=wiki-form] [data-test=wiki-save]`)
	conflict := `[data-test=wiki-conflict]:not([hidden])`
	anna.waitVisible("see the conflict view", conflict+` [data-test=conflict-theirs]`)
	if !eval[bool](anna, "read bram's text in the conflict view", `document.querySelector('[data-test=conflict-theirs]').value.includes(`+jsString(bramLine)+`)`) {
		t.Error("the conflict view does not show bram's text")
	}
	if !eval[bool](anna, "see what bram changed", `document.querySelector('`+conflict+` [data-test=diff] ins') != null`) {
		t.Error("the conflict view shows no insertion in the diff of bram's change")
	}
	if !eval[bool](anna, "see her text still in the form", `document.querySelector('form[data-test=wiki-form] textarea[name=body]').value.includes(`+jsString(annaLine)+`)`) {
		t.Error("the conflict took anna's text out of the form")
	}
	anna.checkFits()

	anna.pressJS("keep her own text", `[data-test=conflict-keep]`)
	anna.waitFor("continue from bram's revision", `document.querySelector('[data-test=wiki-conflict]')?.dataset.state === "kept"`)
	body := eval[string](anna, "read her form", `document.querySelector('form[data-test=wiki-form] textarea[name=body]').value`)
	if !strings.Contains(body, annaLine) || strings.Contains(body, bramLine) {
		t.Errorf("after keeping her text, anna's form holds %q; want her own text, without bram's line (she merges by hand)", body)
	}
	// she merges by hand: bram's line too
	anna.appendValue("merge bram's line by hand", `form[data-test=wiki-form] textarea[name=body]`, "\n\n"+bramLine)
	anna.pressJS("save again", `form[data-test=wiki-form] [data-test=wiki-save]`)
	anna.waitFor("see her revision after bram's",
		fmt.Sprintf(`location.hash === %s && document.querySelector(%s)?.dataset.revision === "%d"`, jsString("#/wiki/"+id), jsString(page+`[data-state=ready]`), rev+2))
	anna.waitFor("see her text on the page", `document.querySelector('[data-test=wiki-body]').innerText.includes(`+jsString(annaLine)+`)`)
	if n := eval[int](anna, "count drafts", `Object.keys(localStorage).filter(k => k.includes(".wiki.")).length`); n != 0 {
		t.Errorf("%d wiki drafts stay in localStorage after saving", n)
	}

	bram.waitFor("see anna's revision arrive live", fmt.Sprintf(`document.querySelector(%s)?.dataset.revision === "%d" && document.querySelector('[data-test=wiki-body]').innerText.includes(%s)`,
		jsString(page), rev+2, jsString(annaLine)))
	if !eval[bool](bram, "check the page did not reload", `window.__e2eNoReload === true`) {
		t.Error("bram's page reloaded: anna's revision did not arrive live")
	}
}

// TestWikiHistoryDiffRestore has Bo (BOB staff) open the history of the
// organisation's protocol Wondzorg (three revisions in the demo): the
// revisions newest first, the diff between revisions 1 and 3 with
// insertions and deletions, and revision 2 restored as a new revision
// (4 on a fresh demo) whose text is revision 2's.
func TestWikiHistoryDiffRestore(t *testing.T) {
	b := newBrowser(t)
	api := apiAs(t, b.baseURL, "bo@buurtplein.test")
	var pages struct{ Items []struct{ Id string } }
	api.decode(http.StatusOK, http.MethodGet, "/api/collections/wiki_pages/records?filter="+url.QueryEscape(`slug = "wondzorg" && team = ""`), nil, &pages)
	if len(pages.Items) != 1 {
		t.Fatalf("the demo has %d organisation pages with the slug wondzorg, want 1", len(pages.Items))
	}
	id := pages.Items[0].Id

	bo := b.tab("bo")
	bo.signIn("bo@buurtplein.test", "Bo Meijer")
	bo.goTo("#/wiki/" + id + "/history")
	history := `[data-test=wiki-revisions][data-state=ready]`
	bo.waitVisible("see the revisions", history+`[data-live=true] [data-test=wiki-revision-item]`)
	current := eval[int](bo, "read the current revision", `Number(document.querySelector('`+history+`').dataset.revision)`)
	if current < 3 {
		t.Fatalf("Wondzorg is at revision %d, want at least the demo's 3", current)
	}
	if current != 3 {
		t.Logf("Wondzorg is at revision %d (another test changed it); the restore makes %d", current, current+1)
	}
	listed := eval[[]int](bo, "read the list", `[...document.querySelectorAll('[data-test=wiki-revision-item]')].map(li => Number(li.dataset.revision))`)
	for i := range listed {
		if listed[i] != current-i {
			t.Fatalf("the history lists revisions %v, want %d down to 1, newest first", listed, current)
		}
	}
	bo.checkFits()

	bo.do("choose revisions 1 and 3",
		chromedp.SetValue(chromedp.CSS(`[data-test=diff-form] select[name=from]`), "1"),
		chromedp.SetValue(chromedp.CSS(`[data-test=diff-form] select[name=to]`), "3"),
	)
	bo.pressJS("compare", `[data-test=diff-compare]`)
	diff := `[data-test=diff][data-from="1"][data-to="3"]`
	bo.waitVisible("see the diff of 1 and 3", diff+` [data-test=diff-line]`)
	if !eval[bool](bo, "find insertions and deletions", `document.querySelector('`+diff+` ins') != null && document.querySelector('`+diff+` del') != null`) {
		t.Error("the diff between revisions 1 and 3 shows no insertion or no deletion")
	}
	if !eval[bool](bo, "find the signs", `[...document.querySelectorAll('`+diff+` [data-test=diff-line]:not([data-op=equal]) .diff-sign')].every(s => s.textContent.trim() !== "")`) {
		t.Error("a changed line of the diff has no sign: it shows by colour alone")
	}
	bo.checkFits()

	bo.pressJS("restore revision 2", `[data-test=revision-restore][data-revision="2"]`)
	bo.pressJS("confirm", `[data-test=restore-confirm]`)
	bo.waitFor("see the new revision on top", fmt.Sprintf(`document.querySelector('[data-test=wiki-revision-item]')?.dataset.revision === "%d" && document.querySelector('%s')?.dataset.revision === "%d"`, current+1, history, current+1))

	var revs struct {
		Items []struct {
			Revision int
			Title    string
			Body     string
		}
	}
	api.decode(http.StatusOK, http.MethodGet, "/api/collections/wiki_revisions/records?sort=-revision&filter="+url.QueryEscape(fmt.Sprintf(`page = %q`, id)), nil, &revs)
	byNumber := map[int]int{}
	for i, r := range revs.Items {
		byNumber[r.Revision] = i
	}
	newest, two := byNumber[current+1], byNumber[2]
	if len(revs.Items) != current+1 || revs.Items[newest].Revision != current+1 {
		t.Fatalf("after the restore the page has %d revisions, want %d", len(revs.Items), current+1)
	}
	if revs.Items[newest].Body != revs.Items[two].Body || revs.Items[newest].Title != revs.Items[two].Title {
		t.Errorf("revision %d is not revision 2's text", current+1)
	}
}

// pressJS clicks the element by script: on a small screen a sticky bar
// may cover it for a real click.
func (p *tab) pressJS(what, selector string) {
	p.t.Helper()
	p.waitFor(what+": find "+selector, `document.querySelector(`+jsString(selector)+`) != null`)
	p.do(what, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(selector)+`).click()`))
}

// appendValue adds text at the end of an input or textarea and tells the
// page, as typing does.
func (p *tab) appendValue(what, selector, text string) {
	p.t.Helper()
	p.do(what, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const el = document.querySelector(%s);
		el.focus();
		el.value += %s;
		el.dispatchEvent(new Event('input', { bubbles: true }));
	})()`, jsString(selector), jsString(text))))
}

// TestWikiLinksKeepHiddenPagesPlain has a page of Haarlem-Noord's wiki that
// is shared with the organisation link with [[slug]] to a page that is not
// shared, and to the organisation's Wondzorg. Carla (Schalkwijk) reads the
// shared page: the link to Wondzorg shows its title, the hidden page stays
// its plain slug, never its title. Bram (Haarlem-Noord) gets both links.
func TestWikiLinksKeepHiddenPagesPlain(t *testing.T) {
	b := newBrowser(t)
	api := apiAs(t, b.baseURL, "bram@buurtplein.test")
	team := api.teamId("haarlem-noord")
	stamp := time.Now().UnixNano()
	hiddenSlug := fmt.Sprintf("e2e-intern-%d", stamp)
	hiddenTitle := fmt.Sprintf("E2E interne titel %d", stamp)
	var hidden, shared struct{ Id string }
	api.decode(http.StatusOK, http.MethodPost, "/api/collections/wiki_pages/records", map[string]any{
		"team": team, "slug": hiddenSlug, "title": hiddenTitle, "body": "Alleen voor het team.",
	}, &hidden)
	api.decode(http.StatusOK, http.MethodPost, "/api/collections/wiki_pages/records", map[string]any{
		"team": team, "slug": fmt.Sprintf("e2e-gedeeld-%d", stamp), "title": fmt.Sprintf("E2E gedeeld %d", stamp), "shared": true,
		"body": "Zie [[" + hiddenSlug + "]] en [[wondzorg]].",
	}, &shared)

	body := fmt.Sprintf(`[data-test=wiki-page][data-id=%q][data-state=ready] [data-test=wiki-body][data-links=ready]`, shared.Id)
	for _, who := range []struct {
		email, name string
		seesHidden  bool
	}{{"carla@buurtplein.test", "Carla Bakker", false}, {"bram@buurtplein.test", "Bram Jansen", true}} {
		p := b.tab(strings.Split(who.email, "@")[0])
		p.signIn(who.email, who.name)
		p.goTo("#/wiki/" + shared.Id)
		p.waitVisible("see the shared page with its links resolved", body)
		if !eval[bool](p, "find the link to Wondzorg", `[...document.querySelectorAll('`+body+` a.wiki-link[data-slug=wondzorg]')].some(a => a.textContent === "Wondzorg")`) {
			t.Errorf("%s: [[wondzorg]] is not a link titled Wondzorg", p.name)
		}
		text := eval[string](p, "read the body", `document.querySelector('`+body+`').innerText`)
		linked := eval[bool](p, "look for the link", fmt.Sprintf(`document.querySelector('%s a.wiki-link[data-slug=%q][href="#/wiki/%s"]') != null`, body, hiddenSlug, hidden.Id))
		switch {
		case who.seesHidden && !linked:
			t.Errorf("%s: [[%s]] is no link to the team's page", p.name, hiddenSlug)
		case !who.seesHidden && (linked || strings.Contains(text, hiddenTitle)):
			t.Errorf("%s: the body shows the hidden page (link %v) or its title: %q", p.name, linked, text)
		case !who.seesHidden && !strings.Contains(text, hiddenSlug):
			t.Errorf("%s: the body lost the plain slug of the hidden page: %q", p.name, text)
		}
	}
}

// TestWikiMustReadConfirm has dirk (Haarlem-Noord) open the organisation's
// protocol Wondzorg, must-read for Haarlem-Noord: the page asks him to
// confirm its current revision, he taps "Gelezen en begrepen", and after
// a reload the page still knows he did.
func TestWikiMustReadConfirm(t *testing.T) {
	b := newBrowser(t)
	api := apiAs(t, b.baseURL, "dirk@buurtplein.test")
	var pages struct{ Items []struct{ Id string } }
	api.decode(http.StatusOK, http.MethodGet, "/api/collections/wiki_pages/records?filter="+url.QueryEscape(`slug = "wondzorg" && team = ""`), nil, &pages)
	if len(pages.Items) != 1 {
		t.Fatalf("the demo has %d organisation pages with the slug wondzorg, want 1", len(pages.Items))
	}
	id := pages.Items[0].Id

	dirk := b.tab("dirk")
	dirk.signIn("dirk@buurtplein.test", "Dirk Visser")
	dirk.goTo("#/wiki/" + id)
	confirm := fmt.Sprintf(`[data-test=wiki-page][data-id=%q][data-state=ready] [data-test=wiki-confirm]`, id)
	dirk.waitVisible("see he is asked to confirm", confirm+`[data-state=open] [data-test=wiki-confirm-button]`)
	dirk.checkFits()
	dirk.pressJS("confirm", confirm+` [data-test=wiki-confirm-button]`)
	dirk.waitVisible("see it confirmed", confirm+`[data-state=confirmed]`)

	dirk.open("/#/wiki/" + id)
	dirk.waitVisible("see it confirmed after a reload", confirm+`[data-state=confirmed]`)
}
