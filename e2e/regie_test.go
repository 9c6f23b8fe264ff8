package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestRegieMoveCaseAndAccessReport is regie's browser test: anna, a
// coordinator of Haarlem-Noord, opens her team's case list on a phone,
// finds the demo's HN-0001 in melding with its deadline badge, opens the
// case and moves it on to gesprek. The badge changes (its state, its words
// and the due moment the server set), in the case view and, without a
// reload, in the list, where the case now sits under gesprek. Then she
// opens the access report of the client and finds her own reads of the
// case listed.
//
// Anna's API client reads only the template (not client data), so every
// read of HN-0001 by anna in the report comes from the browser.
func TestRegieMoveCaseAndAccessReport(t *testing.T) {
	b := newBrowser(t)
	anna := b.tab("anna")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	annaId := anna.userId()
	api := apiAs(t, b.baseURL, "anna@buurtplein.test")
	gesprekDays := deadlineDays(t, api, api.teamId("haarlem-noord"), "gesprek")
	if gesprekDays < 2 {
		t.Fatalf("gesprek has a deadline of %d working days: the badge would not say how many are left", gesprekDays)
	}

	// the Cliënten tab leads to the team's case list
	anna.waitVisible("see the Cliënten tab", `#app-nav a[href="#/regie"]`)
	anna.clickNow("open Cliënten", `#app-nav a[href="#/regie"]`)
	anna.waitFor("arrive at Haarlem-Noord's case list", `location.hash === "#/regie/team/haarlem-noord"`)
	list := `[data-test=case-list][data-team=haarlem-noord][data-state=ready][data-live=true]`
	anna.waitVisible("see the case list, live", list)
	row := `document.querySelector(` + jsString(list+` [data-test=step-group][data-step=melding] [data-test=case][data-code="HN-0001"]`) + `)`
	anna.waitFor("see HN-0001 under melding", row)
	anna.checkFits()
	before := readBadge(anna, row+`.querySelector("[data-test=deadline]")`)
	if before.State == "" || before.Text == "" {
		t.Fatalf("HN-0001's deadline badge in the list says %+v", before)
	}
	clientId := eval[string](anna, "read HN-0001's id", row+`.dataset.id`)
	// the demo's overdue case stands out: red, in words
	overdue := eval[string](anna, "read the overdue badge", `(el => el ? el.className + "|" + el.textContent.trim() : "")(document.querySelector(`+jsString(list+` [data-test=case] [data-test=deadline][data-state=overdue]`)+`))`)
	if !strings.Contains(overdue, "regie-deadline-overdue|") || !regexp.MustCompile(`te laat|termijn verstreken`).MatchString(overdue) {
		t.Errorf("no overdue case stands out in the list: %q", overdue)
	}

	anna.clickNow("open HN-0001", list+` [data-test=case][data-code="HN-0001"] [data-test=case-link]`)
	view := fmt.Sprintf(`[data-test=case-view][data-id=%q]`, clientId)
	anna.waitVisible("see the case in melding, live", view+`[data-state=ready][data-step=melding][data-live=true]`)
	anna.checkFits()
	badge := `document.querySelector(` + jsString(view+` [data-test=case-head] [data-test=deadline]`) + `)`
	if inView := readBadge(anna, badge); inView != before {
		t.Errorf("the case view's badge %+v differs from the list's %+v", inView, before)
	}
	anna.waitFor("see the referral of the melding", `document.querySelector(`+jsString(view+` [data-test=referral]`)+`)`)

	anna.do("move HN-0001 on to gesprek",
		chromedp.Click(chromedp.CSS(view+` [data-test=move-forward][data-to=gesprek]`)),
		chromedp.WaitVisible(chromedp.CSS(view+` [data-test=move-form][data-kind=forward]`)),
		chromedp.Click(chromedp.CSS(view+` [data-test=move-form] [data-test=move-submit]`)),
	)
	anna.waitVisible("see the case in gesprek", view+`[data-state=ready][data-step=gesprek]`)
	anna.waitFor("see the step in the header", badge+` && document.querySelector(`+jsString(view+` [data-test=case-step]`)+`).dataset.step === "gesprek"`)
	anna.waitFor("see the badge change", badge+`.dataset.due !== `+jsString(before.Due))
	after := readBadge(anna, badge)
	if after.Text == before.Text || after.Due == before.Due || after.Due == "" {
		t.Errorf("the deadline badge did not change: before %+v, after %+v", before, after)
	}
	wantText := fmt.Sprintf("nog %d werkdagen", gesprekDays)
	if after.State != "ok" || after.Text != wantText {
		t.Errorf("after the move the badge says %+v, want state ok and %q (gesprek has %d working days)", after, wantText, gesprekDays)
	}
	anna.waitFor("see the move in the timeline",
		`[...document.querySelectorAll(`+jsString(view+` [data-test=case-step-event]`)+`)].some(e => e.dataset.kind === "forward" && e.dataset.from === "melding" && e.dataset.to === "gesprek")`)

	// the list shows the move too, in its new group with the new badge
	anna.clickNow("back to the case list", view+` [data-test=back-to-list]`)
	anna.waitVisible("see the case list", list)
	moved := `document.querySelector(` + jsString(list+` [data-test=step-group][data-step=gesprek] [data-test=case][data-code="HN-0001"]`) + `)`
	anna.waitFor("see HN-0001 under gesprek", moved)
	if inList := readBadge(anna, moved+`.querySelector("[data-test=deadline]")`); inList != after {
		t.Errorf("the list's badge %+v differs from the case view's %+v after the move", inList, after)
	}
	if n := eval[int](anna, "look for HN-0001 under melding", `document.querySelectorAll(`+jsString(list+` [data-test=step-group][data-step=melding] [data-test=case][data-code="HN-0001"]`)+`).length`); n != 0 {
		t.Errorf("HN-0001 is still listed under melding")
	}

	// the access report lists anna's reads of the client
	anna.goTo("#/regie/case/" + clientId)
	anna.waitVisible("see the case again", view+`[data-state=ready]`)
	anna.clickNow("open the access report", view+` [data-test=access-link]`)
	report := fmt.Sprintf(`[data-test=access-report][data-id=%q][data-state=ready]`, clientId)
	anna.waitVisible("see the access report", report)
	anna.checkFits()
	reads := eval[[]string](anna, "read anna's reads in the report", `[...document.querySelectorAll(`+jsString(report+` [data-test=access-entry][data-action=read]`)+`)]
		.filter(e => e.dataset.user === `+jsString(annaId)+`)
		.map(e => e.textContent)`)
	found := false
	for _, text := range reads {
		if containsAll(text, "Anna de Vries", "clients/"+clientId) {
			found = true
		}
	}
	if !found {
		t.Errorf("the access report lists no read of clients/%s by Anna de Vries; her reads: %q", clientId, reads)
	}
	if code := eval[string](anna, "read the report's client", `document.querySelector(`+jsString(report)+`).dataset.code`); code != "HN-0001" {
		t.Errorf("the access report is of %q, want HN-0001", code)
	}
}

