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

// TestOutboxOfflineExactlyOnce is the outbox's browser test. Bram has
// three pages of the app open in one browser (one device, one outbox): his
// team's chat, and two of his tasks. Without a connection he writes a chat
// message and offers both tasks to anna: each waits in the outbox, counted
// by the header's mark. Meanwhile anna, his coordinator, gives the second
// task to dirk. Back online, every page sends what waits: the message and
// the first offer arrive exactly once (counted on the server), and the
// second offer, refused because the task is no longer bram's, stays in the
// outbox with the server's reason in bram's words, until he discards it.
func TestOutboxOfflineExactlyOnce(t *testing.T) {
	b := newBrowser(t)
	bramAPI := apiAs(t, b.baseURL, "bram@buurtplein.test")
	annaAPI := apiAs(t, b.baseURL, "anna@buurtplein.test")
	dirkAPI := apiAs(t, b.baseURL, "dirk@buurtplein.test")
	haarlem := bramAPI.teamId("haarlem-noord")
	stamp := time.Now().UnixNano()
	taskA := bramsTask(bramAPI, haarlem, fmt.Sprintf("E2E outbox overdracht %d", stamp))
	taskB := bramsTask(bramAPI, haarlem, fmt.Sprintf("E2E outbox conflict %d", stamp))
	channel := teamChannel(bramAPI, haarlem)

	chat := b.tab("bram (chat)")
	chat.signIn("bram@buurtplein.test", "Bram Jansen")
	pageA := chat.sibling("bram (task A)")
	pageB := chat.sibling("bram (task B)")

	chat.goTo("#/chat/" + channel)
	chat.waitVisible("see the team chat, live", chatRoom(channel)+`[data-state=ready][data-live=true]`)
	for _, p := range []struct {
		page *tab
		task string
	}{{pageA, taskA}, {pageB, taskB}} {
		p.page.open("/#/tasks/" + p.task)
		p.page.waitVisible("see the task, live", fmt.Sprintf(`[data-test=task][data-id=%q][data-state=ready][data-live=true]`, p.task))
		p.page.do("open the handover form", chromedp.Click(chromedp.CSS(`[data-test=task-handover] > summary`)))
		p.page.waitFor("see anna among the colleagues", fmt.Sprintf(`document.querySelector('[data-test=task-handover][open] form[data-test=handover-form] select[name=to_user] option[value=%q]') != null`, annaAPI.userId))
	}

	for _, p := range []*tab{chat, pageA, pageB} {
		p.setOffline(true)
		p.waitFor("see the browser offline", `navigator.onLine === false`)
	}

	text := fmt.Sprintf("Offline geschreven %d", stamp)
	composer := chatRoom(channel) + ` form[data-test=chat-composer]`
	chat.do("write a message offline",
		chromedp.SendKeys(chromedp.CSS(composer+` textarea[name=body]`), text),
		chromedp.Click(chromedp.CSS(composer+` [data-test=chat-send]`)),
	)
	chat.waitFor("see the message waiting", messageWith(text)+`?.dataset.state === "pending"`)

	handover := `form[data-test=handover-form]`
	for i, p := range []*tab{pageA, pageB} {
		p.do("offer the task to anna offline",
			chromedp.SetValue(chromedp.CSS(handover+` select[name=to_user]`), annaAPI.userId),
			chromedp.SendKeys(chromedp.CSS(handover+` textarea[name=note]`), "Zonder verbinding aangeboden"),
			chromedp.Click(chromedp.CSS(handover+` [data-test=handover-submit]`)),
		)
		// one device, one outbox: the mark counts the writes of every page
		p.waitFor(fmt.Sprintf("see %d writes waiting in the header", i+2), fmt.Sprintf(`document.querySelector("[data-test=outbox-mark]")?.dataset.count === "%d"`, i+2))
		p.waitFor("see the mark shown", `!document.querySelector("[data-test=outbox-mark]").hidden`)
	}
	if n := outboxCount(pageB); n != 3 {
		t.Fatalf("the outbox holds %d writes, want 3 (the message and two offers)", n)
	}

	// meanwhile the coordinator gives the second task to dirk
	if code, res := annaAPI.do(http.MethodPatch, "/api/collections/tasks/records/"+taskB, map[string]any{"assignee": dirkAPI.userId}); code != http.StatusOK {
		t.Fatalf("anna gives task B to dirk: %d %s", code, res)
	}

	for _, p := range []*tab{chat, pageA, pageB} {
		p.setOffline(false)
	}
	chat.waitFor("see the message sent", messageWith(text)+`?.dataset.state === "sent"`)
	pageA.waitAsync("see only the refused offer left in the outbox", fmt.Sprintf(`(%s).then(items => items.length === 1 && items[0].state === "failed" && items[0].data.task === %q)`, outboxItemsJS, taskB))
	pageA.waitFor("see the mark count the refused one", `document.querySelector("[data-test=outbox-mark]")?.dataset.refused === "1"`)

	var messages struct{ TotalItems int }
	bramAPI.decode(http.StatusOK, http.MethodGet, "/api/collections/messages/records?filter="+
		url.QueryEscape(fmt.Sprintf(`channel = %q && body = %q`, channel, text)), nil, &messages)
	if messages.TotalItems != 1 {
		t.Errorf("the server holds %d messages with the text, want exactly 1", messages.TotalItems)
	}
	if n := countOffers(bramAPI, taskA); n != 1 {
		t.Errorf("the server holds %d offers of task A, want exactly 1", n)
	}
	if n := countOffers(bramAPI, taskB); n != 0 {
		t.Errorf("the server holds %d offers of task B, want none (it was no longer bram's)", n)
	}

	// the refusal, in bram's words, until he chooses to discard it
	pageA.goTo("#/outbox")
	item := `[data-test=outbox] [data-test=outbox-item][data-kind=handover][data-state=failed]`
	pageA.waitVisible("see the refused offer", item+` [data-test=outbox-reason]`)
	if code := eval[string](pageA, "read the refusal's code", `document.querySelector(`+jsString(item)+`).dataset.code`); code != "validation_not_yours" {
		t.Errorf("the refused offer carries code %q, want validation_not_yours", code)
	}
	reason := eval[string](pageA, "read the reason", `document.querySelector(`+jsString(item+` [data-test=outbox-reason]`)+`).textContent`)
	if !strings.Contains(reason, "Alleen wie de taak heeft, of een coördinator van het team, kan hem overdragen.") {
		t.Errorf("the outbox says %q, want the Dutch words of validation_not_yours", reason)
	}
	if got := eval[int](pageA, "count the items shown", `document.querySelectorAll("[data-test=outbox-item]").length`); got != 1 {
		t.Errorf("the outbox screen shows %d items, want 1", got)
	}
	pageA.do("discard it", chromedp.Click(chromedp.CSS(item+` [data-test=outbox-discard]`)))
	pageA.waitVisible("see the app's own dialog", `dialog[data-test=outbox-discard-dialog] [data-test=outbox-discard-dialog-yes]`)
	pageA.do("confirm", chromedp.Click(chromedp.CSS(`dialog[data-test=outbox-discard-dialog] [data-test=outbox-discard-dialog-yes]`)))
	pageA.waitVisible("see the outbox empty", `[data-test=outbox] [data-test=outbox-empty]`)
	pageA.waitFor("see the header's mark gone", `document.querySelector("[data-test=outbox-mark]")?.hidden === true`)
	if n := outboxCount(pageA); n != 0 {
		t.Errorf("the outbox still holds %d writes", n)
	}
}

