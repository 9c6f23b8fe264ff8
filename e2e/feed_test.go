package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// demoPassword is the password of every demo account (plugins/teams).
const demoPassword = "buurtplein-demo"

// xssBody is a post body that must come back as text, never as markup.
const xssBody = `<script>window.__xss=1</script><b>vet</b>`

// TestFeedLiveAcrossTeams signs in two colleagues side by side: a post that
// Carla places in Schalkwijk's feed appears in Dirk's open feed without a
// reload, its body is shown as text, and Carla sees neither Haarlem-Noord's
// feed (she is no member) nor its team-only posts in the organisation feed.
func TestFeedLiveAcrossTeams(t *testing.T) {
	b := newBrowser(t)
	carla := b.tab("carla")
	dirk := b.tab("dirk")

	carla.signIn("carla@buurtplein.test", "Carla Bakker")
	dirk.signIn("dirk@buurtplein.test", "Dirk Visser")

	// carla lands on the organisation feed: organisation-wide posts, but
	// nothing that only Haarlem-Noord's members may read
	carla.waitVisible("see the organisation feed", feedSelector("organisation"))
	carla.waitFor(`see the organisation post "Welkom op Buurtplein"`, hasPost("organisation", "Welkom op Buurtplein"))
	// data-state=ready (pb_public/README.md): the list is complete, so
	// absence means absence
	carla.waitVisible("see the organisation feed loaded", feedSelector("organisation")+"[data-state=ready]")
	for _, title := range []string{"Overdracht weekend", "Sleutelkastje Zijlweg"} {
		if eval[bool](carla, "look for "+title, hasPost("", title)) {
			t.Errorf("carla sees Haarlem-Noord's team-only post %q in the organisation feed", title)
		}
	}

	// dirk keeps Schalkwijk's feed open; the marker proves later that his
	// page never reloaded
	since := eval[float64](dirk, "read the page clock", `performance.now()`)
	dirk.goTo("#/team/schalkwijk")
	dirk.waitVisible("see Schalkwijk's feed", feedSelector("schalkwijk"))
	dirk.waitFor(`see Schalkwijk's post "Teamoverleg donderdag"`, hasPost("schalkwijk", "Teamoverleg donderdag"))
	dirk.waitForRealtime(since)
	dirk.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.__e2eNoReload = true`))

	carla.goTo("#/team/schalkwijk")
	carla.waitVisible("see Schalkwijk's feed", feedSelector("schalkwijk"))
	compose := `[data-test=feed][data-team="schalkwijk"] form[data-test=compose]`
	carla.waitVisible("see the compose form", compose+" textarea[name=body]")
	if v := eval[string](carla, "read the visibility", `document.querySelector(`+jsString(compose+" select[name=visibility]")+`)?.value ?? "(no select[name=visibility])"`); v != "team" {
		t.Errorf("a new post in a team feed has visibility %q, want team by default", v)
	}

	title := fmt.Sprintf("E2E live %d", time.Now().UnixNano())
	carla.do("write and place a post",
		// on a phone the form is one line until it is used
		chromedp.Click(chromedp.CSS(compose+" textarea[name=body]")),
		chromedp.SendKeys(chromedp.CSS(compose+" input[name=title]"), title),
		chromedp.SendKeys(chromedp.CSS(compose+" textarea[name=body]"), xssBody),
		chromedp.Click(chromedp.CSS(compose+" button[type=submit]")),
	)
	carla.waitFor("see her own post in Schalkwijk's feed", hasPost("schalkwijk", title))

	// the heart of it: the post reaches dirk's open page by itself
	dirk.waitFor("see carla's post arrive live, without a reload", hasPost("schalkwijk", title))
	if !eval[bool](dirk, "check the page did not reload", `window.__e2eNoReload === true`) {
		t.Errorf("dirk's page reloaded: the post did not arrive live")
	}

	for _, p := range []*tab{carla, dirk} {
		p.waitFor("see the post body as text", fmt.Sprintf(`(%s?.querySelector("[data-test=post-body]")?.innerText ?? "").includes("<b>vet</b>")`, postArticle("schalkwijk", title)))
		if eval[bool](p, "look for markup from the body", postArticle("schalkwijk", title)+`?.querySelector("[data-test=post-body] b, [data-test=post-body] script") != null`) {
			t.Errorf("%s: the post body was rendered as HTML", p.name)
		}
		if v := eval[string](p, "read window.__xss", `typeof window.__xss`); v != "undefined" {
			t.Errorf("%s: the post body ran a script (typeof window.__xss = %s)", p.name, v)
		}
	}

	// carla is no member of Haarlem-Noord
	carla.goTo("#/team/haarlem-noord")
	carla.waitVisible("see that she is no member of Haarlem-Noord", `[data-test=not-member]`)
	if n := eval[int](carla, "count posts", `document.querySelectorAll("article[data-test=post]").length`); n != 0 {
		t.Errorf("carla sees %d posts on Haarlem-Noord's page, want none", n)
	}
	for _, title := range []string{"Overdracht weekend", "Sleutelkastje Zijlweg"} {
		if eval[bool](carla, "look for "+title, `document.body.innerText.includes(`+jsString(title)+`)`) {
			t.Errorf("carla sees Haarlem-Noord's team-only post %q on its page", title)
		}
	}
}

// signIn signs in on #/login and waits until the app has taken the user to
// #/feed with their name in the header.
func (p *tab) signIn(email, name string) {
	p.t.Helper()
	p.open("/#/login")
	p.waitVisible("see the sign-in form", `form#login-form input[name=email]`)
	p.do("sign in as "+email,
		chromedp.SendKeys(chromedp.CSS(`form#login-form input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`form#login-form input[name=password]`), demoPassword),
		chromedp.Click(chromedp.CSS(`form#login-form button[type=submit]`)),
	)
	p.waitFor("arrive at #/feed after signing in", `location.hash === "#/feed"`)
	p.waitFor("see "+name+" in the header",
		`(document.querySelector("[data-test=current-user]")?.textContent ?? "").includes(`+jsString(name)+`)`)
}

// waitForRealtime waits until the page has set its realtime subscriptions
// after the page time since (in ms, from performance.now): the PocketBase
// SDK POSTs them to /api/realtime once the event stream is open. So a post
// placed next cannot slip through before the feed listens. It only logs when
// it sees none: a PWA that polls instead still gets its chance at the live
// check.
func (p *tab) waitForRealtime(since float64) {
	p.t.Helper()
	subscribed := fmt.Sprintf(`performance.getEntriesByType("resource").some(e => e.initiatorType === "fetch" && e.startTime > %f && new URL(e.name).pathname === "/api/realtime")`, since)
	ctx, cancel := p.stepContext()
	defer cancel()
	for {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](subscribed)); err == nil && ok {
			return
		}
		select {
		case <-ctx.Done():
			p.t.Logf("%s: saw no realtime subscription (POST /api/realtime) within %s; going on", p.name, stepTimeout)
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// feedSelector is the CSS selector of the feed of a team slug, or of the
// organisation for "organisation".
func feedSelector(team string) string {
	return fmt.Sprintf(`[data-test=feed][data-team=%q]`, team)
}

// postArticle is a JavaScript expression for the article of the post with
// the title in the feed of team (anywhere in the page for ""), or null.
func postArticle(team, title string) string {
	scope := "document"
	if team != "" {
		scope = fmt.Sprintf("document.querySelector(%s)", jsString(feedSelector(team)))
	}
	return fmt.Sprintf(`[...(%s?.querySelectorAll("article[data-test=post]") ?? [])].find(a => (a.querySelector("[data-test=post-title]")?.textContent ?? "").includes(%s))`,
		scope, jsString(strings.TrimSpace(title)))
}

// hasPost is a JavaScript expression that is true when postArticle finds
// the post.
func hasPost(team, title string) string {
	return postArticle(team, title) + " != null"
}
