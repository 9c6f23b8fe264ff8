package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTaskHandoverLive signs in two colleagues of Haarlem-Noord side by
// side: bram adds a task of his own on the team's board and offers it to
// anna with a note; anna, with her tasks open, sees the offer arrive
// without a reload and accepts it; bram's board, open before she accepted,
// then shows anna as the one who does it, again without a reload, and his
// bell counts the notification that she took it over.
func TestTaskHandoverLive(t *testing.T) {
	b := newBrowser(t)
	bram := b.tab("bram")
	anna := b.tab("anna")

	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	bramId := bram.userId()
	annaId := anna.userId()

	// anna keeps "Mijn taken" open; data-live (pb_public/README.md) says its
	// realtime subscriptions are in place
	anna.goTo("#/tasks")
	anna.waitVisible("see her tasks", `[data-test=my-tasks][data-state=ready][data-live=true]`)
	anna.markNoReload()

	// bram adds a task for himself on Haarlem-Noord's board
	title := fmt.Sprintf("E2E overdracht %d", time.Now().UnixNano())
	const note = "Mevrouw K. verwacht je om 10 uur; sleutel in het kastje."
	board := `[data-test=board][data-team="haarlem-noord"]`
	bram.goTo("#/team/haarlem-noord/tasks")
	bram.waitVisible("see Haarlem-Noord's board", board+`[data-state=ready]`)
	bram.do("open the new task form", chromedp.Click(chromedp.CSS(`[data-test=new-task]`)))
	form := `form[data-test=task-form]`
	bram.waitVisible("see the new task form", form+` input[name=title]`)
	bram.do("add the task",
		chromedp.SendKeys(chromedp.CSS(form+` input[name=title]`), title),
		chromedp.SetValue(chromedp.CSS(form+` select[name=assignee]`), bramId),
		chromedp.Click(chromedp.CSS(`[data-test=task-create]`)),
	)
	bram.waitFor("see the new task on his board", taskCard(board, title)+" != null")
	taskId := eval[string](bram, "read the task's id", taskCard(board, title)+".dataset.id")
	if got := eval[string](bram, "read the assignee", taskCard(board, title)+".dataset.assignee"); got != bramId {
		t.Fatalf("the new task has assignee %q, want bram (%s)", got, bramId)
	}

	// bram offers it to anna, with a note
	bram.goTo("#/tasks/" + taskId)
	bram.waitVisible("see the task", fmt.Sprintf(`[data-test=task][data-id=%q][data-state=ready]`, taskId))
	// on a phone the summary sits above the pinned action bar: the tap
	// opens the fold, it does not start the task
	bram.do("open the handover form", chromedp.Click(chromedp.CSS(`[data-test=task-handover] > summary`)))
	handover := `[data-test=task-handover][open] form[data-test=handover-form]`
	bram.waitVisible("see the handover form", handover+` select[name=to_user]`)
	if got := eval[string](bram, "read the task's status", `document.querySelector("[data-test=task]").dataset.status`); got != "open" {
		t.Fatalf("the task is %q after opening the handover form, want still open", got)
	}
	bram.do("offer the task to anna",
		chromedp.SetValue(chromedp.CSS(handover+` select[name=to_user]`), annaId),
		chromedp.SendKeys(chromedp.CSS(handover+` textarea[name=note]`), note),
		chromedp.Click(chromedp.CSS(handover+` [data-test=handover-submit]`)),
	)
	bram.waitVisible("see his pending offer", `[data-test=pending-offer] [data-test=offer-cancel]`)

	// the offer reaches anna's open page by itself
	offer := fmt.Sprintf(`document.querySelector('[data-test=offers] [data-test=offer][data-task=%q]')`, taskId)
	anna.waitFor("see bram's offer arrive live", offer+" != null")
	if got := eval[string](anna, "read the offer's title", offer+`.querySelector("[data-test=offer-title]").textContent`); got != title {
		t.Errorf("anna's offer shows title %q, want %q", got, title)
	}
	if got := eval[string](anna, "read the offer's note", offer+`.querySelector("[data-test=offer-note]")?.textContent ?? ""`); got != note {
		t.Errorf("anna's offer shows note %q, want %q", got, note)
	}

	// bram goes back to his board before anna answers: until she accepts,
	// the task stays his
	bram.goTo("#/team/haarlem-noord/tasks")
	bram.waitVisible("see the board live", board+`[data-state=ready][data-live=true]`)
	bram.waitFor("see the task still with him", taskCard(board, title)+fmt.Sprintf("?.dataset.assignee === %q", bramId))
	bram.markNoReload()
	unread := eval[int](bram, "read his unread count", `Number(document.querySelector("[data-test=unread-count]")?.textContent || 0)`)

	anna.do("accept the offer", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-test=offer][data-task=%q] [data-test=offer-accept]`, taskId))))
	anna.waitFor("see the offer go", offer+" == null")
	anna.waitFor("see the task among her own", fmt.Sprintf(`document.querySelector('[data-test=my-tasks] [data-test=task-card][data-id=%q]') != null`, taskId))

	// the heart of it: bram's open board follows by itself
	bram.waitFor("see anna as the assignee on his board, without a reload",
		taskCard(board, title)+fmt.Sprintf("?.dataset.assignee === %q", annaId))
	bram.waitFor("see anna's name on the card",
		`(`+taskCard(board, title)+`?.querySelector("[data-test=task-assignee]")?.textContent ?? "").includes("Anna de Vries")`)
	bram.waitFor("see the bell count anna's acceptance",
		fmt.Sprintf(`Number(document.querySelector("[data-test=unread-count]")?.textContent || 0) > %d`, unread))

	for _, p := range []*tab{anna, bram} {
		if !eval[bool](p, "check the page did not reload", `window.__e2eNoReload === true`) {
			t.Errorf("%s: the page reloaded: the change did not arrive live", p.name)
		}
	}
}

// userId returns the id of the signed-in user, from the PocketBase SDK's
// auth store in localStorage.
func (p *tab) userId() string {
	p.t.Helper()
	id := eval[string](p, "read the signed-in user's id", `JSON.parse(localStorage.getItem("pocketbase_auth") || "{}").record?.id ?? ""`)
	if id == "" {
		p.t.Fatalf("%s: no signed-in user in localStorage", p.name)
	}
	return id
}

// markNoReload marks the page; the mark is gone after a reload.
func (p *tab) markNoReload() {
	p.t.Helper()
	p.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.__e2eNoReload = true`))
}

// taskCard is a JavaScript expression for the task card with the title in
// the container matching scope, or undefined.
func taskCard(scope, title string) string {
	return fmt.Sprintf(`[...(document.querySelector(%s)?.querySelectorAll("[data-test=task-card]") ?? [])].find(c => c.querySelector("[data-test=task-title]")?.textContent === %s)`,
		jsString(scope), jsString(title))
}
