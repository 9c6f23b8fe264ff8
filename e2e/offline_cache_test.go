package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// cacheEntries is a JavaScript expression (a promise) for the keys of the
// reading cache (pb_public/js/offline/cache.js) as "<user>\n<key>"; an
// empty list when the database does not exist.
const cacheEntries = `new Promise((resolve, reject) => {
	const req = indexedDB.open("buurtplein-cache");
	req.onupgradeneeded = () => req.result.createObjectStore("entries");
	req.onerror = () => reject(req.error);
	req.onsuccess = () => {
		const db = req.result;
		const keys = db.transaction("entries").objectStore("entries").getAllKeys();
		keys.onsuccess = () => { db.close(); resolve(keys.result); };
		keys.onerror = () => reject(keys.error);
	};
})`

// TestOfflineCachedTasks signs bram in, gives him a task and opens his
// tasks; then the connection goes and the page reloads: the app opens from
// the service worker and shows the task from the reading cache, marked as
// offline with its moment and age, and the offline banner says from when.
// Client data is refused by the cache. Back online, signing out leaves the
// cache empty.
func TestOfflineCachedTasks(t *testing.T) {
	b := newBrowser(t)
	api := apiAs(t, b.baseURL, "bram@buurtplein.test")
	title := fmt.Sprintf("E2E offline lezen %d", time.Now().UnixNano())
	var task struct{ Id string }
	api.decode(http.StatusOK, http.MethodPost, "/api/collections/tasks/records", map[string]any{
		"team": api.teamId("haarlem-noord"), "title": title, "assignee": api.userId, "created_by": api.userId, "status": "open",
	}, &task)

	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.waitFor("see the service worker control the page", `navigator.serviceWorker.controller?.state === "activated"`)
	bram.goTo("#/tasks")
	card := fmt.Sprintf(`[data-test=my-tasks][data-state=ready] [data-test=task-card][data-id=%q]`, task.Id)
	bram.waitVisible("see the new task among his tasks", card)
	if n := eval[int](bram, "count offline marks online", `document.querySelectorAll("[data-test=offline-mark]").length`); n != 0 {
		t.Fatalf("online, the tasks show %d offline marks", n)
	}
	waitForPromise(bram, "see his tasks and teams kept", cacheEntries+`.then(keys => keys.some(k => k.endsWith("\ntasks/mine")) && keys.some(k => k.endsWith("\nmemberships")))`)

	// client data never goes in, by its key or inside a value
	refused := eval[[]bool](bram, "try to keep client data", `import("/js/offline/cache.js").then(async (m) => [
		await m.remember("regie/team/haarlem-noord", [{id: "x"}]),
		await m.remember("clients/abc", {id: "abc"}),
		await m.remember("tasks/sneaky", [{id: "abc", collectionName: "clients", code: "K-1"}]),
		await m.remember("task/sneaky", {id: "abc", collectionName: "tasks", plan: "p1", title: "Actie uit een plan"}),
	])`, chromedp.EvalAwaitPromise)
	for i, kept := range refused {
		if kept {
			t.Errorf("the cache kept client data (attempt %d)", i+1)
		}
	}
	if n := eval[int](bram, "look for client data in the cache", cacheEntries+`.then(keys => keys.filter(k => /regie|clients|sneaky/.test(k)).length)`, chromedp.EvalAwaitPromise); n != 0 {
		t.Fatalf("the cache holds %d entries of client data", n)
	}
	// a task made from a client's plan carries one of its agreed actions:
	// a list keeps the other tasks, not that one
	kept := eval[[]string](bram, "keep a board with a plan's task", `import("/js/offline/cache.js").then(async (m) => {
		await m.remember("board/e2e-plan", {tasks: [
			{id: "own", collectionName: "tasks", plan: "", title: "Eigen taak"},
			{id: "fromplan", collectionName: "tasks", plan: "p1", title: "Actie uit een plan"},
		]});
		const kept = await m.recall("board/e2e-plan");
		await m.forget("board/e2e-plan");
		return kept ? kept.value.tasks.map((t) => t.id) : ["nothing kept"];
	})`, chromedp.EvalAwaitPromise)
	if len(kept) != 1 || kept[0] != "own" {
		t.Errorf("the board kept the tasks %v; want only the task not made from a plan", kept)
	}

	bram.setOffline(true)
	bram.do("reload offline", chromedp.Reload())
	bram.waitVisible("see the task from the cache, offline", card)
	mark := `[data-test=my-tasks] [data-test=offline-mark]`
	bram.waitVisible("see the offline mark on his tasks", mark)
	text := eval[string](bram, "read the mark", `document.querySelector(`+jsString(mark)+`).textContent`)
	saved := eval[float64](bram, "read when it was kept", `Number(document.querySelector(`+jsString(mark)+`).dataset.savedAt)`)
	if age := time.Since(time.UnixMilli(int64(saved))); age < 0 || age > 2*time.Minute {
		t.Errorf("the mark says the tasks were kept %s ago", age)
	}
	clock := eval[string](bram, "format the moment as the page does", fmt.Sprintf(`new Intl.DateTimeFormat("nl-NL", {timeStyle: "short"}).format(new Date(%d))`, int64(saved)))
	if want := "Offline — zoals om " + clock; len(text) < len(want) || text[:len(want)] != want {
		t.Errorf("the offline mark says %q, want it to start with %q", text, want)
	}
	bram.waitFor("see the banner say from when and what happens to writing",
		`(() => { const b = document.querySelector("[data-test=offline-banner]");
			return b && !b.hidden && b.textContent.includes("Geen verbinding") && b.textContent.includes(`+jsString(clock)+`) && b.textContent.includes("verstuurd zodra er weer verbinding is"); })()`)
	bram.waitFor("see bram's teams in the navigation, offline", `document.querySelector(".nav-teams a[href='#/team/haarlem-noord']") !== null`)

	bram.setOffline(false)
	bram.goTo("#/profile")
	bram.waitVisible("see the profile", `[data-test=sign-out]`)
	bram.do("sign out", chromedp.Click(chromedp.CSS(`[data-test=sign-out]`)))
	bram.waitVisible("see the sign-in form", `form#login-form`)
	waitForPromise(bram, "see the cache empty after signing out", cacheEntries+`.then(keys => keys.length === 0)`)
}

