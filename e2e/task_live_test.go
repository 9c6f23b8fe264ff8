package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTaskDetailLive has anna keep a task of Haarlem-Noord open, with its
// edit form open and half a new title typed, while bram works on it
// through the API. His tick in the checklist reaches her checklist without
// a reload and touches only that part: the head is the same element as
// before, and the box she was on keeps her focus. When he then starts the
// task, her screen shows the new status, him as the one who does it and the
// new history line, and her edit form keeps what she typed, saying it is
// out of date.
func TestTaskDetailLive(t *testing.T) {
	b := newBrowser(t)
	bram := apiAs(t, b.baseURL, "bram@buurtplein.test")
	var task struct{ Id string }
	bram.decode(http.StatusOK, http.MethodPost, "/api/collections/tasks/records", map[string]any{
		"team": bram.teamId("haarlem-noord"), "title": fmt.Sprintf("E2E live taak %d", time.Now().UnixNano()),
		"created_by": bram.userId, "status": "open",
		"checklist": []map[string]any{{"text": "Boodschappen", "done": false}, {"text": "Medicijnen", "done": false}},
	}, &task)

	anna := b.tab("anna")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	page := fmt.Sprintf(`[data-test=task][data-id=%q]`, task.Id)
	anna.goTo("#/tasks/" + task.Id)
	anna.waitVisible("see the task live", page+`[data-state=ready][data-live=true]`)
	anna.markNoReload()

	// by script: the action bar may cover the fold on a small screen
	anna.do("open the edit form", chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-test=task-edit]').open = true`))
	const typed = " (concept van anna)"
	anna.do("type in the title", chromedp.SendKeys(chromedp.CSS(`[data-test=task-edit] input[name=title]`), typed))
	anna.do("mark the head and focus the second box", chromedp.Evaluate[chromedp.Void](`(() => {
		document.querySelector('[data-test=task-title]').dataset.e2eMark = "same";
		document.querySelector('[data-test=checklist-item][data-index="1"]').focus();
	})()`))

	box := func(n int) string {
		return fmt.Sprintf(`document.querySelector('[data-test=checklist-item][data-index="%d"]')`, n)
	}
	if code, res := bram.do(http.MethodPatch, "/api/collections/tasks/records/"+task.Id, map[string]any{
		"checklist": []map[string]any{{"text": "Boodschappen", "done": true}, {"text": "Medicijnen", "done": false}},
	}); code != http.StatusOK {
		t.Fatalf("bram ticks the first item: %d %s", code, res)
	}
	anna.waitFor("see bram's tick arrive live", box(0)+`?.checked === true && !`+box(1)+`.checked`)
	if !eval[bool](anna, "check the head was left alone", `document.querySelector('[data-test=task-title]').dataset.e2eMark === "same"`) {
		t.Error("a tick in the checklist built the task's head again")
	}
	if !eval[bool](anna, "check her focus stayed", `document.activeElement === `+box(1)) {
		t.Error("a colleague's tick took the focus off the box anna was on")
	}

	if code, res := bram.do(http.MethodPatch, "/api/collections/tasks/records/"+task.Id, map[string]any{
		"status": "in_progress", "assignee": bram.userId,
	}); code != http.StatusOK {
		t.Fatalf("bram starts the task: %d %s", code, res)
	}
	anna.waitFor("see the task in progress", `document.querySelector('`+page+`')?.dataset.status === "in_progress"`)
	anna.waitFor("see bram as the one who does it",
		`(document.querySelector('[data-test=task-assignee]')?.textContent ?? "").includes("Bram Jansen") && document.querySelector('[data-test=task-take]') == null`)
	anna.waitFor("see the status change in the history", `document.querySelector('[data-test=task-history] [data-test=task-event][data-kind=status_changed]') != null`)
	anna.waitFor("see the stop button", `document.querySelector('[data-test=task-actions] [data-test=task-stop]') != null`)
	if got := eval[string](anna, "read her title input", `document.querySelector('[data-test=task-edit] input[name=title]').value`); len(got) < len(typed) || got[len(got)-len(typed):] != typed {
		t.Errorf("anna's edit form holds %q after bram's changes; want what she typed kept", got)
	}
	if !eval[bool](anna, "see the form is out of date", `document.querySelector('[data-test=task-edit][open] .stale-note') != null`) {
		t.Error("the open edit form does not say it is out of date")
	}
	if !eval[bool](anna, "check the page did not reload", `window.__e2eNoReload === true`) {
		t.Error("anna's page reloaded: the changes did not arrive live")
	}
}

