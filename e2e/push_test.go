package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/serviceworker"
	"github.com/chromedp/chromedp"
)

// TestPushSwitch follows notifications on the lock screen in the real
// Chromium: bram switches them on in his profile (with the browser's
// permission granted), which stores the browser's real subscription on
// the server when headless Chromium can reach a push service (it says so
// when it cannot); the service worker words a push in bram's language;
// tapping a notification (#/notifications/<id>) marks it read and opens
// what it is about; signing out takes the subscription and the worker's
// words off the device.
func TestPushSwitch(t *testing.T) {
	b := newBrowser(t)
	bram := b.profileTab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.waitFor("see the service worker control the page", `navigator.serviceWorker.controller?.state === "activated"`)
	token := eval[string](bram, "read bram's token", `JSON.parse(localStorage.getItem("pocketbase_auth")).token`)
	bram.grantNotifications()

	bram.goTo("#/profile")
	state := `document.querySelector("[data-test=push]")?.dataset.state`
	bram.waitFor("see the push switch, off", state+` === "off"`)
	if label := eval[string](bram, "read the switch's label", `document.querySelector("label[for=profile-push]")?.textContent`); label != "Meldingen op het vergrendelscherm" {
		t.Errorf("the switch is labelled %q", label)
	}

	bram.do("switch pushes on", chromedp.Click(chromedp.CSS(`[data-test=push-switch]`)))
	bram.waitFor("see the switch settle", `["on", "error", "denied"].includes(`+state+`)`)
	subscribed := false
	switch got := eval[string](bram, "read the switch", state); got {
	case "denied":
		t.Fatal("the browser denied notifications although the test granted them")
	case "error":
		t.Logf("headless Chromium could not subscribe at a push service (%s: %q): the server row of a real subscription is not checked here (plugins/push tests the server side against a local push service)",
			eval[string](bram, "read the failure", `document.querySelector("[data-test=push]").dataset.error`),
			eval[string](bram, "read the status", `document.querySelector("[data-test=push-status]").textContent`))
	case "on":
		subscribed = true
		bram.checkSubscriptionStored(token)
	}

	// the worker words a push with the words the page left it, in Dutch
	pushed := `{"id":"abcdefghijklmno","kind":"handover_offered","params":{"actor":"Anna de Vries","title":"Wondzorg \"Zijlweg\""},"subject_collection":"tasks","subject":"t00000000000001"}`
	if !bram.deliverPush(pushed) {
		t.Fatal("no push reached the service worker")
	}
	want := `Anna de Vries wil de taak "Wondzorg \"Zijlweg\"" aan je overdragen`
	bram.waitAsync("see the worker show the push, worded", fmt.Sprintf(`navigator.serviceWorker.ready
		.then(r => r.getNotifications({tag: "abcdefghijklmno"}))
		.then(ns => ns.some(n => n.title === "Buurtplein" && n.body === %s))`, jsString(want)))
	bram.deliverPush(`{"id":"zyxwvutsrqponml","kind":"some_new_kind","params":{}}`)
	bram.waitAsync("see a push of a kind the app does not know, worded generically", `navigator.serviceWorker.ready
		.then(r => r.getNotifications({tag: "zyxwvutsrqponml"}))
		.then(ns => ns.some(n => n.body === "Je hebt een nieuwe melding."))`)

	// tapping a notification: anna offers bram a task
	annaToken := apiSignIn(t, b.baseURL, "anna@buurtplein.test")
	title := fmt.Sprintf("Pushtest %d", time.Now().UnixNano())
	bramId := bram.userId()
	taskId := bram.offerTask(annaToken, title, bramId)
	notificationId := findId(t, b.baseURL, token, "notifications", fmt.Sprintf(`kind="handover_offered" && subject=%q`, taskId))
	bram.goTo("#/notifications/" + notificationId)
	bram.waitFor("arrive at the offers waiting for him", `location.hash === "#/tasks"`)
	bram.waitVisible("see the offer", fmt.Sprintf(`[data-test=offer][data-task=%q]`, taskId))
	_, body := api(t, b.baseURL, token, http.MethodGet, "/api/collections/notifications/records/"+notificationId, nil)
	var n struct{ Read bool }
	json.Unmarshal(body, &n)
	if !n.Read {
		t.Error("the tapped notification is not marked read")
	}
	bram.goTo("#/notifications/zzzzzzzzzzzzzzz")
	bram.waitVisible("see that the notification is gone, with a way to the list", `[data-test=push-open][data-state=error] [data-test=push-open-list]`)

	if subscribed {
		bram.goTo("#/profile")
		bram.waitFor("see the switch on", state+` === "on"`)
		bram.do("switch pushes off", chromedp.Click(chromedp.CSS(`[data-test=push-switch]`)))
		bram.waitFor("see the switch off", state+` === "off"`)
		if n := countSubscriptions(t, b.baseURL, bramId); n != 0 {
			t.Errorf("switched off, bram has %d subscriptions on the server", n)
		}
		bram.do("switch pushes on again", chromedp.Click(chromedp.CSS(`[data-test=push-switch]`)))
		bram.waitFor("see the switch on again", state+` === "on"`)
	}

	// signing out takes it all off the device
	bram.goTo("#/profile")
	bram.do("sign out", chromedp.Click(chromedp.CSS(`[data-test=sign-out]`)))
	bram.waitFor("arrive at the sign-in screen", `location.hash === "#/login"`)
	bram.waitAsync("see the worker's words gone", `caches.has("push-texts").then(has => !has)`)
	bram.waitAsync("see the browser's subscription gone", `navigator.serviceWorker.ready.then(r => r.pushManager.getSubscription()).then(s => s === null)`)
	if n := countSubscriptions(t, b.baseURL, bramId); n != 0 {
		t.Errorf("signed out, bram has %d subscriptions on the server", n)
	}
}

