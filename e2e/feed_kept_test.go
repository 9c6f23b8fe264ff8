package e2e

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// shownPostsProbe collects, in the page, the id of every post a feed has
// shown since the page loaded in window.__shownPosts. Injected before any
// script of the page runs.
const shownPostsProbe = `(() => {
  window.__shownPosts = [];
  new MutationObserver(() => {
    for (const a of document.querySelectorAll('[data-test=feed] article[data-test=post]')) {
      if (!window.__shownPosts.includes(a.dataset.id)) window.__shownPosts.push(a.dataset.id);
    }
  }).observe(document, { childList: true, subtree: true });
})();`

// TestFeedKeptThenFresh opens bram's team feed, so its first page is kept
// on the device; meanwhile one of its posts is deleted and another placed.
// On a reload over a slow connection the feed first shows the page as
// kept (the deleted post too, without an offline mark), then puts the
// fresh page in its place: the deleted post gone, the new one there.
func TestFeedKeptThenFresh(t *testing.T) {
	base := ownServer(t, "")
	b := newBrowserAt(t, base)
	api := apiAs(t, base, "bram@buurtplein.test")
	team := api.teamId("haarlem-noord")
	stamp := time.Now().UnixNano()
	newPost := func(title string) string {
		var post struct{ Id string }
		api.decode(http.StatusOK, http.MethodPost, "/api/collections/posts/records", map[string]any{
			"team": team, "author": api.userId, "kind": "update", "visibility": "team", "title": title, "body": "Tot straks.",
		}, &post)
		return post.Id
	}
	gone := newPost(fmt.Sprintf("E2E bewaard en weg %d", stamp))

	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.goTo("#/team/haarlem-noord")
	post := func(id string) string {
		return fmt.Sprintf(`[data-test=feed][data-team=haarlem-noord] article[data-test=post][data-id=%q]`, id)
	}
	freshPost := func(id string) string {
		return fmt.Sprintf(`[data-test=feed][data-team=haarlem-noord][data-state=ready] article[data-test=post][data-id=%q]`, id)
	}
	bram.waitVisible("see his post in the team's feed", freshPost(gone))
	waitForPromise(bram, "see the team's feed kept", cacheEntries+`.then(keys => keys.some(k => k.endsWith("\nfeed/haarlem-noord")))`)

	if code, res := api.do(http.MethodDelete, "/api/collections/posts/records/"+gone, nil); code != http.StatusNoContent {
		t.Fatalf("delete the kept post: %d %s", code, res)
	}
	placed := newPost(fmt.Sprintf("E2E nieuw na het bewaren %d", stamp))

	bram.do("watch which posts show", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: shownPostsProbe})
		return err
	}))
	bram.throttle(true)
	bram.do("reload", chromedp.Reload())
	bram.waitVisible("see the new post in the fresh feed", freshPost(placed))
	bram.throttle(false)

	if !eval[bool](bram, "ask whether the kept page showed", `window.__shownPosts.includes(`+jsString(gone)+`)`) {
		t.Error("the reload did not show the first page kept on the device before the fresh one")
	}
	if n := eval[int](bram, "count the deleted post", `document.querySelectorAll(`+jsString(post(gone))+`).length`); n != 0 {
		t.Error("the post deleted meanwhile still shows once the fresh page came")
	}
	if n := eval[int](bram, "count offline marks", `document.querySelectorAll("[data-test=offline-mark]").length`); n != 0 {
		t.Errorf("online, the feed shows %d offline marks", n)
	}
	if n := eval[int](bram, "count the new post", `document.querySelectorAll(`+jsString(post(placed))+`).length`); n != 1 {
		t.Errorf("the new post shows %d times; want once", n)
	}
}
