package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestScreensDirectoryContact has bram set how colleagues reach him in his
// profile (a phone number the server refuses first, then a good one, and a
// contact address) and anna find him in the directory, where the number is
// a tel: link and the address a mailto: link.
func TestScreensDirectoryContact(t *testing.T) {
	b := newBrowser(t)
	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.goTo("#/profile")
	bram.waitVisible("see the contact fields", `[data-test=profile-contact] input[name=phone]`)

	save := chromedp.Click(chromedp.CSS(`[data-test=profile-form] button[type=submit]`))
	bram.do("save a phone number that is no number",
		chromedp.SetValue(chromedp.CSS(`#profile-phone`), "bel me maar"),
		save,
	)
	bram.waitFor("see the phone field refused", `document.querySelector("#profile-phone")?.getAttribute("aria-invalid") === "true" && `+
		`(document.querySelector("#profile-phone + .field-error")?.textContent ?? "") !== ""`)

	bram.do("save a phone number and an address",
		chromedp.SetValue(chromedp.CSS(`#profile-phone`), "+31 (0)20 123-4567"),
		chromedp.SetValue(chromedp.CSS(`#profile-contact-email`), "bram.werk@buurtplein.nl"),
		save,
	)
	bram.waitFor("see them saved", `document.querySelector("#profile-phone")?.getAttribute("aria-invalid") !== "true" && `+
		`JSON.parse(localStorage.getItem("pocketbase_auth") || "{}").record?.phone === "+31 (0)20 123-4567"`)

	anna := b.tab("anna")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	anna.goTo("#/directory")
	anna.do("look for bram", chromedp.SendKeys(chromedp.CSS(`[data-test=directory-search]`), "Bram"))
	person := `[data-test=person][data-id="` + bram.userId() + `"]`
	anna.waitVisible("see bram's phone", person+` a[data-test=person-phone]`)
	links := eval[map[string]string](anna, "read bram's links", `(() => {
		const p = document.querySelector(`+jsString(person)+`);
		const phone = p.querySelector("[data-test=person-phone]"), mail = p.querySelector("[data-test=person-email]");
		return {tel: phone.getAttribute("href"), telText: phone.textContent, mail: mail?.getAttribute("href") ?? "", mailText: mail?.textContent ?? "", height: String(phone.getBoundingClientRect().height)};
	})()`)
	if links["tel"] != "tel:+31201234567" {
		t.Errorf("the phone link is %q, want tel:+31201234567", links["tel"])
	}
	if links["mail"] != "mailto:bram.werk@buurtplein.nl" {
		t.Errorf("the mail link is %q, want mailto:bram.werk@buurtplein.nl", links["mail"])
	}
	if !containsAll(links["telText"], "+31 (0)20 123-4567") || !containsAll(links["mailText"], "bram.werk@buurtplein.nl") {
		t.Errorf("the links do not show the number and address: %q, %q", links["telText"], links["mailText"])
	}
	var height float64
	if _, err := fmt.Sscan(links["height"], &height); err != nil || height < 44 {
		t.Errorf("the phone link is %s px high, want at least 44 for a thumb", links["height"])
	}

	// eva left her contact address empty: no mail link, her phone only
	eva := `[data-test=person][data-id="` + findId(t, b.baseURL, superuserToken(t, b.baseURL), "users", `email = "eva@buurtplein.test"`) + `"]`
	anna.do("look for eva", chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-test=directory-search]").value = ""`), chromedp.SendKeys(chromedp.CSS(`[data-test=directory-search]`), "Eva"))
	anna.waitVisible("see eva's phone", eva+` a[data-test=person-phone]`)
	if n := eval[int](anna, "count eva's mail links", `document.querySelectorAll(`+jsString(eva+` [data-test=person-email]`)+`).length`); n != 0 {
		t.Errorf("eva has %d mail links, want none (her address is empty)", n)
	}
}