// profileTab opens a page in the browser's own profile, not in a
// browser context of its own as [browser.tab] does: Chromium offers no
// Push API in those (they are incognito).
func (b *browser) profileTab(name string) *tab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	p := &tab{b: b, t: b.t, name: name, ctx: ctx}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(viewportWidth, viewportHeight)); err != nil {
		b.t.Fatalf("%s: open a tab: %v", name, err)
	}
	b.t.Cleanup(func() {
		if b.t.Failed() {
			p.saveArtifacts()
		}
	})
	return p
}

// grantNotifications grants the page's origin the permission to show
// notifications, as a person who says yes to the browser's question.
func (p *tab) grantNotifications() {
	p.t.Helper()
	origin := p.b.baseURL
	p.do("grant notifications", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		c := chromedp.FromContext(ctx)
		for _, name := range []string{"notifications", "push"} {
			_, err := cdp.Call(ctx, c.Browser, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
				Permission:       &cdpbrowser.PermissionDescriptor{Name: name, UserVisibleOnly: true},
				Setting:          cdpbrowser.PermissionSettingGranted,
				Origin:           origin,
				BrowserContextID: c.BrowserContextID,
			})
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return nil
	}))
}

// deliverPush hands data to the app's service worker as a push from the
// push service would (DevTools' ServiceWorker.deliverPushMessage). This
// Chromium reports no registrations to ServiceWorker.enable on a page,
// so it tries the ids a fresh profile gives its first registrations; it
// returns false when none took the push.
func (p *tab) deliverPush(data string) bool {
	p.t.Helper()
	origin := p.b.baseURL
	delivered := false
	p.do("deliver a push", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, serviceworker.Enable, cdp.Empty{}); err != nil {
			return err
		}
		for id := range 4 {
			_, err := cdp.Call(ctx, tg, serviceworker.DeliverPushMessage, serviceworker.DeliverPushMessageParams{
				Origin: origin, RegistrationID: serviceworker.RegistrationID(fmt.Sprint(id)), Data: data,
			})
			if err == nil {
				delivered = true
				return nil
			}
			p.t.Logf("%s: push to registration %d: %v", p.name, id, err)
		}
		return nil
	}))
	return delivered
}

