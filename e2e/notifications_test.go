package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestNotificationPhishing plays the flood of the red-team probe in a real
// browser: bram offers anna a task whose title is a phishing line with a
// link, and withdraws it. Anna's open notifications page shows the title in
// quotes as plain text (no link to click), and when bram withdraws the
// offer the notification shows as settled, no longer open, by itself, and
// the bell counts it no more.
func TestNotificationPhishing(t *testing.T) {
	b := newBrowser(t)
	anna := b.tab("anna")
	bram := b.tab("bram")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	annaId := anna.userId()

	anna.goTo("#/notifications")
	list := `[data-test=notifications]`
	anna.waitVisible("see her notifications, live", list+`[data-state=ready][data-live=true]`)
	unread := func() int {
		return eval[int](anna, "read her unread count", `Number(document.querySelector("[data-test=unread-count]")?.textContent || 0)`)
	}
	before := unread()

	phish := fmt.Sprintf("DRINGEND: log opnieuw in op http://phish.example/login?%d", time.Now().UnixNano())
	// bram's own API calls, with his session, as any script of his could
	offerId := eval[string](bram, "offer anna a task with a phishing title", fmt.Sprintf(`(async () => {
		const auth = JSON.parse(localStorage.getItem("pocketbase_auth"));
		const send = async (method, path, body) => {
			const res = await fetch(path, {method, headers: {"Content-Type": "application/json", Authorization: auth.token}, body: JSON.stringify(body)});
			const json = await res.json();
			if (!res.ok) throw new Error(path + ": " + res.status + " " + JSON.stringify(json));
			return json;
		};
		const teams = await fetch('/api/collections/teams/records?filter=' + encodeURIComponent('slug="haarlem-noord"'), {headers: {Authorization: auth.token}}).then(r => r.json());
		const task = await send("POST", "/api/collections/tasks/records", {team: teams.items[0].id, title: %s, assignee: auth.record.id, created_by: auth.record.id});
		const offer = await send("POST", "/api/collections/task_transfers/records", {task: task.id, from_user: auth.record.id, to_user: %s});
		return offer.id;
	})()`, jsString(phish), jsString(annaId)), chromedp.EvalAwaitPromise)

	note := fmt.Sprintf(`[...document.querySelectorAll("[data-test=notification]")].find(n => (n.querySelector("[data-test=notification-text]")?.textContent ?? "").includes(%s))`, jsString(phish))
	anna.waitFor("see bram's offer arrive", note+" != null")
	text := eval[string](anna, "read the notification", note+`.querySelector("[data-test=notification-text]").textContent`)
	if want := fmt.Sprintf("Bram Jansen wil de taak %q aan je overdragen", phish); text != want {
		t.Errorf("the notification reads %q, want %q", text, want)
	}
	if n := eval[int](anna, "count elements in the text", note+`.querySelector("[data-test=notification-text]").children.length`); n != 0 {
		t.Errorf("the notification's text holds %d elements, want plain text", n)
	}
	if n := eval[int](anna, "count links out of the app", `document.querySelectorAll('[data-test=notifications] a:not([href^="#/"])').length`); n != 0 {
		t.Errorf("the notifications hold %d links out of the app", n)
	}
	anna.waitFor("see the bell count it", fmt.Sprintf(`Number(document.querySelector("[data-test=unread-count]")?.textContent || 0) === %d`, before+1))

	eval[bool](bram, "withdraw the offer", fmt.Sprintf(`(async () => {
		const auth = JSON.parse(localStorage.getItem("pocketbase_auth"));
		const res = await fetch("/api/collections/task_transfers/records/" + %s, {method: "PATCH", headers: {"Content-Type": "application/json", Authorization: auth.token}, body: JSON.stringify({status: "cancelled"})});
		if (!res.ok) throw new Error("withdraw: " + res.status + " " + await res.text());
		return true;
	})()`, jsString(offerId)), chromedp.EvalAwaitPromise)

	anna.waitFor("see the withdrawn offer's notification settled", note+`?.dataset.settled === "true"`)
	if eval[bool](anna, "look for the new badge", note+`.querySelector(".badge-new") != null`) {
		t.Error("the settled notification is still marked new")
	}
	anna.waitFor("see the bell count down again", fmt.Sprintf(`Number(document.querySelector("[data-test=unread-count]")?.textContent || 0) === %d`, before))
}