// TestScreensMembers has anna, coordinator of Haarlem-Noord, use the member
// panel: the add field sits above the list and "Team verlaten" below it;
// blocking an account is on a line of its own, apart from the role and
// removal, and asks in the app's own dialog (cancelling blocks nothing);
// she adds carla by her e-mail address and removes her again, confirmed
// in the app's dialog; the browser's confirm() is never called.
func TestScreensMembers(t *testing.T) {
	b := newBrowser(t)
	anna := b.tab("anna")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	it := superuserToken(t, b.baseURL)
	bramId := findId(t, b.baseURL, it, "users", `email = "bram@buurtplein.test"`)
	carlaId := findId(t, b.baseURL, it, "users", `email = "carla@buurtplein.test"`)

	anna.goTo("#/team/haarlem-noord")
	bram := fmt.Sprintf(`document.querySelector('[data-test=member][data-user=%q]')`, bramId)
	anna.waitFor("see bram in the member list", bram+" != null")
	anna.do("unfold the member panel and watch confirm()", chromedp.Evaluate[chromedp.Void](
		`document.querySelector(".members").open = true; window.__confirmCalls = 0; window.confirm = () => { window.__confirmCalls++; return true; }`))

	if !eval[bool](anna, "read the panel's order", `(() => {
		const add = document.querySelector(".members .add-member"), list = document.querySelector("[data-test=members]"), leave = document.querySelector("[data-test=leave-team]");
		const after = (a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
		return Boolean(add && list && leave) && after(add, list) && after(list, leave) &&
			leave.getBoundingClientRect().top - document.querySelector("#add-member-search").getBoundingClientRect().bottom > 100;
	})()`) {
		t.Error(`the add field is not above the member list with "Team verlaten" below it, well apart`)
	}
	if !eval[bool](anna, "see blocking apart", bram+`.querySelector(".member-actions [data-test=block-member]") == null && `+
		bram+`.querySelector(".member-account [data-test=block-member]") != null && `+bram+`.querySelector(".member-actions [data-test=remove-member]") != null`) {
		t.Error("blocking an account is not set apart from the routine actions")
	}

	anna.do("ask to block bram", chromedp.Evaluate[chromedp.Void](bram+`.querySelector("[data-test=block-member]").click()`))
	anna.waitVisible("see the app's own question", `dialog[data-test=block-member-dialog][open]`)
	if text := eval[string](anna, "read the question", `document.querySelector("dialog[data-test=block-member-dialog]").textContent`); !containsAll(text, "Bram Jansen", "uitgelogd") {
		t.Errorf("the question does not say what blocking does to bram: %q", text)
	}
	anna.do("change her mind", chromedp.Click(chromedp.CSS(`[data-test=block-member-dialog-no]`)))
	anna.waitFor("see the dialog gone", `document.querySelector("dialog[data-test=block-member-dialog]") == null`)
	_, body := api(t, b.baseURL, it, http.MethodGet, "/api/collections/users/records/"+bramId, nil)
	var user struct{ Disabled bool }
	if err := json.Unmarshal(body, &user); err != nil || user.Disabled {
		t.Fatalf("bram is blocked after cancelling (or unreadable: %v %s)", err, body)
	}

	anna.do("look for carla by her e-mail address", chromedp.SendKeys(chromedp.CSS(`#add-member-search`), "carla.bakker@buurtplein"))
	anna.clickNow("add carla", `.add-member [data-test=add-member][aria-label*="Carla Bakker"]`)
	carla := fmt.Sprintf(`document.querySelector('[data-test=member][data-user=%q]')`, carlaId)
	anna.waitFor("see carla in the member list", carla+" != null")

	anna.do("ask to remove carla", chromedp.Evaluate[chromedp.Void](carla+`.querySelector("[data-test=remove-member]").click()`))
	anna.waitVisible("see the app's own question", `dialog[data-test=remove-member-dialog][open]`)
	anna.do("confirm it", chromedp.Click(chromedp.CSS(`[data-test=remove-member-dialog-yes]`)))
	anna.waitFor("see carla gone from the list and the dialog closed", carla+` == null && document.querySelector("dialog[data-test=remove-member-dialog]") == null`)
	status, body := api(t, b.baseURL, it, http.MethodGet, "/api/collections/memberships/records?filter="+
		url.QueryEscape(fmt.Sprintf(`user = %q && team.slug = "haarlem-noord"`, carlaId)), nil)
	var list struct{ TotalItems int }
	if err := json.Unmarshal(body, &list); err != nil || status != http.StatusOK || list.TotalItems != 0 {
		t.Errorf("carla is still a member on the server: %d %s", status, body)
	}

	anna.do("ask to leave", chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-test=leave-team]").click()`))
	anna.waitVisible("see the app's own question", `dialog[data-test=leave-team-dialog][open]`)
	anna.do("stay", chromedp.Click(chromedp.CSS(`[data-test=leave-team-dialog-no]`)))
	anna.waitFor("see the dialog gone, still in the team", `document.querySelector("dialog[data-test=leave-team-dialog]") == null && document.querySelector("[data-test=leave-team]") != null`)

	if n := eval[int](anna, "count confirm() calls", `window.__confirmCalls`); n != 0 {
		t.Errorf("the browser's confirm() was called %d times", n)
	}
}

