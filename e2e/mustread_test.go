package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestMustReadConfirm plays the protocol update that Haarlem-Noord must
// confirm: the demo's organisation protocol "Wondzorg" (slug wondzorg),
// whose latest revision is must-read for Haarlem-Noord. Bram sees it on
// top of his feed, with the count on the feed tab; he opens it, comes
// back and taps "Gelezen en begrepen": it leaves the banner at once and
// stays gone after a reload. Anna, his coordinator, has the readers
// overview open in her own browser the whole time: bram moves from
// "not confirmed yet" to "confirmed" by itself, without a reload.
func TestMustReadConfirm(t *testing.T) {
	b := newBrowser(t)
	anna := b.tab("anna")
	bram := b.tab("bram")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bramId := bram.userId()

	pageId := eval[string](bram, "find the Wondzorg protocol", `(async () => {
		const auth = JSON.parse(localStorage.getItem("pocketbase_auth"));
		const filter = encodeURIComponent('slug = "wondzorg" && team = ""');
		const res = await fetch("/api/collections/wiki_pages/records?filter=" + filter, {headers: {Authorization: auth.token}});
		if (!res.ok) throw new Error("wiki_pages: " + res.status + " " + await res.text());
		const list = await res.json();
		if (!list.items?.length) throw new Error("no organisation page with the slug wondzorg");
		return list.items[0].id;
	})()`, chromedp.EvalAwaitPromise)

	// anna keeps the overview open; the mark proves later it never reloaded
	anna.goTo("#/readers/wiki_pages/" + pageId)
	readers := `[data-test=readers]`
	anna.waitVisible("see the readers overview, live", readers+`[data-state=ready][data-live=true]`)
	reader := func(list string) string {
		return fmt.Sprintf(`document.querySelector('[data-test=%s] [data-test=reader][data-user=%s]') != null`, list, jsString(bramId))
	}
	anna.waitFor("see bram among those who have not confirmed", reader("readers-pending"))
	if eval[bool](anna, "look for bram among the confirmed", reader("readers-confirmed")) {
		t.Fatal("bram shows as confirmed before he confirmed")
	}
	anna.markNoReload()

	// bram's banner on top of the organisation feed, and the count
	item := fmt.Sprintf(`%s [data-test=mustread] [data-test=mustread-item][data-collection=wiki_pages][data-id=%s]`, feedSelector("organisation"), jsString(pageId))
	bram.waitVisible("see the Wondzorg must-read on top of his feed", item)
	if title := eval[string](bram, "read the must-read's title", `document.querySelector(`+jsString(item+` [data-test=mustread-title]`)+`).textContent`); !strings.Contains(title, "Wondzorg") {
		t.Errorf("the must-read's title reads %q, want Wondzorg", title)
	}
	count := func() int {
		return eval[int](bram, "read the count on the feed tab", `(() => { const b = document.querySelector("[data-test=mustread-count]"); return b && !b.hidden ? Number(b.textContent) : 0; })()`)
	}
	before := count()
	if before < 1 {
		t.Errorf("the feed tab counts %d must-reads, want at least 1", before)
	}

	// he opens it, reads, and comes back
	bram.do("open the protocol", chromedp.Click(chromedp.CSS(item+` a[data-test=mustread-open]`)))
	bram.waitFor("see the Wondzorg page",
		`location.hash === `+jsString("#/wiki/"+pageId)+` && document.querySelector("main").dataset.screen !== "feed" && document.querySelector("main").innerText.includes("Wondzorg")`)
	bram.goTo("#/feed")
	bram.waitVisible("see the must-read again", item)

	bram.do("confirm: Gelezen en begrepen", chromedp.Click(chromedp.CSS(item+` [data-test=mustread-confirm]`)))
	bram.waitFor("see the must-read leave the banner", `document.querySelector(`+jsString(item)+`) == null`)
	bram.waitFor("see the count go down", fmt.Sprintf(`(() => { const b = document.querySelector("[data-test=mustread-count]"); return (b && !b.hidden ? Number(b.textContent) : 0) === %d; })()`, before-1))

	// the heart of it: anna's open overview shows bram confirmed
	anna.waitFor("see bram confirmed, live", reader("readers-confirmed"))
	if eval[bool](anna, "look for bram among those pending", reader("readers-pending")) {
		t.Error("bram still shows as not confirmed")
	}
	if !eval[bool](anna, "check the page did not reload", `window.__e2eNoReload === true`) {
		t.Error("anna's page reloaded: the confirmation did not arrive live")
	}
	if at := eval[string](anna, "read when bram confirmed", `document.querySelector('[data-test=readers-confirmed] [data-test=reader][data-user=`+jsString(bramId)+`] time')?.getAttribute("datetime") ?? ""`); at == "" {
		t.Error("bram's confirmation shows no time")
	} else if when, err := time.Parse(time.RFC3339, at); err != nil || time.Since(when) > 10*time.Minute || time.Until(when) > time.Minute {
		t.Errorf("bram's confirmation is dated %q, want just now", at)
	}

	// the server kept it: after a reload the banner does not ask again
	bram.do("reload", chromedp.Reload())
	bram.waitVisible("see the organisation feed loaded", feedSelector("organisation")+`[data-state=ready]`)
	bram.waitFor("see the must-read list read again", `document.querySelector(`+jsString(feedSelector("organisation")+` [data-test=mustread][data-loaded=true]`)+`) != null`)
	if eval[bool](bram, "look for the confirmed must-read", `document.querySelector(`+jsString(item)+`) != null`) {
		t.Error("after a reload the banner asks bram to confirm Wondzorg again")
	}
}