// clickNow clicks the element that matches selector as soon as there is
// one, in one step in the page: a live screen that renders a list again
// between finding an element and clicking it cannot make the click miss.
func (p *tab) clickNow(what, selector string) {
	p.t.Helper()
	p.waitFor(what, `(el => el ? (el.click(), true) : false)(document.querySelector(`+jsString(selector)+`))`)
}

// badgeState is what a deadline badge shows.
type badgeState struct {
	State, Text, Due string
}

// readBadge reads the deadline badge that the JavaScript expression el
// finds.
func readBadge(p *tab, el string) badgeState {
	p.t.Helper()
	raw := eval[string](p, "read a deadline badge", `JSON.stringify({State: `+el+`.dataset.state, Text: `+el+`.textContent.trim(), Due: `+el+`.dataset.due ?? ""})`)
	var b badgeState
	if err := json.Unmarshal([]byte(raw), &b); err != nil {
		p.t.Fatalf("%s: a deadline badge: %v", p.name, err)
	}
	return b
}

// deadlineDays returns the deadline in working days of a step of the
// team's template (a template is the team's, not client data).
func deadlineDays(t *testing.T, c *apiClient, team, step string) int {
	t.Helper()
	var list struct {
		Items []struct {
			Steps []struct {
				Key          string
				DeadlineDays int `json:"deadline_days"`
			}
		}
	}
	c.decode(http.StatusOK, http.MethodGet, "/api/collections/process_templates/records?filter="+url.QueryEscape(fmt.Sprintf(`team = %q`, team)), nil, &list)
	if len(list.Items) != 1 {
		t.Fatalf("team %s has %d templates", team, len(list.Items))
	}
	for _, s := range list.Items[0].Steps {
		if s.Key == step {
			return s.DeadlineDays
		}
	}
	t.Fatalf("the template of team %s has no step %s", team, step)
	return 0
}