// TestOfflineCacheBroken opens the app where IndexedDB fails: in one tab
// it cannot be opened at all, in the other every write finds it full. The
// tasks show online as ever, and each tab says once that this device keeps
// nothing for offline use.
func TestOfflineCacheBroken(t *testing.T) {
	b := newBrowser(t)
	// every toast the page shows, counted before it fades (from the
	// start: the app may say it on the sign-in screen already)
	const watchToasts = `window.__toasts = [];
		new MutationObserver((records) => {
			for (const r of records) for (const n of r.addedNodes) if (n.classList?.contains("toast")) window.__toasts.push(n.textContent);
		}).observe(document, {childList: true, subtree: true});`
	cases := []struct {
		name, breakIt, want string
	}{
		{"broken", `indexedDB.open = () => { throw new DOMException("kapot", "UnknownError"); };`, "kan niets bewaren om zonder verbinding te lezen"},
		{"full", `IDBObjectStore.prototype.put = function () { throw new DOMException("vol", "QuotaExceededError"); };`, "geen ruimte meer"},
	}
	for _, c := range cases {
		p := b.tab("bram-" + c.name)
		p.do("break IndexedDB ("+c.name+") before the app loads", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watchToasts + c.breakIt})
			return err
		}))
		p.signIn("bram@buurtplein.test", "Bram Jansen")
		p.goTo("#/tasks")
		p.waitVisible("see his tasks without a cache ("+c.name+")", `[data-test=my-tasks][data-state=ready]`)
		p.goTo("#/feed")
		p.waitVisible("see the feed", `[data-test=feed][data-state=ready]`)
		p.goTo("#/tasks")
		p.waitVisible("see his tasks again", `[data-test=my-tasks][data-state=ready]`)
		p.waitFor("hear once that nothing is kept ("+c.name+")", `window.__toasts.some(s => s.includes(`+jsString(c.want)+`))`)
		if n := eval[int](p, "count the notices", `window.__toasts.filter(s => s.includes("zonder verbinding")).length`); n != 1 {
			t.Errorf("%s: the page said %d times that the cache does not work, want once", c.name, n)
		}
	}
}

