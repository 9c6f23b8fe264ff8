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
// quotes as plain text (no link to click), and the notification goes away
// by itself when bram withdraws the offer, with the bell's count.
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

	anna.waitFor("see the withdrawn offer's notification go", note+" == null")
	anna.waitFor("see the bell count down again", fmt.Sprintf(`Number(document.querySelector("[data-test=unread-count]")?.textContent || 0) === %d`, before))
}