// TestOutboxSignOutAsks: signing out while a write waits asks first, in
// the app's own dialog; cancelling keeps the session and the write, and
// signing out anyway takes the write off the device.
func TestOutboxSignOutAsks(t *testing.T) {
	b := newBrowser(t)
	bram, _, _ := startTaskOffline(t, b, "E2E outbox uitloggen")

	bram.goTo("#/profile")
	bram.waitVisible("see the sign-out button", `[data-test=sign-out]`)
	bram.do("sign out", chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-test=sign-out]").click()`))
	bram.waitVisible("be asked first", `dialog[data-test=outbox-signout]`)
	bram.do("cancel", chromedp.Click(chromedp.CSS(`dialog[data-test=outbox-signout] [data-test=outbox-signout-no]`)))
	bram.waitFor("still be signed in", `location.hash === "#/profile" && document.querySelector("dialog[data-test=outbox-signout]") == null`)
	if n := outboxCount(bram); n != 1 {
		t.Fatalf("after cancelling the outbox holds %d writes, want 1", n)
	}

	bram.do("sign out again", chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-test=sign-out]").click()`))
	bram.do("sign out anyway", chromedp.Click(chromedp.CSS(`dialog[data-test=outbox-signout] [data-test=outbox-signout-yes]`)))
	bram.waitFor("see the sign-in screen", `location.hash === "#/login"`)
	bram.waitAsync("see the outbox emptied", `(`+allOutboxItemsJS+`).then(items => items.length === 0)`)
}

