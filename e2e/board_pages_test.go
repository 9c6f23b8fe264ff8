package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBoardPages fills Heemstede's board with more than a page of active
// tasks (100): eva's board shows the first page, and scrolling to its end
// loads the rest, without a click.
func TestBoardPages(t *testing.T) {
	b := newBrowser(t)
	eva := b.tab("eva")
	eva.signIn("eva@buurtplein.test", "Eva Smit")

	// eva's own API calls, with her session; due in a few years, after the
	// demo's task, so that the first page holds that one and the next
	// pages only these
	const want = 105
	run := time.Now().UnixNano()
	for made, tries := 0, 0; made < want; tries++ {
		if tries > 20 {
			t.Fatalf("made %d of %d tasks", made, want)
		}
		made += eval[int](eva, "add tasks to Heemstede's board", fmt.Sprintf(`(async () => {
			const auth = JSON.parse(localStorage.getItem("pocketbase_auth"));
			const teams = await fetch('/api/collections/teams/records?filter=' + encodeURIComponent('slug="heemstede"'), {headers: {Authorization: auth.token}}).then(r => r.json());
			let made = 0;
			for (let i = %d; i < %d; i++) {
				const due = new Date(Date.UTC(2030, 0, 1, 9, i)).toISOString().replace("T", " ");
				const res = await fetch("/api/collections/tasks/records", {method: "POST", headers: {"Content-Type": "application/json", Authorization: auth.token},
					body: JSON.stringify({team: teams.items[0].id, title: "E2E pagina %d " + i, due, created_by: auth.record.id})});
				if (res.status === 429) break; // the create limit: the next round, after a pause
				if (!res.ok) throw new Error(res.status + " " + await res.text());
				made++;
			}
			return made;
		})()`, made, want, run), chromedp.EvalAwaitPromise)
		if made < want {
			time.Sleep(2 * time.Second)
		}
	}

	board := `[data-test=board][data-team="heemstede"]`
	cards := `document.querySelectorAll('` + board + ` [data-test=board-column]:not([data-status=done]) [data-test=task-card]').length`
	eva.goTo("#/team/heemstede/tasks")
	eva.waitVisible("see Heemstede's board", board+`[data-state=ready]`)
	eva.waitFor("see the first page, with more to come", cards+` === 100 && document.querySelector('`+board+`').dataset.more === "true"`)

	// scrolling to the end of the board brings the next page by itself
	eva.do("scroll to the end of the board", chromedp.Evaluate[chromedp.Void](`(() => {
		const main = document.getElementById("main");
		main?.scrollTo(0, main.scrollHeight);
		window.scrollTo(0, document.body.scrollHeight);
	})()`))
	eva.waitFor("see every active task after scrolling", fmt.Sprintf(`%s === %d && document.querySelector('%s').dataset.more === "false"`, cards, want+1, board))
}

// TestTaskHistoryPages gives a task more history than a page (50 lines):
// its screen shows the newest 50 and a button that brings the earlier ones.
func TestTaskHistoryPages(t *testing.T) {
	b := newBrowser(t)
	eva := b.tab("eva")
	eva.signIn("eva@buurtplein.test", "Eva Smit")

	// a task and 55 edits of its title: 56 lines of history
	const edits = 55
	taskId := eval[string](eva, "add a task and edit it", fmt.Sprintf(`(async () => {
		const auth = JSON.parse(localStorage.getItem("pocketbase_auth"));
		const send = async (method, path, body) => {
			const res = await fetch(path, {method, headers: {"Content-Type": "application/json", Authorization: auth.token}, body: JSON.stringify(body)});
			const json = await res.json();
			if (!res.ok) throw new Error(path + ": " + res.status + " " + JSON.stringify(json));
			return json;
		};
		const teams = await fetch('/api/collections/teams/records?filter=' + encodeURIComponent('slug="heemstede"'), {headers: {Authorization: auth.token}}).then(r => r.json());
		const task = await send("POST", "/api/collections/tasks/records", {team: teams.items[0].id, title: "E2E geschiedenis %d", created_by: auth.record.id});
		for (let i = 1; i <= %d; i++) await send("PATCH", "/api/collections/tasks/records/" + task.id, {title: "E2E geschiedenis %d, versie " + i});
		return task.id;
	})()`, time.Now().UnixNano(), edits, time.Now().UnixNano()), chromedp.EvalAwaitPromise)

	lines := `document.querySelectorAll('[data-test=task-history] [data-test=task-event]').length`
	eva.goTo("#/tasks/" + taskId)
	eva.waitVisible("see the task", fmt.Sprintf(`[data-test=task][data-id=%q][data-state=ready]`, taskId))
	eva.waitFor("see the newest 50 lines and a button for more", lines+` === 50 && document.querySelector('[data-test=history-more]') != null`)
	if kind := eval[string](eva, "read the last line shown", `[...document.querySelectorAll('[data-test=task-event]')].at(-1).dataset.kind`); kind != "edited" {
		t.Errorf("the oldest line shown is %q; want an edit (the newest lines first)", kind)
	}
	eva.do("ask for the earlier history", chromedp.Click(chromedp.CSS(`[data-test=history-more]`)))
	eva.waitFor("see all 56 lines, the first one last, and no button", fmt.Sprintf(`%s === %d && document.querySelector('[data-test=history-more]') == null && [...document.querySelectorAll('[data-test=task-event]')].at(-1).dataset.kind === "created"`, lines, edits+1))
}