// waitForPromise waits until the JavaScript expression, a promise, resolves
// to true in the page ([tab.waitFor] takes a promise for true at once).
func waitForPromise(p *tab, what, expr string) {
	p.t.Helper()
	ctx, cancel := p.stepContext()
	defer cancel()
	var last error
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("Promise.resolve("+expr+").then(v => !!v)", chromedp.EvalAwaitPromise))
		if err == nil && ok {
			return
		}
		if err != nil && ctx.Err() == nil {
			last = err
		}
		select {
		case <-ctx.Done():
			p.t.Fatalf("%s: %s: not so after %s (last error: %v)", p.name, what, stepTimeout, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestOfflineReadingScreens has bram look, online, at his team's board,
// the organisation's and his team's feeds, the wiki and a conversation;
// then the connection goes and the page reloads: each of them shows as he
// last saw it, marked as offline, and so does the organisation's protocol
// Wondzorg, which the wiki's overview kept with its body. A team page he
// never opened says that it was not kept.
func TestOfflineReadingScreens(t *testing.T) {
	b := newBrowser(t)
	api := apiAs(t, b.baseURL, "bram@buurtplein.test")
	pageId := func(filter string) string {
		var list struct{ Items []struct{ Id string } }
		api.decode(http.StatusOK, http.MethodGet, "/api/collections/wiki_pages/records?filter="+url.QueryEscape(filter), nil, &list)
		if len(list.Items) != 1 {
			t.Fatalf("wiki pages %s: %d found", filter, len(list.Items))
		}
		return list.Items[0].Id
	}
	protocol := pageId(`slug = "wondzorg" && team = "" && protocol = true`)
	teamPage := pageId(`slug = "sleutels-en-codes" && team.slug = "haarlem-noord"`)

	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.waitFor("see the service worker control the page", `navigator.serviceWorker.controller?.state === "activated"`)

	board := `[data-test=board][data-team="haarlem-noord"][data-state=ready]`
	orgFeed := `[data-test=feed][data-team=organisation][data-state=ready]`
	teamFeed := `[data-test=feed][data-team="haarlem-noord"][data-state=ready]`
	wiki := `[data-test=wiki][data-state=ready]`
	chatList := `[data-test=chat-list][data-state=ready]`

	bram.waitVisible("see the organisation's feed", orgFeed+` article[data-test=post]`)
	bram.goTo("#/team/haarlem-noord")
	bram.waitVisible("see his team's feed", teamFeed+` article[data-test=post]`)
	bram.goTo("#/team/haarlem-noord/tasks")
	bram.waitVisible("see his team's board", board+` [data-test=task-card]`)
	bram.goTo("#/wiki")
	bram.waitVisible("see the wiki", wiki+fmt.Sprintf(` [data-test=wiki-node][data-id=%q]`, protocol))
	bram.goTo("#/chat")
	bram.waitVisible("see his conversations", chatList+` [data-test=channel]`)
	channel := eval[string](bram, "read his latest conversation", `document.querySelector("[data-test=channel]").dataset.id`)
	bram.goTo("#/chat/" + channel)
	bram.waitVisible("see the conversation", chatRoom(channel)+`[data-state=ready] [data-test=message]`)
	messages := eval[int](bram, "count its messages", `document.querySelectorAll("[data-test=message]").length`)

	keys := []string{"feed/organisation", "feed/haarlem-noord", "team/haarlem-noord", "board/haarlem-noord", "board/haarlem-noord/members", "wiki/tree", "wiki/protocols", "chat/channels", "chat/" + channel, "chat/recent"}
	waitForPromise(bram, "see every screen kept", cacheEntries+`.then(keys => `+jsString(strings.Join(keys, ","))+`.split(",").every(k => keys.some(x => x.endsWith("\n" + k))))`)

	bram.setOffline(true)
	bram.do("reload offline", chromedp.Reload())
	mark := func(root string) string { return root + ` [data-test=offline-mark]` }
	bram.waitVisible("see the conversation, offline", mark(chatRoom(channel)+`[data-state=ready]`))
	if n := eval[int](bram, "count its messages offline", `document.querySelectorAll("[data-test=message]").length`); n != messages {
		t.Errorf("offline the conversation shows %d messages, online it showed %d", n, messages)
	}
	bram.goTo("#/chat")
	bram.waitVisible("see his conversations, offline", mark(chatList))
	bram.waitVisible("see the conversation in the list", chatList+fmt.Sprintf(` [data-test=channel][data-id=%q]`, channel))
	bram.goTo("#/feed")
	bram.waitVisible("see the organisation's feed, offline", mark(orgFeed))
	bram.waitVisible("see its posts", orgFeed+` article[data-test=post]`)
	bram.goTo("#/team/haarlem-noord")
	bram.waitVisible("see his team's feed, offline", mark(teamFeed))
	bram.waitVisible("see its posts", teamFeed+` article[data-test=post]`)
	bram.goTo("#/team/haarlem-noord/tasks")
	bram.waitVisible("see his team's board, offline", `.board-offline [data-test=offline-mark]`)
	bram.waitVisible("see its tasks", board+` [data-test=task-card]`)
	bram.goTo("#/wiki")
	bram.waitVisible("see the wiki, offline", mark(wiki))
	bram.goTo("#/wiki/" + protocol)
	page := fmt.Sprintf(`[data-test=wiki-page][data-id=%q][data-state=ready]`, protocol)
	bram.waitVisible("see the protocol, offline", mark(page))
	bram.waitFor("read the protocol's text", `document.querySelector(`+jsString(page)+`).textContent.includes("Dit protocol beschrijft")`)
	bram.goTo("#/wiki/" + teamPage)
	bram.waitVisible("hear that a page never opened was not kept", `[data-test=offline-not-kept]`)
	bram.waitFor("see the banner name no moment where nothing kept shows",
		`document.querySelector("[data-test=offline-banner]").dataset.savedAt === "" && document.querySelector("[data-test=offline-banner]").textContent.includes("het laatst ophaalde")`)
}

// TestOfflineCacheSessionEnded has dirk read his tasks (kept), then his
// sessions end on the server (signed out on another device; a block ends
// them the same way): at his page's next request the app returns to the
// sign-in screen and the cache is empty, though he never signed out here.
func TestOfflineCacheSessionEnded(t *testing.T) {
	b := newBrowser(t)
	dirk := b.tab("dirk")
	dirk.signIn("dirk@buurtplein.test", "Dirk Visser")
	dirk.goTo("#/tasks")
	dirk.waitVisible("see his tasks", `[data-test=my-tasks][data-state=ready]`)
	waitForPromise(dirk, "see his tasks kept", cacheEntries+`.then(keys => keys.some(k => k.endsWith("\ntasks/mine")))`)

	other := apiAs(t, b.baseURL, "dirk@buurtplein.test")
	if code, body := other.do(http.MethodPost, "/api/buurtplein/auth/signout", nil); code != http.StatusNoContent && code != http.StatusOK {
		t.Fatalf("signing dirk out everywhere: %d %s", code, body)
	}
	dirk.goTo("#/feed")
	dirk.waitVisible("return to the sign-in screen, saying why", `[data-test=login-notice]`)
	waitForPromise(dirk, "see the cache empty after the session ended", cacheEntries+`.then(keys => keys.length === 0)`)
}