// TestOutboxSessionEndedKeepsWrites: a change made offline waits; the
// session ends meanwhile (signed out on another device), so back online
// the server answers 401. The app asks to sign in again and keeps the
// change on the device; once bram has signed in again it is sent.
func TestOutboxSessionEndedKeepsWrites(t *testing.T) {
	b := newBrowser(t)
	bram, bramAPI, task := startTaskOffline(t, b, "E2E outbox sessie")

	// every session of bram's ends, the page's too
	if code, res := bramAPI.do(http.MethodPost, "/api/buurtplein/auth/signout", nil); code != http.StatusNoContent {
		t.Fatalf("signing bram out everywhere: %d %s", code, res)
	}
	bram.setOffline(false)
	bram.waitFor("be asked to sign in again", `location.hash === "#/login" && document.querySelector("[data-test=login-notice]") != null`)
	bram.waitAsync("see the change still on the device", `(`+allOutboxItemsJS+`).then(items => items.length === 1 && items[0].state === "pending" && items[0].target === `+jsString(task)+`)`)
	bramAPI = apiAs(t, b.baseURL, "bram@buurtplein.test")
	if status := taskStatus(bramAPI, task); status != "open" {
		t.Fatalf("the task is %q on the server before bram signs in again, want open", status)
	}

	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.waitAsync("see the outbox sent", `(`+allOutboxItemsJS+`).then(items => items.length === 0)`)
	if status := taskStatus(bramAPI, task); status != "in_progress" {
		t.Errorf("the task is %q on the server after bram signed in again, want in_progress", status)
	}
}

// taskStatus returns the status of task on the server.
func taskStatus(api *apiClient, task string) string {
	var record struct{ Status string }
	api.decode(http.StatusOK, http.MethodGet, "/api/collections/tasks/records/"+task, nil, &record)
	return record.Status
}

// TestOutboxOfflinePostAndComment: on his team's feed without a
// connection, bram places a post and comments on a colleague's: both wait
// in the outbox and the compose form is empty again (nothing is lost: the
// post is on the device). Back online, each arrives exactly once.
func TestOutboxOfflinePostAndComment(t *testing.T) {
	b := newBrowser(t)
	bramAPI := apiAs(t, b.baseURL, "bram@buurtplein.test")
	annaAPI := apiAs(t, b.baseURL, "anna@buurtplein.test")
	haarlem := bramAPI.teamId("haarlem-noord")
	stamp := time.Now().UnixNano()
	var post struct{ Id string }
	annaAPI.decode(http.StatusOK, http.MethodPost, "/api/collections/posts/records", map[string]any{
		"team": haarlem, "author": annaAPI.userId, "kind": "update", "visibility": "team",
		"title": fmt.Sprintf("E2E outbox bericht %d", stamp), "body": "Wie neemt de sleutel mee?",
	}, &post)

	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.goTo("#/team/haarlem-noord")
	feed := `[data-test=feed][data-team="haarlem-noord"]`
	bram.waitVisible("see the team's feed", feed+`[data-state=ready]`)
	article := fmt.Sprintf(`%s article[data-test=post][data-id=%q]`, feed, post.Id)
	bram.waitVisible("see anna's post with its comment form", article+` form[data-test=comment-form] textarea[name=body]`)

	bram.setOffline(true)
	bram.waitFor("see the browser offline", `navigator.onLine === false`)
	title := fmt.Sprintf("E2E offline geplaatst %d", stamp)
	compose := feed + ` form[data-test=compose]`
	bram.do("write a post offline",
		// on a phone the form is one line until it is used
		chromedp.Click(chromedp.CSS(compose+" textarea[name=body]")),
		chromedp.SendKeys(chromedp.CSS(compose+" input[name=title]"), title),
		chromedp.SendKeys(chromedp.CSS(compose+" textarea[name=body]"), "Geschreven in de auto."),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(compose)+`).requestSubmit()`),
	)
	bram.waitFor("see the post waiting", `document.querySelector("[data-test=outbox-mark]")?.dataset.count === "1"`)
	bram.waitFor("see the compose form emptied", `document.querySelector(`+jsString(compose+" input[name=title]")+`).value === ""`)
	comment := fmt.Sprintf("Ik neem hem mee %d", stamp)
	bram.do("comment offline",
		chromedp.SendKeys(chromedp.CSS(article+` form[data-test=comment-form] textarea[name=body]`), comment),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(article+` form[data-test=comment-form]`)+`).requestSubmit()`),
	)
	bram.waitFor("see the comment waiting too", `document.querySelector("[data-test=outbox-mark]")?.dataset.count === "2"`)

	bram.setOffline(false)
	bram.waitAsync("see the outbox sent", outboxItemsJS+`.then(items => items.length === 0)`)
	bram.waitFor("see the header's mark gone", `document.querySelector("[data-test=outbox-mark]")?.hidden === true`)

	var posts, comments struct{ TotalItems int }
	bramAPI.decode(http.StatusOK, http.MethodGet, "/api/collections/posts/records?filter="+url.QueryEscape(fmt.Sprintf(`title = %q`, title)), nil, &posts)
	bramAPI.decode(http.StatusOK, http.MethodGet, "/api/collections/comments/records?filter="+url.QueryEscape(fmt.Sprintf(`post = %q && body = %q`, post.Id, comment)), nil, &comments)
	if posts.TotalItems != 1 || comments.TotalItems != 1 {
		t.Errorf("the server holds %d posts and %d comments written offline, want exactly 1 of each", posts.TotalItems, comments.TotalItems)
	}
}

