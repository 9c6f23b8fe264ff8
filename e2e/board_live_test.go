package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBoardDistributeLive has anna keep Haarlem-Noord's board open while
// bram adds two tasks for the team and renames one of them: they arrive
// without a reload, and the rename builds only the column it is in again.
// anna then spreads the two tasks over bram and herself ("verdelen"), and
// the board by person shows each with the one who got it.
func TestBoardDistributeLive(t *testing.T) {
	b := newBrowser(t)
	bram := apiAs(t, b.baseURL, "bram@buurtplein.test")
	haarlem := bram.teamId("haarlem-noord")

	anna := b.tab("anna")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	annaId := anna.userId()
	board := `[data-test=board][data-team="haarlem-noord"]`
	anna.goTo("#/team/haarlem-noord/tasks")
	anna.waitVisible("see the board live", board+`[data-state=ready][data-live=true]`)
	anna.do("show the board by status", chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-test=board-view] input[value=status]').click()`))
	anna.waitVisible("see the board by status", board+`[data-view=status] [data-test=board-column][data-status=open]`)
	anna.markNoReload()

	run := time.Now().UnixNano()
	titles := []string{fmt.Sprintf("E2E verdelen een %d", run), fmt.Sprintf("E2E verdelen twee %d", run)}
	ids := make([]string, len(titles))
	for i, title := range titles {
		var task struct{ Id string }
		bram.decode(http.StatusOK, http.MethodPost, "/api/collections/tasks/records", map[string]any{
			"team": haarlem, "title": title, "created_by": bram.userId, "status": "open",
		}, &task)
		ids[i] = task.Id
	}
	open := board + ` [data-test=board-column][data-status=open]`
	for _, title := range titles {
		anna.waitFor("see bram's new task arrive live", taskCard(open, title)+" != null")
	}

	// the column of tasks in progress has nothing to do with a rename of
	// an open task
	inProgress := `document.querySelector('` + board + ` [data-test=board-column][data-status=in_progress]')`
	anna.do("mark the column in progress", chromedp.Evaluate[chromedp.Void](inProgress+`.children[1].dataset.e2eMark = "same"`))
	titles[0] += " (hernoemd)"
	if code, res := bram.do(http.MethodPatch, "/api/collections/tasks/records/"+ids[0], map[string]any{"title": titles[0]}); code != http.StatusOK {
		t.Fatalf("bram renames the task: %d %s", code, res)
	}
	anna.waitFor("see the new name arrive live", taskCard(open, titles[0])+" != null")
	if !eval[bool](anna, "check the other column was left alone", inProgress+`.children[1].dataset.e2eMark === "same"`) {
		t.Error("renaming an open task built the column in progress again")
	}

	// by script: the action bar may cover what is clicked on a small screen
	click := func(what, selector string) {
		anna.do(what, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%s).click()`, jsString(selector))))
	}
	click("start choosing", `[data-test=distribute]`)
	anna.waitVisible("see the members to choose", `[data-test=distribute-panel] [data-test=distribute-member]`)
	for _, id := range ids {
		click("choose a task", fmt.Sprintf(`[data-test=task-card][data-id=%q] [data-test=task-pick]`, id))
	}
	for _, id := range []string{bram.userId, annaId} {
		click("choose a member", fmt.Sprintf(`[data-test=distribute-member][value=%q]`, id))
	}
	anna.waitFor("see both tasks chosen", `document.querySelectorAll('[data-test=task-pick]:checked').length === 2 && !document.querySelector('[data-test=distribute-submit]').disabled`)
	click("spread them", `[data-test=distribute-submit]`)
	anna.waitFor("see the choosing end", `document.querySelector('[data-test=distribute-panel]') == null && document.querySelector('[data-test=distribute]') != null`)
	for _, title := range titles {
		anna.waitFor("see the task given to bram or anna", fmt.Sprintf(`[%q, %q].includes(%s?.dataset.assignee)`, bram.userId, annaId, taskCard(board, title)))
	}

	click("show the board by person", `[data-test=board-view] input[value=person]`)
	anna.waitVisible("see the board by person", board+`[data-view=person] [data-test=board-group]`)
	for _, title := range titles {
		assignee := eval[string](anna, "read who has the task", taskCard(board, title)+".dataset.assignee")
		group := fmt.Sprintf(`%s [data-test=board-group][data-user=%q]`, board, assignee)
		anna.waitFor("see the task with the one who got it", taskCard(group, title)+" != null")
	}
	if !eval[bool](anna, "check the page did not reload", `window.__e2eNoReload === true`) {
		t.Error("anna's page reloaded")
	}
}