// TestScreensHandoverPickers blocks dirk (member of Haarlem-Noord and
// Schalkwijk) and has anna hand over: neither the shift handover nor a
// task's handover fold nor a client's plan offers dirk, the shift handover's button says
// "Kies eerst een collega" until she picks one, and the fold says so when
// she offers without choosing.
func TestScreensHandoverPickers(t *testing.T) {
	b := newBrowser(t)
	it := superuserToken(t, b.baseURL)
	dirkId := findId(t, b.baseURL, it, "users", `email = "dirk@buurtplein.test"`)
	bramId := findId(t, b.baseURL, it, "users", `email = "bram@buurtplein.test"`)
	taskId := findId(t, b.baseURL, it, "tasks", `title = "Weekoverleg voorbereiden"`)
	if status, body := api(t, b.baseURL, it, http.MethodPost, "/api/buurtplein/users/"+dirkId+"/disable", nil); status != http.StatusNoContent && status != http.StatusOK {
		t.Fatalf("blocking dirk: %d %s", status, body)
	}
	t.Cleanup(func() { unblock(t, b.baseURL, dirkId) })

	anna := b.tab("anna")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	anna.goTo("#/handover")
	options := func(selector string) string {
		return `[...document.querySelectorAll(` + jsString(selector+` option`) + `)].map(o => o.value)`
	}
	anna.waitFor("see bram in the shift handover's picker", options(`#handover-to`)+`.includes(`+jsString(bramId)+`)`)
	if eval[bool](anna, "look for dirk", options(`#handover-to`)+`.includes(`+jsString(dirkId)+`)`) {
		t.Error("the shift handover offers dirk, whose account is blocked")
	}
	submit := `document.querySelector("[data-test=shift-handover] [data-test=handover-submit]")`
	if got := eval[string](anna, "read the button", submit+`.disabled + " " + `+submit+`.textContent`); got != "true Kies eerst een collega" {
		t.Errorf("with no colleague chosen the button is %q, want disabled and \"Kies eerst een collega\"", got)
	}
	anna.do("choose bram", chromedp.Evaluate[chromedp.Void](`(s => { s.value = `+jsString(bramId)+`; s.dispatchEvent(new Event("change")); })(document.querySelector("#handover-to"))`))
	anna.waitFor("see the button say what it offers", `!`+submit+`.textContent.includes("Kies eerst")`)

	anna.goTo("#/tasks/" + taskId)
	form := `[data-test=task-handover] [data-test=handover-form]`
	anna.do("unfold the handover", chromedp.Evaluate[chromedp.Void](`(() => { const d = document.querySelector("[data-test=task-handover]"); if (d) d.open = true; })()`))
	anna.waitFor("see bram in the fold's picker", `(() => { const d = document.querySelector("[data-test=task-handover]"); if (d) d.open = true; return `+options(form+` select[name=to_user]`)+`.includes(`+jsString(bramId)+`); })()`)
	if eval[bool](anna, "look for dirk", options(form+` select[name=to_user]`)+`.includes(`+jsString(dirkId)+`)`) {
		t.Error("the task's handover offers dirk, whose account is blocked")
	}
	anna.do("offer without choosing", chromedp.Click(chromedp.CSS(form+` [data-test=handover-submit]`)))
	anna.waitFor("read that she must choose first", `(document.querySelector(`+jsString(form+` .form-error`)+`)?.textContent ?? "").includes("Kies eerst een collega")`)

	// a client's plan: neither the regisseur nor an action's assignee may be dirk
	anna.goTo("#/regie/case/" + findId(t, b.baseURL, it, "clients", `code = "HN-0003"`))
	view := `[data-test=case-view][data-state=ready]`
	anna.clickNow("open the plan form", view+` details[data-test=plan-edit] > summary`)
	anna.clickNow("add an action", view+` [data-test=plan-add-action]`)
	anna.waitFor("see bram in the plan's pickers", options(`#plan-regisseur`)+`.includes(`+jsString(bramId)+`) && `+options(view+` [data-test=plan-action-row] select[name=assignee]`)+`.includes(`+jsString(bramId)+`)`)
	if eval[bool](anna, "look for dirk", options(`#plan-regisseur`)+`.includes(`+jsString(dirkId)+`) || `+options(view+` [data-test=plan-action-row] select[name=assignee]`)+`.includes(`+jsString(dirkId)+`)`) {
		t.Error("the client's plan offers dirk, whose account is blocked")
	}
}

