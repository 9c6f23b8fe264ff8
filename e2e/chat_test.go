package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestChatOfflineExactlyOnce is the chat's browser test: carla and dirk
// have the demo's group chat across teams open side by side. Dirk loses
// his connection (Chromium's network emulation), writes a message, which
// shows at once as "wordt verzonden", and comes back online: carla
// receives it exactly once (once in her view, one record on the server),
// and once her view has marked it read dirk sees "gelezen door Carla"
// under it.
func TestChatOfflineExactlyOnce(t *testing.T) {
	b := newBrowser(t)
	carla := b.tab("carla")
	dirk := b.tab("dirk")
	carla.signIn("carla@buurtplein.test", "Carla Bakker")
	dirk.signIn("dirk@buurtplein.test", "Dirk Visser")
	carlaAPI := apiAs(t, b.baseURL, "carla@buurtplein.test")
	channel := groupChannel(t, apiAs(t, b.baseURL, "dirk@buurtplein.test"), carlaAPI.userId)

	for _, p := range []*tab{carla, dirk} {
		p.goTo("#/chat/" + channel)
		p.waitVisible("see the group chat, live", chatRoom(channel)+`[data-state=ready][data-live=true]`)
	}

	text := fmt.Sprintf("Offline geschreven %d", time.Now().UnixNano())
	dirk.setOffline(true)
	dirk.waitFor("see the browser offline", `navigator.onLine === false`)
	composer := chatRoom(channel) + ` form[data-test=chat-composer]`
	dirk.do("write a message offline",
		chromedp.SendKeys(chromedp.CSS(composer+` textarea[name=body]`), text),
		chromedp.Click(chromedp.CSS(composer+` [data-test=chat-send]`)),
	)
	dirk.waitFor("see the message waiting as \"wordt verzonden\"",
		messageWith(text)+`?.dataset.state === "pending" && `+messageWith(text)+`.querySelector("[data-test=message-pending]")?.textContent.includes("wordt verzonden")`)
	if n := eval[int](dirk, "read what the outbox holds", `new Promise((resolve, reject) => {
		const open = indexedDB.open("buurtplein-outbox");
		open.onsuccess = () => {
			const req = open.result.transaction("outbox").objectStore("outbox").getAll();
			req.onsuccess = () => resolve(req.result.filter((m) => m.data.body === `+jsString(text)+`).length);
			req.onerror = () => reject(req.error);
		};
		open.onerror = () => reject(open.error);
	})`, chromedp.EvalAwaitPromise); n != 1 {
		t.Fatalf("the outbox holds %d messages with the text, want 1", n)
	}

	dirk.setOffline(false)
	carla.waitFor("receive dirk's message", countMessages(text)+` >= 1`)
	dirk.waitFor("see the message sent", messageWith(text)+`?.dataset.state === "sent"`)
	dirk.waitFor("see \"gelezen door Carla\" under it",
		`(document.querySelector("[data-test=read-by]")?.textContent ?? "") === "gelezen door Carla" && `+
			`document.querySelector("[data-test=read-by]").previousElementSibling === `+messageWith(text))

	if n := eval[int](carla, "count the message in carla's view", countMessages(text)); n != 1 {
		t.Errorf("carla's view shows the message %d times, want once", n)
	}
	if n := eval[int](dirk, "count the message in dirk's view", countMessages(text)); n != 1 {
		t.Errorf("dirk's view shows the message %d times, want once", n)
	}
	var list struct{ TotalItems int }
	carlaAPI.decode(http.StatusOK, http.MethodGet, "/api/collections/messages/records?filter="+
		url.QueryEscape(fmt.Sprintf(`channel = %q && body = %q`, channel, text)), nil, &list)
	if list.TotalItems != 1 {
		t.Errorf("the server holds %d messages with the text, want exactly 1", list.TotalItems)
	}
	if n := eval[int](dirk, "read what the outbox holds", `new Promise((resolve) => {
		const open = indexedDB.open("buurtplein-outbox");
		open.onsuccess = () => {
			const req = open.result.transaction("outbox").objectStore("outbox").getAll();
			req.onsuccess = () => resolve(req.result.length);
		};
	})`, chromedp.EvalAwaitPromise); n != 0 {
		t.Errorf("the outbox still holds %d messages after sending", n)
	}
}