// TestTaskDetailActions walks anna through a task's screen: she takes an
// open task of her team, ticks its checklist, starts it, renames it, offers
// it to Schalkwijk and takes the offer back, and marks it done. Each step
// shows on the screen without a reload, and the history tells all of it.
func TestTaskDetailActions(t *testing.T) {
	b := newBrowser(t)
	api := apiAs(t, b.baseURL, "anna@buurtplein.test")
	var task struct{ Id string }
	api.decode(http.StatusOK, http.MethodPost, "/api/collections/tasks/records", map[string]any{
		"team": api.teamId("haarlem-noord"), "title": fmt.Sprintf("E2E knoppen %d", time.Now().UnixNano()),
		"created_by": api.userId, "status": "open", "checklist": []map[string]any{{"text": "Sleutel ophalen", "done": false}},
	}, &task)
	schalkwijk := api.teamId("schalkwijk")

	anna := b.tab("anna")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	page := fmt.Sprintf(`document.querySelector('[data-test=task][data-id=%q]')`, task.Id)
	anna.goTo("#/tasks/" + task.Id)
	anna.waitVisible("see the task live", fmt.Sprintf(`[data-test=task][data-id=%q][data-state=ready][data-live=true]`, task.Id))
	anna.markNoReload()
	// by script: the action bar may cover what is clicked on a small screen
	click := func(what, selector string) {
		anna.do(what, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%s).click()`, jsString(selector))))
	}

	click("take the task", `[data-test=task-take]`)
	anna.waitFor("see herself as the one who does it",
		`(document.querySelector('[data-test=task-assignee]')?.textContent ?? "").includes("Anna de Vries") && document.querySelector('[data-test=task-take]') == null`)

	click("tick the checklist", `[data-test=checklist-item][data-index="0"]`)
	anna.waitFor("see the item saved", `(b => b?.checked && !b.disabled)(document.querySelector('[data-test=checklist-item][data-index="0"]'))`)

	click("start the task", `[data-test=task-start]`)
	anna.waitFor("see the task in progress", page+`?.dataset.status === "in_progress" && document.querySelector('[data-test=task-stop]') != null`)

	title := fmt.Sprintf("E2E knoppen hernoemd %d", time.Now().UnixNano())
	anna.do("rename the task", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		document.querySelector('[data-test=task-edit]').open = true;
		document.querySelector('[data-test=task-edit] input[name=title]').value = %s;
		document.querySelector('[data-test=task-edit] [data-test=task-save]').click();
	})()`, jsString(title))))
	anna.waitFor("see the new title and the form folded",
		fmt.Sprintf(`document.querySelector('[data-test=task-title]')?.textContent === %s && document.querySelector('[data-test=task-edit]:not([open])') != null`, jsString(title)))

	anna.do("choose another team in the handover form", chromedp.Evaluate[chromedp.Void](`(() => {
		document.querySelector('[data-test=task-handover]').open = true;
		document.querySelector('[data-test=handover-form] input[name=target][value=team]').click();
	})()`))
	toTeam := `[data-test=handover-form] select[name=to_team]`
	anna.waitFor("see Schalkwijk among the teams", fmt.Sprintf(`document.querySelector(%s)?.querySelector('option[value=%q]') != null`, jsString(toTeam), schalkwijk))
	anna.do("offer the task to Schalkwijk", chromedp.SetValue(chromedp.CSS(toTeam), schalkwijk))
	click("send the offer", `[data-test=handover-form] [data-test=handover-submit]`)
	anna.waitFor("see her pending offer instead of the form",
		`document.querySelector('[data-test=pending-offer] [data-test=offer-cancel]') != null && document.querySelector('[data-test=task-handover]') == null`)

	click("take the offer back", `[data-test=pending-offer] [data-test=offer-cancel]`)
	anna.waitFor("see the handover form again", `document.querySelector('[data-test=pending-offer]') == null && document.querySelector('[data-test=task-handover]') != null`)

	click("mark it done", `[data-test=task-done]`)
	anna.waitFor("see the task done", page+`?.dataset.status === "done" && document.querySelector('[data-test=task-reopen]') != null && document.querySelector('[data-test=task-handover]') == null`)

	// the assignment made with the task is told in its "created" line
	// (task-history.js joins the two events of one save)
	for _, kind := range []string{"created", "edited", "status_changed", "handover_offered", "handover_cancelled"} {
		anna.waitFor("see the history tell "+kind, fmt.Sprintf(`document.querySelector('[data-test=task-history] [data-test=task-event][data-kind=%s]') != null`, kind))
	}
	if !eval[bool](anna, "check the page did not reload", `window.__e2eNoReload === true`) {
		t.Error("anna's page reloaded")
	}
}