// checkSubscriptionStored checks that the server keeps this browser's
// real subscription, with its keys, for the person signed in.
func (p *tab) checkSubscriptionStored(token string) {
	p.t.Helper()
	var sub struct{ Endpoint, P256dh, Auth string }
	raw := eval[string](p, "read the browser's subscription", `navigator.serviceWorker.ready
		.then(r => r.pushManager.getSubscription())
		.then(s => { const j = s.toJSON(); return JSON.stringify({endpoint: j.endpoint, p256dh: j.keys.p256dh, auth: j.keys.auth}); })`, chromedp.EvalAwaitPromise)
	json.Unmarshal([]byte(raw), &sub)
	status, body := api(p.t, p.b.baseURL, token, http.MethodGet,
		"/api/collections/push_subscriptions/records?filter="+url.QueryEscape(fmt.Sprintf("endpoint=%q", sub.Endpoint)), nil)
	var list struct {
		Items []struct{ User, Endpoint, P256dh, Auth, Device string }
	}
	json.Unmarshal(body, &list)
	if status != http.StatusOK || len(list.Items) != 1 {
		p.t.Fatalf("the server keeps %d rows of the browser's endpoint %s: %d %s", len(list.Items), sub.Endpoint, status, body)
	}
	got := list.Items[0]
	if got.User != p.userId() || got.P256dh != sub.P256dh || got.Auth != sub.Auth || got.Device == "" {
		p.t.Errorf("the stored subscription %+v is not the browser's %+v", got, sub)
	}
}

// offerTask makes a task of Haarlem-Noord for the holder of token and
// offers it to the user to; it returns the task's id.
func (p *tab) offerTask(token, title, to string) string {
	p.t.Helper()
	team := findId(p.t, p.b.baseURL, token, "teams", `slug="haarlem-noord"`)
	var me struct{ Record struct{ Id string } }
	_, body := api(p.t, p.b.baseURL, token, http.MethodPost, "/api/collections/users/auth-refresh", nil)
	json.Unmarshal(body, &me)
	status, body := api(p.t, p.b.baseURL, token, http.MethodPost, "/api/collections/tasks/records",
		map[string]any{"team": team, "title": title, "assignee": me.Record.Id, "created_by": me.Record.Id})
	var task struct{ Id string }
	if json.Unmarshal(body, &task); status != http.StatusOK {
		p.t.Fatalf("making a task: %d %s", status, body)
	}
	status, body = api(p.t, p.b.baseURL, token, http.MethodPost, "/api/collections/task_transfers/records",
		map[string]any{"task": task.Id, "from_user": me.Record.Id, "to_user": to})
	if status != http.StatusOK {
		p.t.Fatalf("offering the task: %d %s", status, body)
	}
	return task.Id
}

// apiSignIn signs in with the demo password and returns the token.
func apiSignIn(t *testing.T, baseURL, email string) string {
	t.Helper()
	status, body := api(t, baseURL, "", http.MethodPost, "/api/collections/users/auth-with-password",
		map[string]string{"identity": email, "password": demoPassword})
	var auth struct{ Token string }
	if json.Unmarshal(body, &auth); status != http.StatusOK || auth.Token == "" {
		t.Fatalf("signing in as %s: %d %s", email, status, body)
	}
	return auth.Token
}

// countSubscriptions counts user's push subscriptions on the server, as IT.
func countSubscriptions(t *testing.T, baseURL, user string) int {
	t.Helper()
	status, body := api(t, baseURL, superuserToken(t, baseURL), http.MethodGet,
		"/api/collections/push_subscriptions/records?perPage=1&filter="+url.QueryEscape(fmt.Sprintf("user=%q", user)), nil)
	var list struct{ TotalItems int }
	if json.Unmarshal(body, &list); status != http.StatusOK {
		t.Fatalf("counting push subscriptions: %d %s", status, body)
	}
	return list.TotalItems
}
