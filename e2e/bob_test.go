package e2e

import (
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBOBOrderPoster is the order of an A3 poster from form to production,
// on a phone. Bo (BOB) keeps BOB's order queue open in his own browser
// context. Anna (coordinator of Haarlem-Noord) fills in the order form of
// the demo poster: of a title too long for A3 the live preview says by how
// much, and asking for a proof of it is refused, naming the field; her
// small photo is kept in the draft and both the preview and the proof warn
// of its resolution. With texts that fit, the live preview appears; she
// asks for a proof, sees its preview image load and approves it. Bo's
// queue shows the order approved without a reload, and he moves it to
// production; anna's open order screen then says "in productie", also
// without a reload.
func TestBOBOrderPoster(t *testing.T) {
	b := newBrowser(t)
	title := fmt.Sprintf("Koffie-ochtend %d", time.Now().UnixNano()%1_000_000)

	bo := b.tab("bo")
	bo.signIn("bo@buurtplein.test", "Bo Meijer")
	bo.goTo("#/bob/orders")
	bo.waitVisible("see BOB's order queue live", `[data-test=order-queue][data-state=ready][data-live=true]`)
	bo.markNoReload()

	anna := b.tab("anna")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	anna.goTo("#/bob/catalogue")
	anna.waitVisible("see the catalogue", `[data-test=catalogue][data-state=ready]`)
	anna.pressJS("order the poster", `[data-test=product][data-kind=poster] [data-test=product-order]`)
	anna.waitVisible("see the order form", `[data-test=order-form]`)
	anna.waitFor("see A3 among the formats", `document.querySelector('#of-format option[value="A3"]') != null`)
	anna.do("choose A3", chromedp.Evaluate[chromedp.Void](`(() => {
		const f = document.querySelector('#of-format');
		f.value = 'A3';
		f.dispatchEvent(new Event('change', { bubbles: true }));
	})()`))
	anna.waitFor("see the quantities with their prices", `(document.querySelector('#of-quantity option')?.textContent ?? "").includes("€")`)

	// a title too long for a poster (in capitals, the widest letters): the
	// live preview says which field and by how much, asking for a proof of
	// it is refused (saying the same), and the form keeps it
	anna.appendValue("type a title that does not fit", `#of-title`, strings.TrimSpace(strings.Repeat("WOENSDAG ", 22)))
	anna.waitFor("see the live preview say the title is too long for A3",
		`(o => o && !o.hidden && /^De titel is \d+ tekens te lang voor A3\.$/.test(o.textContent))(document.querySelector('[data-test=overflow][data-field=title]')) && `+
			`document.querySelector('[data-test=order-preview]').dataset.overflow === "true"`)
	anna.pressJS("ask for a proof of it", `[data-test=order-proof]`)
	anna.waitFor("see the title refused as too long for A3",
		`(el => el?.getAttribute("aria-invalid") === "true" && /\d+ tekens korter/.test(el.nextElementSibling?.textContent ?? ""))(document.querySelector('#of-title'))`)
	if !eval[bool](anna, "check she is still on the form, with a draft", `location.hash.startsWith("#/bob/order/") && document.querySelector('[data-test=order-form]').dataset.order !== undefined`) {
		t.Error("a refused proof request left the form, or kept no draft")
	}

	// a photo is kept in the draft at once, so the preview can draw it; at
	// 800 x 600 pixels it is far under 300 dpi on A3, which both the
	// preview and the proof say
	anna.do("choose a photo", chromedp.SetUploadFiles(chromedp.CSS(`#of-photo`), []string{writePhoto(t, 800, 600)}))
	anna.waitFor("see the photo kept in the draft", `document.querySelector('[data-test=order-photo-note]').textContent.startsWith("De foto is bewaard")`)

	anna.do("type the order", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const set = (sel, v) => { const el = document.querySelector(sel); el.value = v; el.dispatchEvent(new Event('input', { bubbles: true })); };
		set('#of-title', %s);
		set('#of-text', "Elke dinsdag om 10 uur in het buurthuis. Loop binnen voor koffie en een praatje met de wijkverpleging.");
		set('#of-contact', "Buurtteam Haarlem-Noord · 023 123 45 67");
	})()`, jsString(title))))
	anna.waitFor("see the live preview, everything fitting",
		`(p => p?.dataset.state === "ready" && p.dataset.overflow === "false")(document.querySelector('[data-test=order-preview]')) && `+
			`document.querySelector('[data-test=preview-image]')?.src.startsWith("data:image/png") && `+
			`document.querySelector('[data-test=overflow][data-field=title]').hidden`)
	anna.waitFor("see the preview warn of the photo's resolution",
		`/\d+ dpi/.test(document.querySelector('[data-test=preview-warning][data-code=photo_low_resolution]')?.textContent ?? "")`)
	anna.checkFits()

	anna.pressJS("ask for a proof", `[data-test=order-proof]`)
	anna.waitFor("arrive at the order's screen", `location.hash.startsWith("#/bob/orders/")`)
	orderId := strings.TrimPrefix(eval[string](anna, "read the order's address", `location.hash`), "#/bob/orders/")
	page := fmt.Sprintf(`[data-test=order-page][data-id=%q]`, orderId)
	anna.waitVisible("see the proof live", page+`[data-state=ready][data-status=proof][data-live=true]`)
	anna.waitFor("see the proof's preview image loaded",
		`(img => img && img.complete && img.naturalWidth > 0)(document.querySelector('[data-test=proof-image]'))`)
	anna.waitFor("see the proof warn of the photo's resolution",
		`/\d+ dpi/.test(document.querySelector('[data-test=proof-warning][data-code=photo_low_resolution]')?.textContent ?? "")`)
	anna.waitFor("see the link to the proof PDF", `(document.querySelector('[data-test=proof-pdf]')?.href ?? "").includes("token=")`)
	if got := eval[string](anna, "read the status", `document.querySelector('[data-test=order-status]').textContent`); got != "proef klaar" {
		t.Errorf("anna's order says %q; want %q", got, "proef klaar")
	}
	anna.checkFits()

	row := fmt.Sprintf(`document.querySelector('[data-test=order-queue] [data-test=order][data-id=%q]')`, orderId)
	bo.waitFor("see the new proof arrive in the queue", row+` != null`)

	anna.markNoReload()
	anna.pressJS("approve the proof", `[data-test=order-approve]`)
	anna.waitFor("see the order approved", `document.querySelector('`+page+`')?.dataset.status === "approved"`)

	bo.waitFor("see the order approved in the queue, live", row+`?.dataset.status === "approved" && `+row+`.querySelector('[data-test=order-status]').textContent === "goedgekeurd"`)
	if !eval[bool](bo, "check the queue did not reload", `window.__e2eNoReload === true`) {
		t.Error("bo's queue reloaded: the approval did not arrive live")
	}
	bo.checkFits()
	bo.do("move the order to production", chromedp.Evaluate[chromedp.Void](row+`.querySelector('[data-test=order-next][data-to=production]').click()`))
	bo.waitFor("see the order in production", row+`?.dataset.status === "production"`)

	anna.waitFor("see \"in productie\" on her order", `document.querySelector('`+page+`')?.dataset.status === "production" && `+
		`document.querySelector('`+page+` [data-test=order-status]').textContent === "in productie"`)
	anna.waitFor("see the step in the history", `document.querySelector('[data-test=order-history] [data-test=order-event][data-to=production]') != null`)
	if !eval[bool](anna, "check her page did not reload", `window.__e2eNoReload === true`) {
		t.Error("anna's order screen reloaded: the move to production did not arrive live")
	}
	var order struct {
		Photo, Proof, Preview string
		PrintFile             string `json:"print_file"`
	}
	apiAs(t, b.baseURL, "anna@buurtplein.test").decode(http.StatusOK, http.MethodGet, "/api/collections/orders/records/"+orderId, nil, &order)
	if order.Photo == "" || order.Proof == "" || order.Preview == "" || order.PrintFile == "" {
		t.Errorf("the order holds photo %q, proof %q, preview %q, print file %q; want all four", order.Photo, order.Proof, order.Preview, order.PrintFile)
	}
	if eval[bool](anna, "look for BOB's buttons", `document.querySelector('[data-test=order-next]') != null`) {
		t.Error("anna sees a button to move the order on; only BOB moves it through production")
	}
}

// TestBOBQuestionDesk has bram (Haarlem-Noord) ask BOB a question while bo
// has BOB's queue open: it appears there without a reload. Bo takes it
// (bram sees who has it, live), writes an internal note, then answers with a saved reply inserted and the status
// set to answered in the same step. Bram's open question shows the answer
// and the new status live, and never the note: not live, not after
// reading the question again, not through the API. Bo then makes a wiki
// page of the answer, which bram's question links to live, and bram closes
// his question.
func TestBOBQuestionDesk(t *testing.T) {
	b := newBrowser(t)
	stamp := time.Now().UnixNano() % 1_000_000
	subject := fmt.Sprintf("Subsidie voor de buurtlunch %d", stamp)
	note := fmt.Sprintf("Alleen voor BOB: eerst navragen bij financiën %d", stamp)
	savedBody := fmt.Sprintf("Dat kan: vraag het aan via het formulier van de gemeente %d.", stamp)

	boAPI := apiAs(t, b.baseURL, "bo@buurtplein.test")
	var saved struct{ Id string }
	boAPI.decode(http.StatusOK, http.MethodPost, "/api/collections/saved_replies/records", map[string]any{
		"title": fmt.Sprintf("Subsidie aanvragen %d", stamp), "body": savedBody, "category": "financien", "created_by": boAPI.userId,
	}, &saved)

	bo := b.tab("bo")
	bo.signIn("bo@buurtplein.test", "Bo Meijer")
	bo.goTo("#/bob/desk")
	bo.waitVisible("see BOB's queue live", `[data-test=bob-desk][data-state=ready][data-live=true]`)
	bo.markNoReload()

	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.goTo("#/bob")
	bram.waitVisible("see his teams' questions", `[data-test=my-questions][data-state=ready]`)
	bram.do("open the ask form", chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-test=ask]').open = true`))
	bram.do("ask the question", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		document.querySelector('#ask-category').value = 'financien';
		document.querySelector('#ask-subject').value = %s;
		document.querySelector('#ask-body').value = "Kunnen we subsidie krijgen voor een lunch met de buurt?";
		document.querySelector('[data-test=ask-submit]').click();
	})()`, jsString(subject))))
	bram.waitFor("arrive at his question", `location.hash.startsWith("#/bob/questions/")`)
	questionId := strings.TrimPrefix(eval[string](bram, "read the question's address", `location.hash`), "#/bob/questions/")
	bramPage := fmt.Sprintf(`[data-test=question-page][data-id=%q]`, questionId)
	bram.waitVisible("see his question live", bramPage+`[data-state=ready][data-status=new][data-live=true]`)
	bram.markNoReload()
	bram.checkFits()

	row := fmt.Sprintf(`document.querySelector('[data-test=bob-desk] [data-test=question][data-id=%q]')`, questionId)
	bo.waitFor("see the question arrive in the queue, live", row+`?.querySelector('[data-test=question-subject]')?.textContent === `+jsString(subject))
	if !eval[bool](bo, "check the queue did not reload", `window.__e2eNoReload === true`) {
		t.Error("bo's queue reloaded: the question did not arrive live")
	}
	bo.checkFits()

	bo.do("open the question", chromedp.Evaluate[chromedp.Void](row+`.querySelector('a').click()`))
	boPage := fmt.Sprintf(`[data-test=question-page][data-id=%q]`, questionId)
	bo.waitVisible("see the question with BOB's controls", boPage+`[data-state=ready][data-live=true] [data-test=question-staff]`)

	bo.pressJS("take the question", boPage+` [data-test=question-assign-me]`)
	bo.waitFor("see it assigned to him", `document.querySelector('`+boPage+` [data-test=question-staff] select[data-test=question-assign]').value === `+jsString(boAPI.userId)+` && `+
		`document.querySelector('`+boPage+` [data-test=question-assignee]').textContent === "Bij Bo Meijer"`)
	bram.waitFor("see who has his question, live", `document.querySelector('`+bramPage+` [data-test=question-assignee]')?.textContent === "Bij Bo Meijer"`)

	bo.do("write an internal note", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const box = document.querySelector('[data-test=reply-internal]');
		box.checked = true;
		box.dispatchEvent(new Event('change', { bubbles: true }));
		document.querySelector('#reply-body').value = %s;
		document.querySelector('[data-test=reply-submit]').click();
	})()`, jsString(note))))
	bo.waitFor("see the note, marked as internal",
		`[...document.querySelectorAll('[data-test=internal-note]')].some(n => n.textContent.includes(`+jsString(note)+`) && n.textContent.includes("Interne notitie — alleen BOB ziet dit"))`)

	bo.waitFor("see the saved reply to pick", fmt.Sprintf(`document.querySelector('[data-test=saved-reply-pick] option[value=%q]') != null`, saved.Id))
	bo.do("insert the saved reply and answer", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const body = document.querySelector('#reply-body');
		body.value = "Hoi Bram, ";
		body.setSelectionRange(body.value.length, body.value.length);
		const pick = document.querySelector('[data-test=saved-reply-pick]');
		pick.value = %q;
		pick.dispatchEvent(new Event('change', { bubbles: true }));
		document.querySelector('[data-test=reply-status]').value = 'answered';
		document.querySelector('[data-test=reply-submit]').click();
	})()`, saved.Id)))
	answer := "Hoi Bram, " + savedBody
	bo.waitFor("see the answer and the status", `document.querySelector('`+boPage+`')?.dataset.status === "answered" && `+
		`[...document.querySelectorAll('[data-test=reply] [data-test=reply-body]')].some(r => r.textContent === `+jsString(answer)+`)`)

	bram.waitFor("see BOB's answer live", `[...document.querySelectorAll('`+bramPage+` [data-test=reply] [data-test=reply-body]')].some(r => r.textContent === `+jsString(answer)+`)`)
	bram.waitFor("see the question answered", `document.querySelector('`+bramPage+`')?.dataset.status === "answered" && `+
		`document.querySelector('`+bramPage+` [data-test=question-status]').textContent === "beantwoord"`)
	if !eval[bool](bram, "check his page did not reload", `window.__e2eNoReload === true`) {
		t.Error("bram's question reloaded: the answer did not arrive live")
	}
	noNote := `document.querySelector('[data-test=internal-note]') == null && !document.body.textContent.includes(` + jsString(note) + `)`
	if !eval[bool](bram, "look for the internal note", noNote) {
		t.Fatal("bram sees BOB's internal note")
	}
	bram.open("/#/bob/questions/" + questionId)
	bram.waitVisible("read the question again", bramPage+`[data-state=ready]`)
	bram.waitFor("see the answer after reading it again", `document.querySelectorAll('`+bramPage+` [data-test=reply]').length === 1`)
	if !eval[bool](bram, "look for the internal note again", noNote) {
		t.Error("bram sees BOB's internal note after reading the question again")
	}
	code, res := apiAs(t, b.baseURL, "bram@buurtplein.test").do(http.MethodGet,
		"/api/collections/question_replies/records?filter="+strings.ReplaceAll(fmt.Sprintf(`question="%s"`, questionId), `"`, "%22"), nil)
	if code != http.StatusOK || strings.Contains(string(res), note) || !strings.Contains(string(res), savedBody) {
		t.Errorf("bram's list of the replies: %d %s; want the answer and not the note", code, res)
	}
	bram.waitVisible("see his question live again", bramPage+`[data-state=ready][data-live=true]`)
	bram.markNoReload()

	// the answer becomes an organisation wiki page in one step; bram's
	// question links to it without a reload
	bo.do("make a wiki page of the answer", chromedp.Evaluate[chromedp.Void](`(() => {
		document.querySelector('[data-test=wiki-make]').open = true;
		document.querySelector('[data-test=wiki-submit]').click();
	})()`))
	bo.waitFor("see the link to the wiki page", `document.querySelector('[data-test=wiki-made] a')?.getAttribute("href")?.startsWith("#/wiki/")`)
	bram.waitFor("see the link to the wiki page, live", `document.querySelector('`+bramPage+` [data-test=question-wiki-link]') != null`)
	page := eval[string](bram, "read the wiki page's address", `document.querySelector('[data-test=question-wiki-link]').getAttribute("href")`)
	if got := eval[string](bo, "read the wiki page's address", `document.querySelector('[data-test=wiki-made] a').getAttribute("href")`); got != page {
		t.Errorf("bo's question links to %s, bram's to %s", got, page)
	}

	// bram closes his question, after saying so once more
	bram.pressJS("close the question", `[data-test=question-close]`)
	bram.pressJS("confirm closing it", `[data-test=question-close-confirm-yes]`)
	bram.waitFor("see the question closed, without a reply form", `document.querySelector('`+bramPage+`')?.dataset.status === "closed" && `+
		`document.querySelector('[data-test=question-closed]') != null && document.querySelector('[data-test=reply-form]').hidden`)
	bo.waitFor("see the question closed, live", `document.querySelector('`+boPage+`')?.dataset.status === "closed"`)
	if !eval[bool](bram, "check his page did not reload", `window.__e2eNoReload === true`) {
		t.Error("bram's question reloaded")
	}
}