// TestNotificationInEnglish checks that a notification is worded in its
// reader's language: bram offers Schalkwijk a task; carla, who reads
// English, sees the offer in English, linked to the offers waiting for
// her, and sees it settled when dirk accepts it for the team.
func TestNotificationInEnglish(t *testing.T) {
	b := newBrowser(t)
	carla := b.tab("carla")
	bram := b.tab("bram")
	dirk := b.tab("dirk")
	carla.signIn("carla@buurtplein.test", "Carla Bakker")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	dirk.signIn("dirk@buurtplein.test", "Dirk Visser")

	// carla chooses English, and back to Dutch when the test ends
	locale := func(p *tab, l string) {
		eval[bool](p, "set the language to "+l, fmt.Sprintf(`(async () => {
			const auth = JSON.parse(localStorage.getItem("pocketbase_auth"));
			const res = await fetch("/api/collections/users/records/" + auth.record.id, {method: "PATCH", headers: {"Content-Type": "application/json", Authorization: auth.token}, body: JSON.stringify({locale: %s})});
			if (!res.ok) throw new Error("locale: " + res.status + " " + await res.text());
			auth.record.locale = %s;
			localStorage.setItem("pocketbase_auth", JSON.stringify(auth));
			return true;
		})()`, jsString(l), jsString(l)), chromedp.EvalAwaitPromise)
	}
	locale(carla, "en")
	defer locale(carla, "nl")
	carla.goTo("#/notifications")
	carla.do("reload in English", chromedp.Reload())
	list := `[data-test=notifications]`
	carla.waitVisible("see her notifications, live", list+`[data-state=ready][data-live=true]`)

	title := fmt.Sprintf("Insuline controleren %d", time.Now().UnixNano())
	offerId := eval[string](bram, "offer Schalkwijk a task", fmt.Sprintf(`(async () => {
		const auth = JSON.parse(localStorage.getItem("pocketbase_auth"));
		const send = async (method, path, body) => {
			const res = await fetch(path, {method, headers: {"Content-Type": "application/json", Authorization: auth.token}, body: JSON.stringify(body)});
			const json = await res.json();
			if (!res.ok) throw new Error(path + ": " + res.status + " " + JSON.stringify(json));
			return json;
		};
		const get = (slug) => fetch('/api/collections/teams/records?filter=' + encodeURIComponent('slug="' + slug + '"'), {headers: {Authorization: auth.token}}).then(r => r.json());
		const haarlem = await get("haarlem-noord");
		const task = await send("POST", "/api/collections/tasks/records", {team: haarlem.items[0].id, title: %s, assignee: auth.record.id, created_by: auth.record.id});
		const schalkwijk = await get("schalkwijk");
		const offer = await send("POST", "/api/collections/task_transfers/records", {task: task.id, from_user: auth.record.id, to_team: schalkwijk.items[0].id});
		return offer.id;
	})()`, jsString(title)), chromedp.EvalAwaitPromise)

	note := fmt.Sprintf(`[...document.querySelectorAll("[data-test=notification]")].find(n => (n.querySelector("[data-test=notification-text]")?.textContent ?? "").includes(%s))`, jsString(title))
	carla.waitFor("see bram's offer arrive", note+" != null")
	text := eval[string](carla, "read the notification", note+`.querySelector("[data-test=notification-text]").textContent`)
	if want := fmt.Sprintf("Bram Jansen wants to hand the task %q over to you", title); text != want {
		t.Errorf("the notification reads %q, want %q", text, want)
	}
	if href := eval[string](carla, "read where it links", note+`.getAttribute("href")`); href != "#/tasks" {
		t.Errorf("the open offer links to %q, want the offers at #/tasks", href)
	}

	eval[bool](dirk, "accept the offer for Schalkwijk", fmt.Sprintf(`(async () => {
		const auth = JSON.parse(localStorage.getItem("pocketbase_auth"));
		const res = await fetch("/api/collections/task_transfers/records/" + %s, {method: "PATCH", headers: {"Content-Type": "application/json", Authorization: auth.token}, body: JSON.stringify({status: "accepted"})});
		if (!res.ok) throw new Error("accept: " + res.status + " " + await res.text());
		return true;
	})()`, jsString(offerId)), chromedp.EvalAwaitPromise)

	carla.waitFor("see the answered offer settled", note+`?.dataset.settled === "true"`)
	if badge := eval[string](carla, "read the settled badge", note+`.querySelector(".badge-settled")?.textContent ?? ""`); badge != "Settled" {
		t.Errorf("the settled badge reads %q, want Settled", badge)
	}
}
