package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

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
// task's handover fold offers dirk, the shift handover's button says
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
}