// containsAll reports whether s contains every one of parts.
func containsAll(s string, parts ...string) bool {
	for _, part := range parts {
		if !strings.Contains(s, part) {
			return false
		}
	}
	return true
}

// TestRegieLiveTemplateAndErase has anna's case list open while bram, a
// colleague in Haarlem-Noord, takes in a new client, moves the case on
// and sends it back: each change shows in her list without a reload,
// although the team's topic carries only ids (the second change of the
// same client too). Then anna, a coordinator, saves a template in which
// no step ends and reads why in words, and erases bram's client after
// typing its code in the app's own dialog.
func TestRegieLiveTemplateAndErase(t *testing.T) {
	b := newBrowser(t)
	anna := b.tab("anna")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	bram := apiAs(t, b.baseURL, "bram@buurtplein.test")
	team := bram.teamId("haarlem-noord")

	anna.goTo("#/regie/team/haarlem-noord")
	list := `[data-test=case-list][data-team=haarlem-noord][data-state=ready][data-live=true]`
	anna.waitVisible("see the case list, live", list)
	inStep := func(step, code string) string {
		return `document.querySelector(` + jsString(list+` [data-test=step-group][data-step=`+step+`] [data-test=case][data-code="`+code+`"]`) + `)`
	}

	var client struct{ Id, Code, Step string }
	bram.decode(http.StatusOK, http.MethodPost, "/api/collections/clients/records",
		map[string]any{"team": team, "initials": "E.T.", "birth_year": 1941, "neighbourhood": "Vondelkwartier"}, &client)
	if client.Step != "melding" {
		t.Fatalf("bram's new client %s is in step %q, want melding", client.Code, client.Step)
	}
	anna.waitFor("see bram's new client under melding", inStep("melding", client.Code))

	var referral struct{ Id string }
	bram.decode(http.StatusOK, http.MethodPost, "/api/collections/referrals/records",
		map[string]any{"client": client.Id, "source": "carer", "reason": "Dochter maakt zich zorgen.", "urgency": "orange", "received": "2026-11-30"}, &referral)
	var step struct{ Id string }
	bram.decode(http.StatusOK, http.MethodPost, "/api/collections/case_steps/records",
		map[string]any{"client": client.Id, "kind": "forward", "to": "gesprek"}, &step)
	anna.waitFor("see the client move to gesprek", inStep("gesprek", client.Code))
	bram.decode(http.StatusOK, http.MethodPost, "/api/collections/case_steps/records",
		map[string]any{"client": client.Id, "kind": "back", "to": "melding", "reason": "Eerst de huisarts spreken."}, &step)
	anna.waitFor("see the client back under melding", inStep("melding", client.Code)+` && !`+inStep("gesprek", client.Code))

	// a template in which no step ends: regie goes on to gesprek, and
	// gesprek to regie
	anna.goTo("#/regie/team/haarlem-noord/template")
	editor := `[data-test=template-editor][data-state=ready]`
	anna.waitVisible("see the template editor", editor)
	anna.do("make regie go on to gesprek", chromedp.Click(chromedp.CSS(editor+` [data-test=template-step][data-key=regie] [data-test=step-next-gesprek]`)))
	anna.do("save the template", chromedp.Click(chromedp.CSS(editor+` [data-test=template-save]`)))
	errorLine := `document.querySelector(` + jsString(editor+` [data-test=template-form] .form-error`) + `)`
	anna.waitFor("see why the template is refused", errorLine+` && !`+errorLine+`.hidden`)
	if code := eval[string](anna, "read the error's code", errorLine+`.dataset.code`); code != "regie_template_no_end" {
		t.Errorf("the template editor shows the code %q, want regie_template_no_end", code)
	}
	if text := eval[string](anna, "read the error", errorLine+`.textContent`); !strings.Contains(text, "kring zonder einde") {
		t.Errorf("the template editor says %q, not the words of regie_template_no_end", text)
	}
	if days := deadlineDays(t, bram, team, "regie"); days != 10 {
		t.Errorf("after a refused save the regie step has %d days, want the default's 10", days)
	}

	// erasure: the code typed in the app's own dialog
	anna.goTo("#/regie/case/" + client.Id)
	view := fmt.Sprintf(`[data-test=case-view][data-id=%q][data-state=ready]`, client.Id)
	anna.waitVisible("see bram's client", view)
	anna.clickNow("ask to erase", view+` [data-test=erase]`)
	dialog := `dialog[data-test=erase-dialog][open]`
	anna.waitVisible("see the erase dialog", dialog)
	anna.do("type a wrong code", chromedp.SendKeys(chromedp.CSS(dialog+` [data-test=erase-dialog-typed]`), "HN-9999"))
	if !eval[bool](anna, "look at the erase button", `document.querySelector(`+jsString(dialog+` [data-test=erase-dialog-yes]`)+`).disabled`) {
		t.Errorf("the erase button works before the client's code is typed")
	}
	anna.do("type the client's code",
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(dialog+` [data-test=erase-dialog-typed]`)+`).value = ""`),
		chromedp.SendKeys(chromedp.CSS(dialog+` [data-test=erase-dialog-typed]`), client.Code),
		chromedp.Click(chromedp.CSS(dialog+` [data-test=erase-dialog-yes]`)),
	)
	anna.waitFor("arrive at the case list", `location.hash === "#/regie/team/haarlem-noord"`)
	anna.waitVisible("see the case list", list)
	if n := eval[int](anna, "look for the erased client", `document.querySelectorAll(`+jsString(list+` [data-test=case][data-code="`+client.Code+`"]`)+`).length`); n != 0 {
		t.Errorf("the erased client %s is still listed", client.Code)
	}
	if code, body := bram.do(http.MethodGet, "/api/collections/clients/records/"+client.Id, nil); code != http.StatusNotFound {
		t.Errorf("the erased client still answers %d: %s", code, body)
	}
}