// TestScreensFeedAndHeader has bram on a phone: the post form is one line,
// "Wat wil je delen?", that unfolds when he uses it; after placing a blog
// post the kind is Update again. The header's switcher lists feeds on a
// feed, boards on a board, and is absent (no "Kies een team") on his tasks.
func TestScreensFeedAndHeader(t *testing.T) {
	b := newBrowser(t)
	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.goTo("#/team/haarlem-noord")
	bram.waitVisible("see the team feed", feedSelector("haarlem-noord")+`[data-state=ready]`)
	compose := feedSelector("haarlem-noord") + ` form[data-test=compose]`
	q := func(sel string) string { return `document.querySelector(` + jsString(compose+sel) + `)` }

	folded := eval[map[string]any](bram, "read the folded form", `({
		title: `+q(` input[name=title]`)+`.offsetParent !== null,
		submit: `+q(` button[type=submit]`)+`.offsetParent !== null,
		height: `+q(``)+`.getBoundingClientRect().height,
		placeholder: `+q(` textarea[name=body]`)+`.placeholder,
	})`)
	if folded["title"] == true || folded["submit"] == true {
		t.Errorf("on a phone the unused form shows its title or button: %v", folded)
	}
	if h, _ := folded["height"].(float64); h > 110 {
		t.Errorf("the folded form is %.0f px high, want one line (at most 110 with its card)", h)
	}
	if folded["placeholder"] != "Wat wil je delen?" {
		t.Errorf("the one line says %q, want \"Wat wil je delen?\"", folded["placeholder"])
	}

	title := fmt.Sprintf("E2E blog %d", time.Now().UnixNano())
	bram.do("start writing", chromedp.Click(chromedp.CSS(compose+" textarea[name=body]")))
	bram.waitVisible("see the form unfold", compose+" input[name=title]")
	bram.do("place a blog post",
		chromedp.SendKeys(chromedp.CSS(compose+" input[name=title]"), title),
		chromedp.SendKeys(chromedp.CSS(compose+" textarea[name=body]"), "Een langer stuk."),
		chromedp.Evaluate[chromedp.Void](q(` input[name=kind][value=blog]`)+`.click()`),
		chromedp.Click(chromedp.CSS(compose+" button[type=submit]")),
	)
	bram.waitFor("see the post", hasPost("haarlem-noord", title))
	bram.waitFor("see the kind back at Update", q(` input[name=kind][value=update]`)+`.checked && !`+q(` input[name=kind][value=blog]`)+`.checked`)

	switcher := `document.querySelector("[data-test=team-switcher]")`
	values := `[...` + switcher + `.options].map(o => o.value)`
	if !eval[bool](bram, "read the feed switcher", values+`.includes("feed") && `+values+`.includes("team/haarlem-noord") && !`+values+`.some(v => v.endsWith("/tasks"))`) {
		t.Errorf("on a team page the switcher mixes boards in or lacks the feeds: %v", eval[[]string](bram, "read", values))
	}
	bram.goTo("#/team/haarlem-noord/tasks")
	bram.waitFor("see the board switcher", switcher+`?.dataset.kind === "boards"`)
	if !eval[bool](bram, "read the board switcher", values+`.every(v => v.endsWith("/tasks")) && `+switcher+`.value === "team/haarlem-noord/tasks"`) {
		t.Errorf("on a board the switcher lists more than boards: %v", eval[[]string](bram, "read", values))
	}
	bram.goTo("#/tasks")
	bram.waitVisible("see his tasks", `[data-test=my-tasks][data-state=ready]`)
	if eval[bool](bram, "look for a switcher", switcher+` != null`) {
		t.Errorf("my tasks have a team switcher in the header (with %q)", eval[string](bram, "read it", switcher+`.textContent`))
	}
}