// TestBOBCatalogueEditor has bo change a product in the catalogue's
// editor (its description and a new price) while anna has the catalogue
// open: she sees the change without a reload, and the server holds the new
// price in cents.
func TestBOBCatalogueEditor(t *testing.T) {
	b := newBrowser(t)
	stamp := time.Now().UnixNano() % 1_000_000
	description := fmt.Sprintf("Rond, weerbestendig, voor op de fiets %d.", stamp)
	quantity := 1000 + stamp%1000

	anna := b.tab("anna")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	anna.goTo("#/bob/catalogue")
	anna.waitVisible("see the catalogue live", `[data-test=catalogue][data-state=ready][data-live=true] [data-test=product][data-kind=sticker]`)
	anna.markNoReload()
	productId := eval[string](anna, "read the sticker's id", `document.querySelector('[data-test=product][data-kind=sticker]').dataset.id`)

	bo := b.tab("bo")
	bo.signIn("bo@buurtplein.test", "Bo Meijer")
	bo.goTo("#/bob/catalogue")
	editor := fmt.Sprintf(`[data-test=product][data-id=%q] [data-test=product-edit]`, productId)
	bo.waitVisible("see the catalogue with its editor", `[data-test=catalogue][data-state=ready] `+editor)
	bo.do("open the sticker's editor and add a price", chromedp.Evaluate[chromedp.Void](`(() => {
		const editor = document.querySelector(`+jsString(editor)+`);
		editor.open = true;
		editor.querySelector('[data-test=price-add]').click();
	})()`))
	bo.checkPhone("the catalogue's editor")
	bo.do("change the description and the new price, and save", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const editor = document.querySelector(%s);
		editor.querySelector('textarea[name=description]').value = %s;
		const row = [...editor.querySelectorAll('[data-test=price-row]')].at(-1);
		row.querySelector('input[name=quantity]').value = %q;
		row.querySelector('input[name=price]').value = "123,45";
		editor.querySelector('[data-test=product-save]').click();
	})()`, jsString(editor), jsString(description), fmt.Sprint(quantity))))
	bo.waitFor("see the editor fold after saving", `document.querySelector(`+jsString(editor)+`)?.open === false`)

	anna.waitFor("see the new description and price, live", fmt.Sprintf(`(p => p && p.textContent.includes(%s) && p.textContent.replace(/\s/g, " ").includes("%d stuks: € 123,45"))(document.querySelector('[data-test=product][data-id=%q]'))`,
		jsString(description), quantity, productId))
	if !eval[bool](anna, "check the catalogue did not reload", `window.__e2eNoReload === true`) {
		t.Error("anna's catalogue reloaded: the change did not arrive live")
	}
	var product struct {
		Prices []struct {
			Quantity, Price int64
		}
	}
	apiAs(t, b.baseURL, "anna@buurtplein.test").decode(http.StatusOK, http.MethodGet, "/api/collections/products/records/"+productId, nil, &product)
	found := false
	for _, p := range product.Prices {
		found = found || (p.Quantity == quantity && p.Price == 12345)
	}
	if !found {
		t.Errorf("the sticker's prices are %+v; want %d for 12345 cents", product.Prices, quantity)
	}
}

// TestBOBScreensOnAPhone opens every BOB screen on a 360 px phone, as a
// member of a team and as BOB staff: each fits the screen's width and every
// control is a touch target of at least 44 px high. A team member never
// sees the workspace's tabs and gets a clear message at its direct
// address; one in two teams chooses the team to ask and order for; BOB
// staff land in the workspace from "Vraag het BOB".
func TestBOBScreensOnAPhone(t *testing.T) {
	b := newBrowser(t)

	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.pressJS("open BOB from the navigation", `#app-nav a[href="#/bob"]`)
	bram.waitVisible("see his teams' questions", `[data-test=my-questions][data-state=ready]`)
	bram.do("open the ask form", chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-test=ask]').open = true`))
	bram.checkPhone("Vraag het BOB")
	if eval[bool](bram, "look for the workspace's tabs", `document.querySelector('[data-test=bob-tab-desk], [data-test=bob-tab-saved]') != null`) {
		t.Error("a team member sees the tabs of BOB's workspace")
	}
	bram.goTo("#/bob/catalogue")
	bram.waitVisible("see the catalogue", `[data-test=catalogue][data-state=ready] [data-test=product]`)
	if eval[bool](bram, "look for the product editor", `document.querySelector('[data-test=product-edit]') != null`) {
		t.Error("a team member can edit the catalogue")
	}
	bram.checkPhone("the catalogue")
	bram.goTo("#/bob/orders")
	bram.waitVisible("see his teams' orders", `[data-test=my-orders][data-state=ready]`)
	bram.checkPhone("the orders")
	for _, hash := range []string{"#/bob/desk", "#/bob/saved"} {
		bram.goTo(hash)
		bram.waitVisible("see that "+hash+" is BOB's", `[data-test=bob-staff-only]`)
	}

	// dirk works in two teams: he chooses for which he asks and orders
	dirk := b.tab("dirk")
	dirk.signIn("dirk@buurtplein.test", "Dirk Visser")
	dirk.goTo("#/bob")
	dirk.waitVisible("see his teams' questions", `[data-test=my-questions][data-state=ready]`)
	dirk.waitFor("see both his teams to ask for", `document.querySelectorAll('[data-test=ask-form] select[name=team] option').length === 2`)
	dirk.goTo("#/bob/catalogue")
	dirk.pressJS("order a poster", `[data-test=catalogue][data-state=ready] [data-test=product][data-kind=poster] [data-test=product-order]`)
	dirk.waitFor("see both his teams to order for", `document.querySelectorAll('[data-test=order-form] select[name=team] option').length === 2`)
	dirk.checkPhone("the order form")

	bo := b.tab("bo")
	bo.signIn("bo@buurtplein.test", "Bo Meijer")
	bo.goTo("#/bob")
	bo.waitFor("land in the workspace", `location.hash === "#/bob/desk"`)
	bo.waitVisible("see the queue", `[data-test=bob-desk][data-state=ready] [data-test=question]`)
	bo.checkPhone("the queue")
	bo.do("show the ICT questions only", chromedp.Evaluate[chromedp.Void](`(() => {
		const c = document.querySelector('[data-test=desk-category]');
		c.value = 'ict';
		c.dispatchEvent(new Event('change', { bubbles: true }));
	})()`))
	bo.waitFor("see only ICT questions", `(rows => rows.length > 0 && rows.every(r => r.dataset.category === "ict"))([...document.querySelectorAll('[data-test=bob-desk] [data-test=question]')])`)
	bo.do("open the first question", chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-test=bob-desk] [data-test=question] a').click()`))
	bo.waitVisible("see the question with BOB's controls", `[data-test=question-page][data-state=ready] [data-test=question-staff]`)
	bo.do("open the wiki form", chromedp.Evaluate[chromedp.Void](`(d => d && (d.open = true))(document.querySelector('[data-test=wiki-make]'))`))
	bo.checkPhone("a question")
	bo.goTo("#/bob/saved")
	bo.waitVisible("see the saved replies", `[data-test=saved-replies][data-state=ready]`)
	bo.do("open the new saved reply", chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-test=saved-new]').open = true`))
	bo.checkPhone("the saved replies")
	bo.goTo("#/bob/catalogue")
	bo.waitVisible("see the catalogue with its editor", `[data-test=catalogue][data-state=ready] [data-test=product-edit]`)
	bo.do("open a product's editor", chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-test=product-edit]').open = true`))
	bo.checkPhone("the catalogue's editor")
}