// TestRegieCaseForms has eva, the coordinator of Heemstede, give her
// team's melding step a required question of its own in the template
// editor, take in a new client through the form, record the referral,
// and try to move the case on without the answer: the server's refusal
// is worded and marked at the question. With the answer the case moves to
// gesprek (the timeline shows the answer), a conversation is recorded, the
// case moves to regie and the plan's agreed action becomes a task.
func TestRegieCaseForms(t *testing.T) {
	b := newBrowser(t)
	eva := b.tab("eva")
	eva.signIn("eva@buurtplein.test", "Eva Smit")

	eva.goTo("#/regie/team/heemstede/template")
	editor := `[data-test=template-editor][data-state=ready]`
	melding := editor + ` [data-test=template-step][data-key=melding]`
	eva.waitVisible("see the template editor", editor)
	eva.clickNow("add a question to melding", melding+` [data-test=field-add]`)
	eva.waitVisible("see the new question", melding+` [data-test=template-field]`)
	eva.do("make it a required choice",
		chromedp.SendKeys(chromedp.CSS(melding+` [data-test=field-label]`), "Ernst"),
		chromedp.Evaluate[chromedp.Void](`(s => { s.value = "choice"; s.dispatchEvent(new Event("change", {bubbles: true})); })(document.querySelector(`+jsString(melding+` [data-test=field-type]`)+`))`),
	)
	eva.waitVisible("see the choices box", melding+` [data-test=field-options]`)
	eva.do("give the choices and make it required",
		chromedp.SendKeys(chromedp.CSS(melding+` [data-test=field-options]`), "laag, hoog"),
		chromedp.Click(chromedp.CSS(melding+` [data-test=template-field] .regie-check input`)),
		chromedp.Click(chromedp.CSS(editor+` [data-test=template-save]`)),
	)
	eva.waitFor("see the template saved", `document.querySelector("#toasts").textContent.includes("De werkwijze is opgeslagen.")`)

	eva.goTo("#/regie/team/heemstede/new")
	eva.waitVisible("see the new-client form", `form[data-test=client-form]`)
	eva.checkPhone("the new-client form")
	eva.do("take in a client",
		chromedp.SendKeys(chromedp.CSS(`form[data-test=client-form] input[name=initials]`), "W.K."),
		chromedp.SendKeys(chromedp.CSS(`form[data-test=client-form] input[name=neighbourhood]`), "Bronsteeweg"),
		chromedp.Click(chromedp.CSS(`[data-test=client-submit]`)),
	)
	eva.waitFor("arrive at the new case", `location.hash.startsWith("#/regie/case/")`)
	view := `[data-test=case-view][data-state=ready]`
	eva.waitVisible("see the case in melding", view+`[data-step=melding]`)
	code := eval[string](eva, "read the client's code", `document.querySelector("[data-test=case-head] [data-test=case-code]").textContent`)
	if !regexp.MustCompile(`^[A-Z]{2}-[0-9]{4,}$`).MatchString(code) {
		t.Errorf("the new client got the code %q, not one the server makes", code)
	}

	eva.clickNow("open the referral form", view+` details[data-test=referral-new] > summary`)
	eva.do("record the referral",
		chromedp.SendKeys(chromedp.CSS(view+` form[data-test=referral-form] textarea[name=reason]`), "Buren zien haar niet meer buiten."),
		chromedp.Click(chromedp.CSS(view+` form[data-test=referral-form] input[name=urgency][value=red] + span`)),
		chromedp.Click(chromedp.CSS(view+` [data-test=referral-submit]`)),
	)
	eva.waitFor("see the referral, red", `document.querySelector(`+jsString(view+` [data-test=referral] [data-test=urgency]`)+`)?.dataset.urgency === "red"`)

	eva.clickNow("move on to gesprek", view+` [data-test=move-forward][data-to=gesprek]`)
	answer := view + ` form[data-test=move-form] [data-test=answer][data-key=veld_1]`
	eva.waitVisible("see the question of melding", answer)
	eva.clickNow("move on without the answer", view+` form[data-test=move-form] [data-test=move-submit]`)
	eva.waitFor("see why the case does not move", `(document.querySelector(`+jsString(view+` form[data-test=move-form] .form-error`)+`)?.textContent ?? "") === 'Vul "Ernst" in voor de zaak verder gaat.'`)
	if invalid := eval[string](eva, "look at the question", `document.querySelector(`+jsString(answer)+`).getAttribute("aria-invalid") ?? ""`); invalid != "true" {
		t.Errorf("the unanswered question is not marked (aria-invalid=%q)", invalid)
	}
	eva.do("answer and move on",
		chromedp.SetValue(chromedp.CSS(answer), "hoog"),
		chromedp.Click(chromedp.CSS(view+` form[data-test=move-form] [data-test=move-submit]`)),
	)
	eva.waitVisible("see the case in gesprek", view+`[data-step=gesprek]`)
	eva.waitFor("see the answer in the timeline", `[...document.querySelectorAll("[data-test=case-step-event][data-kind=forward]")].some(e => e.textContent.includes("Ernst") && e.textContent.includes("hoog"))`)

	eva.clickNow("open the conversation form", view+` details[data-test=conversation-new] > summary`)
	eva.do("record the conversation",
		chromedp.SendKeys(chromedp.CSS(view+` form[data-test=conversation-form] textarea[name=notes]`), "Thuis gesproken, met de buurvrouw erbij."),
		chromedp.Click(chromedp.CSS(view+` [data-test=conversation-submit]`)),
	)
	eva.waitFor("see the conversation", `document.querySelectorAll(`+jsString(view+` [data-test=conversation]`)+`).length === 1`)
	eva.clickNow("move on to regie", view+` [data-test=move-forward][data-to=regie]`)
	eva.clickNow("confirm the move", view+` form[data-test=move-form] [data-test=move-submit]`)
	eva.waitVisible("see the case in regie", view+`[data-step=regie]`)

	eva.clickNow("open the plan form", view+` details[data-test=plan-edit] > summary`)
	eva.clickNow("add an action", view+` [data-test=plan-add-action]`)
	eva.do("make the plan",
		chromedp.SendKeys(chromedp.CSS(view+` form[data-test=plan-form] textarea[name=goals]`), "Weer onder de mensen komen."),
		chromedp.SendKeys(chromedp.CSS(view+` [data-test=plan-action-row] input[name=text]`), "Koffieochtend in de wijk voorstellen"),
		chromedp.Click(chromedp.CSS(view+` [data-test=plan-submit]`)),
	)
	eva.waitFor("see the action as a task", `document.querySelector(`+jsString(view+` [data-test=plan] [data-test=plan-action] a[href^="#/tasks/"]`)+`)?.textContent === "Koffieochtend in de wijk voorstellen"`)
	eva.checkPhone("the case")

	// everything held about the client, as JSON and as PDF: each download
	// is fetched with her token and shows in the access report
	rights := view + ` [data-test=case-rights]`
	for _, format := range []string{"json", "pdf"} {
		button := rights + ` [data-test=export-` + format + `]`
		eva.clickNow("download the "+format, button)
		eva.waitFor("see the "+format+" downloaded", `!document.querySelector(`+jsString(button)+`).disabled && document.querySelector("#announcer").textContent === "Het bestand is gedownload."`)
		eva.do("clear the announcement", chromedp.Evaluate[chromedp.Void](`document.querySelector("#announcer").textContent = ""`))
		if msg := eval[string](eva, "read the rights' error line", `document.querySelector(`+jsString(rights+` .form-error`)+`).textContent`); msg != "" {
			t.Errorf("the %s download failed: %s", format, msg)
		}
	}
	eva.clickNow("open the access report", rights+` [data-test=access-link]`)
	report := `[data-test=access-report][data-state=ready]`
	eva.waitVisible("see the access report", report)
	actions := eval[[]string](eva, "read the report's actions", `[...document.querySelectorAll(`+jsString(report+` [data-test=access-entry]`)+`)].map(e => e.dataset.action)`)
	for _, want := range []string{"create", "read", "export", "print"} {
		if !slices.Contains(actions, want) {
			t.Errorf("the access report has no %q entry: %v", want, actions)
		}
	}
}