// TestPostEditAndPin has anna, coordinator of Haarlem-Noord, place a post
// in the team's feed, edit it in place, comment on it and edit her comment,
// and pin the post; bram, a member with the feed open, sees the new texts
// with their "bewerkt" marks and the post move to the top without a
// reload, and can neither edit her post or comment nor pin.
func TestPostEditAndPin(t *testing.T) {
	b := newBrowser(t)
	anna := b.tab("anna")
	bram := b.tab("bram")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")

	bram.goTo("#/team/haarlem-noord")
	bram.waitVisible("see Haarlem-Noord's feed, live", feedSelector("haarlem-noord")+`[data-state=ready][data-live=true]`)
	bram.markNoReload()

	anna.goTo("#/team/haarlem-noord")
	anna.waitVisible("see Haarlem-Noord's feed", feedSelector("haarlem-noord")+`[data-state=ready]`)
	compose := feedSelector("haarlem-noord") + ` form[data-test=compose]`
	title := fmt.Sprintf("E2E bewerken %d", time.Now().UnixNano())
	anna.do("place a post",
		// on a phone the form is one line until it is used
		chromedp.Click(chromedp.CSS(compose+" textarea[name=body]")),
		chromedp.SendKeys(chromedp.CSS(compose+" input[name=title]"), title),
		chromedp.SendKeys(chromedp.CSS(compose+" textarea[name=body]"), "Eerste versie."),
		chromedp.Click(chromedp.CSS(compose+" button[type=submit]")),
	)
	anna.waitFor("see her post", hasPost("haarlem-noord", title))
	// by its id from here on: while it is edited its title is a form field
	postId := eval[string](anna, "read the post's id", postArticle("haarlem-noord", title)+`.dataset.id`)
	post := fmt.Sprintf(`document.querySelector(%s)`, jsString(feedSelector("haarlem-noord")+` article[data-test=post][data-id=`+jsString(postId)+`]`))
	bram.waitFor("see anna's post arrive", post+" != null")
	if eval[bool](bram, "look for an edit button on anna's post", post+`.querySelector("[data-test=post-edit]") != null`) {
		t.Error("bram can edit anna's post")
	}
	if eval[bool](bram, "look for a pin button", post+`.querySelector("[data-test=post-pin]") != null`) {
		t.Error("bram, a member, has a pin button")
	}

	// edit in place
	anna.do("open the edit form", chromedp.Evaluate[chromedp.Void](post+`.querySelector("[data-test=post-edit]").click()`))
	form := `form[data-test=post-edit-form]`
	anna.waitFor("see the edit form", post+`.querySelector(`+jsString(form+` textarea[name=body]`)+`) != null`)
	anna.do("change the text", chromedp.Evaluate[chromedp.Void](post+`.querySelector(`+jsString(form+` textarea[name=body]`)+`).value = ""`))
	edited := "Tweede versie, **aangepast**."
	anna.do("type the new text and save",
		chromedp.SendKeys(chromedp.CSS(feedSelector("haarlem-noord")+` `+form+` textarea[name=body]`), edited),
		chromedp.Click(chromedp.CSS(feedSelector("haarlem-noord")+` `+form+` button[type=submit]`)),
	)
	for _, p := range []*tab{anna, bram} {
		p.waitFor("see the new text", post+`?.querySelector("[data-test=post-body]")?.innerText.includes("Tweede versie, aangepast.")`)
		p.waitFor(`see the "bewerkt" mark`, post+`?.querySelector("[data-test=post-edited]") != null`)
		mark := eval[string](p, "read the mark", post+`.querySelector("[data-test=post-edited]").textContent`)
		if want := "bewerkt"; !strings.Contains(mark, want) {
			t.Errorf("%s: the mark reads %q, want it to say %q", p.name, mark, want)
		}
		if tip := eval[string](p, "read the mark's tooltip", post+`.querySelector("[data-test=post-edited]").title`); tip == "" {
			t.Errorf("%s: the mark has no time in its tooltip", p.name)
		}
	}

	// a comment, edited by its writer
	commentForm := feedSelector("haarlem-noord") + ` article[data-test=post][data-id=` + jsString(postId) + `] form[data-test=comment-form]`
	anna.do("comment", chromedp.SendKeys(chromedp.CSS(commentForm+` textarea[name=body]`), "Eerste reactie"), chromedp.Click(chromedp.CSS(commentForm+` button[type=submit]`)))
	comment := post + `?.querySelector("[data-test=comment]")`
	anna.waitFor("see her comment", comment+`?.querySelector("[data-test=comment-edit]") != null`)
	bram.waitFor("see anna's comment arrive", comment+" != null")
	if eval[bool](bram, "look for an edit button on anna's comment", comment+`.querySelector("[data-test=comment-edit]") != null`) {
		t.Error("bram can edit anna's comment")
	}
	anna.do("edit the comment", chromedp.Evaluate[chromedp.Void](comment+`.querySelector("[data-test=comment-edit]").click()`))
	editForm := feedSelector("haarlem-noord") + ` form[data-test=comment-edit-form]`
	anna.waitVisible("see the comment's edit form", editForm+` textarea[name=body]`)
	anna.do("change the comment",
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(editForm+` textarea[name=body]`)+`).value = ""`),
		chromedp.SendKeys(chromedp.CSS(editForm+` textarea[name=body]`), "Aangepaste reactie"),
		chromedp.Click(chromedp.CSS(editForm+` button[type=submit]`)),
	)
	for _, p := range []*tab{anna, bram} {
		p.waitFor("see the edited comment", comment+`?.innerText.includes("Aangepaste reactie")`)
		p.waitFor(`see the comment's "bewerkt" mark`, comment+`?.querySelector("[data-test=comment-edited]") != null`)
	}

	// pin it: to the top, for bram too
	anna.do("pin the post", chromedp.Evaluate[chromedp.Void](post+`.querySelector("[data-test=post-pin]").click()`))
	pinned := fmt.Sprintf(`document.querySelector(%s)?.firstElementChild === %s`, jsString(feedSelector("haarlem-noord")+` [data-test=pinned-posts]`), post)
	for _, p := range []*tab{anna, bram} {
		p.waitFor("see the post pinned on top", pinned)
		p.waitFor("see the pinned badge", post+`?.querySelector("[data-test=post-pinned]") != null`)
	}
	if !eval[bool](bram, "check the page did not reload", `window.__e2eNoReload === true`) {
		t.Error("bram's page reloaded: the changes did not arrive live")
	}

	// and after a reload it is still there
	bram.do("reload", chromedp.Reload())
	bram.waitVisible("see Haarlem-Noord's feed", feedSelector("haarlem-noord")+`[data-state=ready]`)
	bram.waitFor("see the post still pinned on top", pinned)

	// unpin, so the demo's feed is as it was for the other tests
	anna.do("unpin the post", chromedp.Evaluate[chromedp.Void](post+`.querySelector("[data-test=post-pin]").click()`))
	anna.waitFor("see the post no longer pinned", post+`?.querySelector("[data-test=post-pinned]") == null && `+post+`?.parentElement?.dataset.test !== "pinned-posts"`)
}