// checkPhone fails the test when the screen is wider than the phone or a
// visible control in the main area is less than 44 px high (checkboxes sit
// in a row of that height with their label, which takes the tap too).
func (p *tab) checkPhone(screen string) {
	p.t.Helper()
	p.checkFits()
	small := eval[[]string](p, "measure the controls of "+screen, `[...document.querySelectorAll(
		'#main a, #main button, #main select, #main input, #main textarea, #main summary')]
		.filter(e => e.getClientRects().length > 0 && !['checkbox', 'radio', 'hidden'].includes(e.type))
		.filter(e => e.getBoundingClientRect().height < 44)
		.map(e => e.outerHTML.slice(0, 120))`)
	if len(small) > 0 {
		p.t.Errorf("%s: %s has controls under 44 px high: %v", p.name, screen, small)
	}
}

// writePhoto writes a JPEG photo of w x h pixels (a sky over a street) to
// a temporary file and returns its path.
func writePhoto(t *testing.T, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{R: uint8(90 + 60*y/h), G: uint8(150 + 50*y/h), B: 230, A: 255}
			if y > h*2/3 {
				c = color.RGBA{R: uint8(120 + x%60), G: 100, B: 80, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	path := filepath.Join(t.TempDir(), "buurthuis.jpg")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBOBOrderSendBackAndCancel has anna send a proof back with a remark:
// the order is a draft again with its form, the remark on top and the
// history saying who sent it back. Then she cancels it, after confirming
// in place, and nothing is left to do with it.
func TestBOBOrderSendBackAndCancel(t *testing.T) {
	b := newBrowser(t)
	api := apiAs(t, b.baseURL, "anna@buurtplein.test")
	var products struct{ Items []struct{ Id string } }
	api.decode(http.StatusOK, http.MethodGet, "/api/collections/products/records?filter=kind%3D%22poster%22", nil, &products)
	if len(products.Items) == 0 {
		t.Fatal("the demo catalogue has no poster")
	}
	var order struct{ Id string }
	api.decode(http.StatusOK, http.MethodPost, "/api/collections/orders/records", map[string]any{
		"team": api.teamId("haarlem-noord"), "requested_by": api.userId, "product": products.Items[0].Id,
		"format": "A3", "paper": "silk-170", "quantity": 25, "title": fmt.Sprintf("Terugstuurtest %d", time.Now().UnixNano()%1_000_000),
		"text": "Elke donderdag open.", "contact": "023 123 45 67",
	}, &order)
	api.decode(http.StatusOK, http.MethodPatch, "/api/collections/orders/records/"+order.Id, map[string]any{"status": "proof"}, &order)

	anna := b.tab("anna")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	page := fmt.Sprintf(`[data-test=order-page][data-id=%q]`, order.Id)
	anna.goTo("#/bob/orders/" + order.Id)
	anna.waitVisible("see the proof", page+`[data-state=ready][data-status=proof][data-live=true]`)
	const remark = "Graag de tijd erbij: 9 tot 12 uur."
	anna.do("send the proof back with a remark", chromedp.Evaluate[chromedp.Void](`(() => {
		document.querySelector('[data-test=order-sendback-box]').open = true;
		document.querySelector('[data-test=order-sendback-form] textarea[name=remark]').value = `+jsString(remark)+`;
		document.querySelector('[data-test=order-sendback]').click();
	})()`))
	anna.waitFor("see the order a draft again, with its form and the remark", `document.querySelector('`+page+`')?.dataset.status === "draft" && `+
		`document.querySelector('[data-test=order-form]') != null && (document.querySelector('[data-test=order-remark]')?.textContent ?? "").includes(`+jsString(remark)+`)`)
	anna.waitFor("see the step back in the history", `(e => e?.textContent.includes("Anna de Vries"))(document.querySelector('[data-test=order-history] [data-test=order-event][data-to=draft]'))`)
	anna.checkPhone("a draft sent back")

	anna.pressJS("cancel the order", `[data-test=order-cancel]`)
	anna.pressJS("confirm cancelling it", `[data-test=order-cancel-confirm-yes]`)
	anna.waitFor("see the order cancelled, with nothing left to do", `document.querySelector('`+page+`')?.dataset.status === "cancelled" && `+
		`document.querySelector('`+page+` [data-test=order-status]').textContent === "geannuleerd" && document.querySelector('[data-test=order-actions]') == null && document.querySelector('[data-test=order-form]') == null`)
}