// TestOutboxMovesChatOutbox: a message left in the chat's own outbox of
// an earlier version of the app (IndexedDB "buurtplein-chat") moves into
// the outbox at the next start and is sent, with its id; the old database
// is removed.
func TestOutboxMovesChatOutbox(t *testing.T) {
	b := newBrowser(t)
	carlaAPI := apiAs(t, b.baseURL, "carla@buurtplein.test")
	channel := teamChannel(carlaAPI, carlaAPI.teamId("schalkwijk"))
	id := fmt.Sprintf("oldchat%08d", time.Now().UnixNano()%100000000)
	text := "Bleef staan in de oude postbus " + id

	carla := b.tab("carla")
	carla.signIn("carla@buurtplein.test", "Carla Bakker")
	old := fmt.Sprintf(`{id: %s, user: %s, channel: %s, body: %s, reply_to: "", files: [], created: new Date().toISOString(), state: "pending", error: null}`,
		jsString(id), jsString(carlaAPI.userId), jsString(channel), jsString(text))
	carla.waitAsync("leave a message in the old chat outbox", `new Promise((resolve, reject) => {
		const open = indexedDB.open("buurtplein-chat", 1);
		open.onupgradeneeded = () => open.result.createObjectStore("outbox", { keyPath: "id" }).createIndex("user", "user");
		open.onsuccess = () => {
			const t = open.result.transaction("outbox", "readwrite");
			t.objectStore("outbox").put(`+old+`);
			t.oncomplete = () => { open.result.close(); resolve(true); };
			t.onerror = () => reject(t.error);
		};
		open.onerror = () => reject(open.error);
	})`)

	carla.do("start the app again", chromedp.Reload())
	carla.waitAsync("see the old database removed", `indexedDB.databases().then(list => !list.some(d => d.name === "buurtplein-chat"))`)
	deadline := time.Now().Add(stepTimeout)
	for {
		code, res := carlaAPI.do(http.MethodGet, "/api/collections/messages/records/"+id, nil)
		if code == http.StatusOK {
			if !strings.Contains(string(res), text) {
				t.Errorf("the message %s holds %s, want the text left in the old outbox", id, res)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the message of the old outbox did not arrive: %d %s", code, res)
		}
		time.Sleep(200 * time.Millisecond)
	}
	carla.waitAsync("see the outbox empty", outboxItemsJS+`.then(items => items.length === 0)`)
}

// startTaskOffline signs bram in, opens a new task of his and, without a
// connection, starts it: one change waits in the outbox.
func startTaskOffline(t *testing.T, b *browser, title string) (*tab, *apiClient, string) {
	t.Helper()
	bramAPI := apiAs(t, b.baseURL, "bram@buurtplein.test")
	task := bramsTask(bramAPI, bramAPI.teamId("haarlem-noord"), fmt.Sprintf("%s %d", title, time.Now().UnixNano()))

	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.goTo("#/tasks/" + task)
	bram.waitVisible("see the task", fmt.Sprintf(`[data-test=task][data-id=%q][data-state=ready]`, task))
	bram.setOffline(true)
	bram.waitFor("see the browser offline", `navigator.onLine === false`)
	bram.do("start the task offline", chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-test=task-start]")?.click()`))
	bram.waitFor("see the change waiting", `document.querySelector("[data-test=outbox-mark]")?.dataset.count === "1"`)
	return bram, bramAPI, task
}

// sibling opens another page in p's browser context: the same device
// (storage, session, outbox) in a second tab.
func (p *tab) sibling(name string) *tab {
	p.t.Helper()
	ctx, cancel := chromedp.NewContext(p.ctx)
	p.t.Cleanup(cancel)
	s := &tab{b: p.b, t: p.t, name: name, ctx: ctx}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(viewportWidth, viewportHeight)); err != nil {
		p.t.Fatalf("%s: open a tab: %v", name, err)
	}
	return s
}

