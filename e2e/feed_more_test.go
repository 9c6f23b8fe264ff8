package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// onePagePDF is a small, well-formed PDF of one empty page.
const onePagePDF = "%PDF-1.4\n" +
	"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" +
	"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n" +
	"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n" +
	"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"

// TestComposeMentionAndAttachment has anna write to Haarlem-Noord: the
// @-picker offers her colleague bram after "@Br" (a member of the team),
// and choosing him writes "@Bram Jansen" into the text; she attaches a
// PDF. Bram, with the feed open, sees the post arrive with the PDF as a
// download link that works for him, and opens the post on its own screen.
func TestComposeMentionAndAttachment(t *testing.T) {
	b := newBrowser(t)
	anna := b.tab("anna")
	bram := b.tab("bram")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bramId := bram.userId()

	bram.goTo("#/team/haarlem-noord")
	bram.waitVisible("see Haarlem-Noord's feed, live", feedSelector("haarlem-noord")+`[data-state=ready][data-live=true]`)

	anna.goTo("#/team/haarlem-noord")
	anna.waitVisible("see Haarlem-Noord's feed", feedSelector("haarlem-noord")+`[data-state=ready]`)
	compose := feedSelector("haarlem-noord") + ` form[data-test=compose]`
	title := fmt.Sprintf("E2E bijlage %d", time.Now().UnixNano())
	anna.do("start writing and mention a colleague",
		// on a phone the form is one line until it is used
		chromedp.Click(chromedp.CSS(compose+" textarea[name=body]")),
		chromedp.SendKeys(chromedp.CSS(compose+" input[name=title]"), title),
		chromedp.SendKeys(chromedp.CSS(compose+" textarea[name=body]"), "Zie de bijlage, @Br"),
	)
	option := compose + ` [data-test=mention-list] [data-test=mention-option][data-user=` + jsString(bramId) + `]`
	anna.waitVisible("see bram offered", option)
	if active := eval[string](anna, "read the active option", `document.querySelector(`+jsString(compose+" textarea[name=body]")+`).getAttribute("aria-activedescendant") ?? ""`); active == "" {
		t.Error("the textarea names no active option (aria-activedescendant) for screen readers")
	}
	// by keyboard: the arrows move through the list, Tab chooses
	anna.do("choose bram with the keyboard", chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.Tab))
	if body := eval[string](anna, "read the text", `document.querySelector(`+jsString(compose+" textarea[name=body]")+`).value`); body != "Zie de bijlage, @Bram Jansen " {
		t.Errorf("after choosing bram the text reads %q, want %q", body, "Zie de bijlage, @Bram Jansen ")
	}
	anna.waitFor("see the picker close", `document.querySelector(`+jsString(compose+` [data-test=mention-list]`)+`).hidden`)

	pdf := filepath.Join(t.TempDir(), "werkinstructie.pdf")
	if err := os.WriteFile(pdf, []byte(onePagePDF), 0o600); err != nil {
		t.Fatal(err)
	}
	anna.do("attach the PDF and place the post",
		chromedp.SetUploadFiles(chromedp.CSS(compose+" input[name=attachments]"), []string{pdf}),
		chromedp.Click(chromedp.CSS(compose+" button[type=submit]")),
	)
	post := postArticle("haarlem-noord", title)
	link := post + `?.querySelector("a[data-test=post-attachment]")`
	anna.waitFor("see her post with the PDF", link+" != null")
	bram.waitFor("see the post with the PDF arrive", link+" != null")
	if name := eval[string](bram, "read the attachment's name", link+`.querySelector(".attachment-name").textContent`); name != "werkinstructie.pdf" {
		t.Errorf("the attachment is called %q, want werkinstructie.pdf", name)
	}
	got := eval[string](bram, "download the PDF", `fetch(`+link+`.href).then(async r => r.status + " " + r.headers.get("content-type") + " " + (await r.text()).slice(0, 8))`, chromedp.EvalAwaitPromise)
	if want := "200 application/pdf %PDF-1.4"; got != want {
		t.Errorf("downloading the attachment: %q, want %q", got, want)
	}

	// the post on a screen of its own
	postId := eval[string](bram, "read the post's id", post+`.dataset.id`)
	bram.goTo("#/post/" + postId)
	bram.waitVisible("see the post on its own screen", `[data-test=post-page][data-state=ready] article[data-test=post][data-id=`+jsString(postId)+`]`)
	if href := eval[string](bram, "read the way back", `document.querySelector("[data-test=post-back]").getAttribute("href")`); href != "#/team/haarlem-noord" {
		t.Errorf("the way back from the post leads to %q, want its team's feed", href)
	}
}