// TestRegieOutsiders checks the area from outside a client's team: bo, of
// BOB, has no Cliënten tab and is told the area is the buurtteams'; carla,
// of Schalkwijk, opening a Haarlem-Noord case by its address sees that it
// is not there for her, and nothing of it.
func TestRegieOutsiders(t *testing.T) {
	b := newBrowser(t)
	var list struct {
		Items []struct{ Id, Initials string }
	}
	apiAs(t, b.baseURL, "bram@buurtplein.test").decode(http.StatusOK, http.MethodGet,
		"/api/collections/clients/records?filter="+url.QueryEscape(`code = "HN-0002"`), nil, &list)
	if len(list.Items) != 1 {
		t.Fatalf("bram finds %d clients HN-0002", len(list.Items))
	}
	client := list.Items[0]

	bo := b.tab("bo")
	bo.signIn("bo@buurtplein.test", "Bo Meijer")
	bo.waitVisible("see the navigation", `#app-nav a[href="#/bob"]`)
	if n := eval[int](bo, "look for the Cliënten tab", `document.querySelectorAll('#app-nav a[href="#/regie"]').length`); n != 0 {
		t.Errorf("bo, of BOB, has a Cliënten tab")
	}
	bo.goTo("#/regie")
	bo.waitVisible("be told the area is the buurtteams'", `[data-test=regie-no-team]`)

	carla := b.tab("carla")
	carla.signIn("carla@buurtplein.test", "Carla Bakker")
	carla.goTo("#/regie/case/" + client.Id)
	carla.waitVisible("see that the case is not there", `[data-test=regie-not-found]`)
	if text := eval[string](carla, "read the main area", `document.getElementById("main").textContent`); strings.Contains(text, "HN-0002") || strings.Contains(text, client.Initials) {
		t.Errorf("carla sees something of HN-0002: %q", text)
	}
	carla.goTo("#/regie/team/haarlem-noord")
	carla.waitVisible("see that the team's list is not hers", `[data-test=regie-not-found]`)
}