// waitAsync waits until the JavaScript promise expr resolves to true.
func (p *tab) waitAsync(what, expr string) {
	p.t.Helper()
	ctx, cancel := p.stepContext()
	defer cancel()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr, chromedp.EvalAwaitPromise))
		if err == nil && ok {
			return
		}
		select {
		case <-ctx.Done():
			p.t.Fatalf("%s: %s: not so after %s (last error: %v)", p.name, what, stepTimeout, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// bramsTask adds an open task of the API's user in team and returns its id.
func bramsTask(api *apiClient, team, title string) string {
	var task struct{ Id string }
	api.decode(http.StatusOK, http.MethodPost, "/api/collections/tasks/records", map[string]any{
		"team": team, "title": title, "created_by": api.userId, "assignee": api.userId, "status": "open",
	}, &task)
	return task.Id
}

// teamChannel returns the id of the chat channel of team.
func teamChannel(api *apiClient, team string) string {
	var list struct{ Items []struct{ Id string } }
	api.decode(http.StatusOK, http.MethodGet, "/api/collections/channels/records?filter="+
		url.QueryEscape(fmt.Sprintf(`kind = "team" && team = %q`, team)), nil, &list)
	if len(list.Items) != 1 {
		api.t.Fatalf("team %s has %d chat channels, want 1", team, len(list.Items))
	}
	return list.Items[0].Id
}

// countOffers returns how many offers of task the server holds.
func countOffers(api *apiClient, task string) int {
	var list struct{ TotalItems int }
	api.decode(http.StatusOK, http.MethodGet, "/api/collections/task_transfers/records?filter="+
		url.QueryEscape(fmt.Sprintf(`task = %q`, task)), nil, &list)
	return list.TotalItems
}

// allOutboxItemsJS is a JavaScript promise of every write in the device's
// outbox (IndexedDB "buurtplein-outbox"), of anyone.
const allOutboxItemsJS = `new Promise((resolve, reject) => {
	const open = indexedDB.open("buurtplein-outbox");
	open.onsuccess = () => {
		const names = open.result.objectStoreNames;
		if (!names.contains("outbox")) return resolve([]);
		const req = open.result.transaction("outbox").objectStore("outbox").getAll();
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	};
	open.onerror = () => reject(open.error);
})`

// outboxItemsJS is a JavaScript promise of the signed-in user's writes in
// the outbox.
const outboxItemsJS = allOutboxItemsJS + `.then(items => items.filter(w => w.user === JSON.parse(localStorage.getItem("pocketbase_auth") || "{}").record?.id))`

// outboxCount returns how many writes of the signed-in user wait in the
// page's outbox.
func outboxCount(p *tab) int {
	p.t.Helper()
	return eval[int](p, "count the outbox", outboxItemsJS+`.then(items => items.length)`, chromedp.EvalAwaitPromise)
}