// TestScreensBoardAndTask has bram on Haarlem-Noord's board and on tasks:
// the summary counts the Open and Bezig columns as they stand; the demo's
// pending offer (his wound care to anna) shows on its card; dirk's task
// says whose it is and offers bram no Start or Klaar; the history of a
// task he made for himself and offered to anna reads without noise.
func TestScreensBoardAndTask(t *testing.T) {
	b := newBrowser(t)
	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	it := superuserToken(t, b.baseURL)
	wound := findId(t, b.baseURL, it, "tasks", `title = "Wondzorg mevrouw K."`)
	dirks := findId(t, b.baseURL, it, "tasks", `title = "Sleutelkastje controleren"`)

	bram.goTo("#/team/haarlem-noord/tasks")
	bram.waitVisible("see the board", `[data-test=board][data-state=ready]`)
	counts := eval[map[string]string](bram, "count the columns and read the summary", `(() => {
		const s = document.querySelector("[data-test=board-summary]");
		const n = st => String(document.querySelectorAll('[data-test=board-column][data-status="' + st + '"] [data-test=task-card]').length);
		return {open: s.dataset.open, busy: s.dataset.busy, openCards: n("open"), busyCards: n("in_progress"), text: s.textContent};
	})()`)
	if counts["open"] != counts["openCards"] || counts["busy"] != counts["busyCards"] {
		t.Errorf("the summary counts %s open and %s in progress, the columns hold %s and %s", counts["open"], counts["busy"], counts["openCards"], counts["busyCards"])
	}
	if !containsAll(counts["text"], counts["openCards"]+" open", counts["busyCards"]+" bezig") {
		t.Errorf("the summary %q does not say the columns' numbers", counts["text"])
	}
	card := `[data-test=task-card][data-id="` + wound + `"]`
	bram.waitVisible("see the offer on the wound care's card", card+` [data-test=task-offered]`)
	if text := eval[string](bram, "read it", `document.querySelector(`+jsString(card+` [data-test=task-offered]`)+`).textContent`); !containsAll(text, "Anna de Vries") {
		t.Errorf("the card's offer says %q, want anna's name", text)
	}

	bram.goTo("#/tasks/" + dirks)
	bram.waitVisible("see dirk's task", `[data-test=task][data-state=ready]`)
	bram.waitVisible("see whose it is", `[data-test=task-actions] [data-test=task-someone-elses]`)
	if text := eval[string](bram, "read it", `document.querySelector("[data-test=task-someone-elses]").textContent`); !containsAll(text, "Dirk Visser") {
		t.Errorf("the note says %q, want dirk's name", text)
	}
	if n := eval[int](bram, "count status buttons", `document.querySelectorAll("[data-test=task-actions] :is([data-test=task-start], [data-test=task-stop], [data-test=task-done])").length`); n != 0 {
		t.Errorf("dirk's task offers bram %d status buttons as if it were his", n)
	}

	// a task of his own, offered to anna: its history in plain words
	bramAPI := apiAs(t, b.baseURL, "bram@buurtplein.test")
	annaId := findId(t, b.baseURL, it, "users", `email = "anna@buurtplein.test"`)
	var task struct{ Id string }
	bramAPI.decode(http.StatusOK, http.MethodPost, "/api/collections/tasks/records", map[string]any{
		"team": bramAPI.teamId("haarlem-noord"), "title": fmt.Sprintf("E2E geschiedenis %d", time.Now().UnixNano()),
		"created_by": bramAPI.userId, "assignee": bramAPI.userId, "status": "open",
	}, &task)
	var offer struct{ Id string }
	bramAPI.decode(http.StatusOK, http.MethodPost, "/api/collections/task_transfers/records", map[string]any{
		"task": task.Id, "from_user": bramAPI.userId, "to_user": annaId, "status": "pending",
	}, &offer)
	bram.goTo("#/tasks/" + task.Id)
	lines := `[...document.querySelectorAll("[data-test=task-history] [data-test=task-event] .history-text")].map(e => e.textContent)`
	bram.waitFor("see the offer in the history", lines+`.some(l => l.includes("Anna de Vries"))`)
	got := eval[[]string](bram, "read the history", lines)
	want := []string{"Bram Jansen bood Anna de Vries de taak aan", "Bram Jansen maakte de taak aan en nam hem zelf"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("the history reads %q, want %q", got, want)
	}
}