// TestChatUnreadLive has carla's channel list open while dirk writes in
// their group chat: its unread count goes up without a reload, the Chat
// tab counts it too, and after carla has opened the conversation the
// list shows it read. The list and the conversation fit a phone.
func TestChatUnreadLive(t *testing.T) {
	b := newBrowser(t)
	carla := b.tab("carla")
	carla.signIn("carla@buurtplein.test", "Carla Bakker")
	carlaAPI := apiAs(t, b.baseURL, "carla@buurtplein.test")
	dirkAPI := apiAs(t, b.baseURL, "dirk@buurtplein.test")
	channel := groupChannel(t, dirkAPI, carlaAPI.userId)

	carla.goTo("#/chat")
	carla.waitVisible("see the channel list, live", `[data-test=chat-list][data-state=ready][data-live=true]`)
	row := `document.querySelector(` + jsString(`[data-test=channel][data-id="`+channel+`"]`) + `)`
	carla.waitFor("see the group chat in the list", row)
	carla.checkPhone("the channel list")
	before, err := strconv.Atoi(eval[string](carla, "read the unread count", row+`.dataset.unread`))
	if err != nil {
		t.Fatal(err)
	}

	text := fmt.Sprintf("Nieuw in de groep %d", time.Now().UnixNano())
	if code, body := dirkAPI.do(http.MethodPost, "/api/collections/messages/records",
		map[string]string{"channel": channel, "author": dirkAPI.userId, "body": text}); code != http.StatusOK {
		t.Fatalf("dirk writes: %d %s", code, body)
	}
	carla.waitFor("see the unread count go up by one", fmt.Sprintf(`%s?.dataset.unread === "%d"`, row, min(before+1, 100)))
	carla.waitFor("see the Chat tab count it", `!document.querySelector("[data-test=chat-unread]").hidden && Number(document.querySelector("[data-test=chat-unread]").textContent) >= 1`)
	if excerpt := eval[string](carla, "read the last message", row+`.querySelector("[data-test=channel-excerpt]").textContent`); excerpt != "Dirk: "+text {
		t.Errorf("the list shows %q as the last message, want %q", excerpt, "Dirk: "+text)
	}
	if first := eval[string](carla, "read the first channel", `document.querySelector("[data-test=channel]").dataset.id`); first != channel {
		t.Errorf("the channel with the newest message is not on top (%s is)", first)
	}

	carla.do("open the conversation", chromedp.Click(chromedp.CSS(`[data-test=channel][data-id="`+channel+`"] [data-test=channel-link]`)))
	carla.waitVisible("see the conversation", chatRoom(channel)+`[data-state=ready]`)
	carla.waitFor("see dirk's message", countMessages(text)+` === 1`)
	carla.checkPhone("the conversation")
	carla.goTo("#/chat")
	carla.waitVisible("see the channel list", `[data-test=chat-list][data-state=ready]`)
	carla.waitFor("see the group chat read", row+`?.dataset.unread === "0"`)
}

// groupChannel returns the id of the demo's group chat across teams that
// both the API client's user and the other user are in.
func groupChannel(t *testing.T, c *apiClient, other string) string {
	t.Helper()
	var list struct {
		Items []struct {
			Id      string
			Name    string
			Members []string
		}
	}
	c.decode(http.StatusOK, http.MethodGet, "/api/collections/channels/records?perPage=200&filter="+url.QueryEscape(`kind = "group"`), nil, &list)
	for _, ch := range list.Items {
		if slices.Contains(ch.Members, other) && slices.Contains(ch.Members, c.userId) {
			return ch.Id
		}
	}
	t.Fatalf("no group chat with %s and %s among %d", c.userId, other, len(list.Items))
	return ""
}

// setOffline takes the page's connection away (or gives it back) with
// Chromium's network emulation: every request fails (the conditions) and
// the page hears "offline" / "online" (the navigator's state, which the
// conditions leave alone). The connection goes only once the service
// worker controls the page: the app promises to work offline from then
// on (it installs after the first screen), and a screen first opened
// offline before it would not load.
func (p *tab) setOffline(offline bool) {
	p.t.Helper()
	if offline {
		p.waitFor("see the service worker control the page", `navigator.serviceWorker.controller?.state === "activated"`)
	}
	p.do(fmt.Sprintf("set offline %v", offline), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		all := &network.Conditions{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}
		if _, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: []*network.Conditions{all}}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	}))
}

// chatRoom is the CSS selector of the conversation of a channel.
func chatRoom(channel string) string {
	return fmt.Sprintf(`[data-test=chat-room][data-id=%q]`, channel)
}

// messageWith is a JavaScript expression for the message whose text is
// text in the open conversation, or undefined.
func messageWith(text string) string {
	return `[...document.querySelectorAll("[data-test=message]")].find(m => m.querySelector("[data-test=message-body]")?.textContent.trim() === ` + jsString(text) + `)`
}

// countMessages is a JavaScript expression for how many messages of the
// open conversation have text as their text.
func countMessages(text string) string {
	return `[...document.querySelectorAll("[data-test=message]")].filter(m => m.querySelector("[data-test=message-body]")?.textContent.trim() === ` + jsString(text) + `).length`
}