// TestScreensStyling measures what the eye sees: on a 360 px phone the
// bottom navigation keeps a margin at both edges and no label runs into
// the next, and a file input's button is styled as the app's; on a
// desktop the sidebar shows a team on one line with its board under it;
// on a tablet a short task has its action bar at the bottom of the screen.
func TestScreensStyling(t *testing.T) {
	b := newBrowser(t)
	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	it := superuserToken(t, b.baseURL)

	bram.goTo("#/profile")
	bram.waitVisible("see the profile", `#profile-avatar`)
	nav := eval[map[string]any](bram, "measure the bottom navigation", `(() => {
		const links = [...document.querySelectorAll(".nav-main .nav-link")].filter(a => a.offsetParent !== null);
		const labels = links.map(a => a.querySelector(".nav-label").getBoundingClientRect());
		const overlap = labels.some((r, i) => i > 0 && r.left < labels[i - 1].right - 0.5);
		// eight tabs do not fit a phone: the bar scrolls sideways, and its
		// margin shows at either end
		const bar = document.querySelector(".app-nav .nav-main");
		bar.scrollLeft = 0;
		const left = links[0].getBoundingClientRect().left;
		bar.scrollLeft = bar.scrollWidth;
		const right = Math.min(innerWidth, bar.getBoundingClientRect().right) - links.at(-1).getBoundingClientRect().right;
		bar.scrollLeft = 0;
		return {left, right, overlap};
	})()`)
	if l, _ := nav["left"].(float64); l < 2 {
		t.Errorf("the first tab starts %.1f px from the phone's edge, want a margin", l)
	}
	if r, _ := nav["right"].(float64); r < 2 {
		t.Errorf("the last tab ends %.1f px from the phone's edge, want a margin", r)
	}
	if nav["overlap"] == true {
		t.Error("tab labels run into each other")
	}
	button := eval[map[string]string](bram, "read the file button's style", `(s => ({radius: s.borderTopLeftRadius, border: s.borderTopColor, height: s.minHeight}))(getComputedStyle(document.querySelector("#profile-avatar"), "::file-selector-button"))`)
	if button["border"] != "rgb(31, 111, 92)" || button["height"] != "44px" {
		t.Errorf("the file input's button is not the app's (border %s, min-height %s)", button["border"], button["height"])
	}

	bram.do("be a desktop", chromedp.EmulateViewport(1440, 900))
	bram.goTo("#/team/haarlem-noord")
	bram.waitVisible("see the sidebar's teams", `.nav-teams .nav-board`)
	side := eval[map[string]float64](bram, "measure the sidebar's team", `(() => {
		const team = document.querySelector(".nav-teams .nav-team:not(.nav-board)").getBoundingClientRect();
		const board = document.querySelector(".nav-teams .nav-board").getBoundingClientRect();
		return {teamHeight: team.height, boardTop: board.top, teamBottom: team.bottom};
	})()`)
	if side["teamHeight"] > 46 || side["boardTop"] < side["teamBottom"]-0.5 {
		t.Errorf("the sidebar's team takes %.0f px (want one line) and its board is not under it: %v", side["teamHeight"], side)
	}

	bram.do("be a tablet", chromedp.EmulateViewport(820, 1180))
	bram.goTo("#/tasks/" + findId(t, b.baseURL, it, "tasks", `title = "Sleutelkastje controleren"`))
	bram.waitVisible("see the task's action bar", `[data-test=task][data-state=ready] [data-test=task-actions]:not(:empty)`)
	gap := eval[float64](bram, "measure the bar's distance to the bottom", `document.querySelector(".app-main").getBoundingClientRect().bottom - document.querySelector("[data-test=task-actions]").getBoundingClientRect().top`)
	if gap > 160 {
		t.Errorf("the action bar starts %.0f px above the bottom of the screen, want it pinned there", gap)
	}
}
