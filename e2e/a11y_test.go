package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeTags are the rules axe-core runs: WCAG 2.0 and 2.1, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// a11ySize is a window size the screens are checked at.
type a11ySize struct {
	name          string
	width, height int64
	phone         bool // also check touch targets and 200 % text
}

var a11ySizes = []a11ySize{
	{"phone", 360, 780, true},
	{"desktop", 1440, 900, false},
}

// a11yScreen is one screen to check: its address (with {post}, {task}, …
// filled from the demo's records) and, when the screen marks it, the
// selector that says it has loaded.
type a11yScreen struct {
	hash  string
	ready string
	// dialog, when set, is a button on the screen that opens one of the
	// app's own dialogs: it is checked open too, and closed with Escape
	dialog string
}

// a11yGroup is a set of screens seen by one demo account in one browser.
type a11yGroup struct {
	name, email, person string // person "" = signed out
	screens             []a11yScreen
}

// TestA11y injects axe-core (e2e/testdata/axe) into every screen of the
// route table (js/routes.js), each as someone who can see it (a member, a
// coordinator, BOB staff, or signed out), at a phone's size and a desktop's,
// with every fold-out of the screen opened, and fails on any violation of
// WCAG 2.1 A or AA, naming the screen, the rule and the elements. On the
// phone it also checks that every control in the main area, the header and
// the navigation is a touch target of at least 44 x 44 px, and that with
// the browser's text at 200 % the screen still fits its width and no text
// is cut off; on the desktop it walks the screen with Tab (see
// [tab.checkKeyboard]). A screen with a dialog is checked with it open too.
// The screens are split into groups of about ten, one browser each, to stay
// within a browser's time limit (scenarioTimeout).
func TestA11y(t *testing.T) {
	findChromium(t)
	baseURL := startServer(t)
	ids := demoIds(t, baseURL)
	for _, g := range a11yGroups() {
		for _, size := range a11ySizes {
			t.Run(g.name+"/"+size.name, func(t *testing.T) {
				b := newBrowserAt(t, baseURL)
				p := b.tab(g.name)
				p.do("size the window", chromedp.EmulateViewport(size.width, size.height))
				if g.email != "" {
					p.signIn(g.email, g.person)
				} else {
					p.open("/#/login")
				}
				for _, s := range g.screens {
					p.checkA11y(ids.fill(s.hash), s.ready, size)
					if s.dialog != "" {
						p.checkDialog(ids.fill(s.hash), s.dialog, size)
					}
				}
			})
		}
	}
}

// TestA11yCoversEveryRoute fails when a route of js/routes.js has no
// screen in [a11yGroups], so a new screen cannot go unchecked.
func TestA11yCoversEveryRoute(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "pb_public", "js", "routes.js"))
	if err != nil {
		t.Fatal(err)
	}
	paths := regexp.MustCompile(`path: '([^']*)'`).FindAllStringSubmatch(string(src), -1)
	if len(paths) < 10 {
		t.Fatalf("found %d routes in routes.js", len(paths))
	}
	for _, m := range paths {
		pattern := "^#"
		for _, part := range strings.Split(m[1], "/") {
			switch {
			case strings.HasPrefix(part, ":") && strings.HasSuffix(part, "?"):
				pattern += "(/[^/]*)?"
			case strings.HasPrefix(part, ":"):
				pattern += "/[^/]+"
			default:
				pattern += "/" + regexp.QuoteMeta(part)
			}
		}
		re := regexp.MustCompile(pattern + "$")
		found := false
		for _, g := range a11yGroups() {
			for _, s := range g.screens {
				found = found || re.MatchString(s.hash)
			}
		}
		if !found {
			t.Errorf("the route %q has no screen in TestA11y", m[1])
		}
	}
}

// a11yGroups lists the screens of js/routes.js by who sees them.
func a11yGroups() []a11yGroup {
	return []a11yGroup{
		{name: "signed-out", screens: []a11yScreen{
			{"#/login", "form#login-form", ""},
			{"#/reset-password", "form#reset-request-form", ""},
			{"#/reset-password/not-a-real-token", "form#reset-confirm-form", ""},
		}},
		{name: "member", email: "bram@buurtplein.test", person: "Bram Jansen", screens: []a11yScreen{
			{"#/feed", "[data-test=feed][data-state=ready]", ""},
			{"#/post/{post}", "[data-test=post-page][data-state=ready]", ""},
			{"#/teams", "", ""},
			{"#/team/haarlem-noord", "[data-test=feed][data-state=ready]", ""},
			{"#/directory", "[data-test=person]", ""},
			{"#/profile", "", ""},
			{"#/notifications", "", ""},
			// a notification that is not (or no longer) there
			{"#/notifications/nonotification1", "[data-test=push-open]:not([data-state=loading])", ""},
			{"#/outbox", "[data-test=outbox][data-state=ready]", ""},
			{"#/search", "", ""},
			{"#/search/buurt", "", ""},
		}},
		{name: "member-tasks", email: "bram@buurtplein.test", person: "Bram Jansen", screens: []a11yScreen{
			{"#/tasks", "[data-test=my-tasks][data-state=ready]", ""},
			{"#/handovers", "[data-test=my-tasks][data-state=ready]", ""},
			{"#/tasks/{task}", "[data-test=task][data-state=ready]", "[data-test=task-cancel]"},
			{"#/team/haarlem-noord/tasks", "[data-test=board][data-state=ready]", ""},
			{"#/handover", "", ""},
		}},
		{name: "member-wiki", email: "bram@buurtplein.test", person: "Bram Jansen", screens: []a11yScreen{
			{"#/wiki", "", ""},
			{"#/wiki/{page}", "", ""},
			{"#/wiki/{page}/edit", "form", ""},
			{"#/wiki/{page}/new", "form", ""},
			{"#/wiki/new/haarlem-noord", "form", ""},
			{"#/wiki/{page}/history", "", ""},
			{"#/readers/wiki_pages/{mustread}", "[data-test=readers]:not([data-state=loading])", ""},
		}},
		{name: "member-chat", email: "bram@buurtplein.test", person: "Bram Jansen", screens: []a11yScreen{
			{"#/chat", "[data-test=chat-list][data-state=ready]", ""},
			{"#/chat/new", "", ""},
			{"#/chat/{channel}", "[data-test=chat-room][data-state=ready]", ""},
			{"#/chat/{channel}/members", "[data-test=chat-members]", ""},
		}},
		{name: "member-bob", email: "bram@buurtplein.test", person: "Bram Jansen", screens: []a11yScreen{
			{"#/bob", "[data-test=my-questions][data-state=ready]", ""},
			{"#/bob/questions/{question}", "[data-test=question-page][data-state=ready]", ""},
			{"#/bob/catalogue", "[data-test=catalogue][data-state=ready]", ""},
			{"#/bob/order/{product}", "[data-test=order-form]", ""},
			{"#/bob/orders", "[data-test=my-orders][data-state=ready]", ""},
			{"#/bob/orders/{order}", "[data-test=order-page][data-state=ready]", ""},
			{"#/bob/desk", "[data-test=bob-staff-only]", ""},
			{"#/bob/saved", "[data-test=bob-staff-only]", ""},
		}},
		{name: "coordinator", email: "anna@buurtplein.test", person: "Anna de Vries", screens: []a11yScreen{
			{"#/team/haarlem-noord", "[data-test=feed][data-state=ready]", ""},
			{"#/team/haarlem-noord/tasks", "[data-test=board][data-state=ready]", ""},
			{"#/tasks/{task}", "[data-test=task][data-state=ready]", ""},
			{"#/readers/wiki_pages/{mustread}", "[data-test=readers][data-state=ready]", ""},
		}},
		{name: "coordinator-regie", email: "anna@buurtplein.test", person: "Anna de Vries", screens: []a11yScreen{
			{"#/regie/team/haarlem-noord", "[data-test=case-list][data-state=ready]", ""},
			{"#/regie/team/haarlem-noord/new", "form", ""},
			{"#/regie/team/haarlem-noord/template", "", ""},
			{"#/regie/case/{case}", "[data-test=case-view][data-state=ready]", ""},
			{"#/regie/case/{case}/access", "", ""},
			{"#/regie", "", ""},
		}},
		{name: "bob-staff", email: "bo@buurtplein.test", person: "Bo Meijer", screens: []a11yScreen{
			{"#/bob/desk", "[data-test=bob-desk][data-state=ready]", ""},
			{"#/bob/saved", "[data-test=saved-replies][data-state=ready]", ""},
			{"#/bob/questions/{question}", "[data-test=question-page][data-state=ready]", ""},
			{"#/bob/catalogue", "[data-test=catalogue][data-state=ready]", ""},
			{"#/bob/orders", "", ""},
			{"#/bob/orders/{order}", "[data-test=order-page][data-state=ready]", ""},
		}},
	}
}

// demoRecords holds the ids of demo records the screens show.
type demoRecords map[string]string

// demoIds reads, through the API, one record of each kind a screen's
// address needs: as the account that sees it on that screen.
func demoIds(t *testing.T, baseURL string) demoRecords {
	t.Helper()
	bram := apiAs(t, baseURL, "bram@buurtplein.test")
	anna := apiAs(t, baseURL, "anna@buurtplein.test")
	first := func(c *apiClient, collection, filter string) string {
		t.Helper()
		var list struct{ Items []struct{ Id string } }
		q := url.Values{"perPage": {"1"}, "sort": {"-created"}, "skipTotal": {"1"}}
		if filter != "" {
			q.Set("filter", filter)
		}
		c.decode(http.StatusOK, http.MethodGet, "/api/collections/"+collection+"/records?"+q.Encode(), nil, &list)
		if len(list.Items) == 0 {
			t.Fatalf("the demo has no %s (%s) for the accessibility check", collection, filter)
		}
		return list.Items[0].Id
	}
	return demoRecords{
		"post":     first(bram, "posts", ""),
		"mustread": first(anna, "wiki_pages", "must_read = true"),
		"task":     first(bram, "tasks", `assignee = "`+bram.userId+`"`),
		"page":     first(bram, "wiki_pages", ""),
		"channel":  first(bram, "channels", `kind = "team"`),
		"question": first(bram, "questions", ""),
		"product":  first(bram, "products", ""),
		"order":    first(bram, "orders", ""),
		"case":     first(anna, "clients", `code = "HN-0001"`),
	}
}

// fill puts the ids into a screen's address.
func (d demoRecords) fill(hash string) string {
	for k, v := range d {
		hash = strings.ReplaceAll(hash, "{"+k+"}", v)
	}
	return hash
}

// axeViolation is one rule axe-core found broken, with its elements.
type axeViolation struct {
	Id    string `json:"id"`
	Help  string `json:"help"`
	Nodes []struct {
		Target  []any  `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// checkA11y opens the screen, waits until it has loaded, opens its
// fold-outs and runs the checks of [TestA11y] on it.
func (p *tab) checkA11y(hash, ready string, size a11ySize) {
	p.t.Helper()
	screen := hash + " at " + size.name
	p.goTo(hash)
	p.waitScreen(screen, ready)
	p.do("open the fold-outs of "+screen, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('#main details').forEach(d => { d.open = true })`))
	p.runAxe(screen)
	if size.phone {
		p.checkTargets(screen)
		p.checkLargeText(screen, size.width)
	} else {
		p.checkKeyboard(screen)
	}
}

// checkKeyboard fails the test when something on the screen reacts to a
// pointer but cannot get the keyboard's focus, or when Tab reaches an
// element that shows no focus (no outline, no ring). It walks the page
// with the Tab key from the top, as someone without a mouse does.
func (p *tab) checkKeyboard(screen string) {
	p.t.Helper()
	unreachable := eval[[]string](p, "look for controls only a mouse reaches on "+screen, `[...document.querySelectorAll('#main *, #app-header *, #app-nav *')]
		.filter(e => e.getClientRects().length > 0 && getComputedStyle(e).cursor === 'pointer')
		.filter(e => !e.closest('a[href], button, input, select, textarea, summary, label, [tabindex]'))
		.filter(e => !e.parentElement || getComputedStyle(e.parentElement).cursor !== 'pointer')
		.map(e => e.outerHTML.slice(0, 140))`)
	if len(unreachable) > 0 {
		p.t.Errorf("%s: %s has controls the keyboard cannot reach:\n    %s", p.name, screen, strings.Join(unreachable, "\n    "))
	}

	p.do("start at the top of "+screen, chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur(); document.getElementById('skip-link')?.focus(); document.getElementById('skip-link')?.blur()`))
	p.do("forget an earlier walk", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('[data-a11y-tabbed]').forEach(e => delete e.dataset.a11yTabbed)`))
	var unseen []string
	stops := 0
	for range 60 {
		p.do("press Tab on "+screen, chromedp.KeyEvent(kb.Tab))
		focused := eval[[]string](p, "see the focus on "+screen, `(e => {
			if (!e || e === document.body || e.dataset.a11yTabbed) return ['', ''];
			e.dataset.a11yTabbed = 'true'; // a second visit: Tab has gone round
			// a hidden radio or checkbox shows its focus on its label's box
			const ringed = x => { if (!x) return false; const s = getComputedStyle(x); return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1) || s.boxShadow !== 'none'; };
			const ring = ringed(e) || (e.matches('input') && (ringed(e.nextElementSibling) || ringed(e.closest('label'))));
			const label = e.tagName + (e.id ? '#' + e.id : '') + ' ' + (e.getAttribute('aria-label') || e.textContent || e.name || '').trim().slice(0, 40);
			return [label, ring ? 'ring' : e.outerHTML.slice(0, 140)];
		})(document.activeElement)`)
		if focused[0] == "" {
			break
		}
		stops++
		if focused[1] != "ring" {
			unseen = append(unseen, focused[1])
		}
	}
	if stops < 3 {
		p.t.Errorf("%s: Tab reaches %d elements on %s: the header's, the navigation's and the screen's controls are more", p.name, stops, screen)
	}
	if len(unseen) > 0 {
		p.t.Errorf("%s: %s shows no focus on:\n    %s", p.name, screen, strings.Join(unseen, "\n    "))
	}
}

// checkDialog opens the app's own dialog with the button that matches
// selector, checks it as a screen (axe, targets, text size), and closes it
// with Escape. The browser's confirm() must not be asked.
func (p *tab) checkDialog(hash, selector string, size a11ySize) {
	p.t.Helper()
	screen := hash + " with its dialog at " + size.name
	p.do("open the dialog of "+hash, chromedp.Evaluate[chromedp.Void](`window.confirm = () => { window.a11yConfirmed = true; return false; };
		document.querySelector(`+jsString(selector)+`).click()`))
	p.waitFor("see the app's own dialog on "+hash, `document.querySelector('dialog.app-dialog[open]') != null || window.a11yConfirmed`)
	if eval[bool](p, "ask whether confirm() was used", `window.a11yConfirmed === true`) {
		p.t.Fatalf("%s: %s asks with the browser's confirm(), not the app's own dialog", p.name, hash)
	}
	if !eval[bool](p, "see the focus in the dialog", `document.querySelector('dialog.app-dialog[open]').contains(document.activeElement)`) {
		p.t.Errorf("%s: the focus is not in the dialog on %s", p.name, screen)
	}
	p.runAxe(screen)
	if size.phone {
		p.checkTargets(screen)
		p.checkLargeText(screen, size.width)
	}
	p.do("close the dialog with Escape", chromedp.KeyEvent(kb.Escape))
	p.waitFor("see the dialog closed on "+hash, `document.querySelector('dialog.app-dialog') == null`)
}

// waitScreen waits until the main area shows a screen with nothing
// loading in it, and ready (a selector) when there is one.
func (p *tab) waitScreen(screen, ready string) {
	p.t.Helper()
	cond := `(m => m.childElementCount > 0 && !m.querySelector('[data-state=loading], [aria-busy=true], .state-loading'))(document.getElementById('main'))`
	if ready != "" {
		cond += ` && document.querySelector(` + jsString(ready) + `) != null`
	}
	p.waitFor("see "+screen+" loaded", cond)
}

// runAxe injects axe-core (once per page) and fails the test with every
// violation of axeTags on the page.
func (p *tab) runAxe(screen string) {
	p.t.Helper()
	if !eval[bool](p, "look for axe", `typeof window.axe === 'object'`) {
		src, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
		if err != nil {
			p.t.Fatal(err)
		}
		p.do("inject axe-core", chromedp.Evaluate[chromedp.Void](string(src)))
	}
	tags, _ := json.Marshal(axeTags)
	raw := eval[string](p, "run axe on "+screen,
		`axe.run(document, {runOnly: {type: 'tag', values: `+string(tags)+`}, resultTypes: ['violations']}).then(r => JSON.stringify(r.violations))`,
		chromedp.EvalAwaitPromise)
	var violations []axeViolation
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		p.t.Fatalf("%s: axe's answer: %v", screen, err)
	}
	for _, v := range violations {
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, fmt.Sprintf("    %v %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", " ")))
		}
		p.t.Errorf("%s: %s: %s (%s)\n%s", p.name, screen, v.Id, v.Help, strings.Join(nodes, "\n"))
	}
}

// checkTargets fails the test when a visible control in the main area, the
// header or the navigation is smaller than 44 x 44 px. A checkbox or radio
// button counts with its label when the label holds it or is its
// neighbour, and a link inside a sentence is exempt (WCAG's inline
// exception).
func (p *tab) checkTargets(screen string) {
	p.t.Helper()
	small := eval[[]string](p, "measure the controls of "+screen, `(() => {
		const tap = 44 - 0.5; // sub-pixel rounding
		const box = e => e.getBoundingClientRect();
		const big = r => r.width >= tap && r.height >= tap;
		const inline = e => e.tagName === 'A' && e.closest('p, li, td, blockquote, .markdown') && !e.closest('nav') &&
			[...e.parentElement.childNodes].some(n => n !== e && n.nodeType === 3 && n.textContent.trim() !== '');
		return [...document.querySelectorAll('#main, #app-header, #app-nav, .app-dialog')]
			.flatMap(root => [...root.querySelectorAll('a[href], button, select, input, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])')])
			.filter(e => e.getClientRects().length > 0 && e.type !== 'hidden' && !e.closest('[inert]'))
			.filter(e => {
				if (inline(e)) return false;
				if (big(box(e))) return false;
				if (['checkbox', 'radio'].includes(e.type)) {
					const label = e.closest('label') || (e.id && document.querySelector('label[for="' + e.id + '"]'));
					return !(label && big(box(label)));
				}
				return true;
			})
			.map(e => Math.round(box(e).width) + 'x' + Math.round(box(e).height) + ' ' + e.outerHTML.slice(0, 140));
	})()`)
	if len(small) > 0 {
		p.t.Errorf("%s: %s has targets under 44 x 44 px:\n    %s", p.name, screen, strings.Join(small, "\n    "))
	}
}

// checkLargeText sets the browser's text size to 200 % (32 px instead of
// 16 px, as the setting in a phone's browser does), and fails the test when
// the page then scrolls sideways or a text is cut off by its box; then it
// sets the text size back.
func (p *tab) checkLargeText(screen string, width int64) {
	p.t.Helper()
	fontSize := func(px int64) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.SetFontSizes, page.SetFontSizesParams{FontSizes: &page.FontSizes{Standard: px, Fixed: px * 13 / 16}})
			return err
		})
	}
	p.do("text at 200 % on "+screen, fontSize(32))
	defer p.do("text at 100 % again", fontSize(16))
	p.waitFor("see the text grow on "+screen, `parseFloat(getComputedStyle(document.body).fontSize) >= 31`)
	problems := eval[[]string](p, "measure "+screen+" at 200 %", fmt.Sprintf(`(() => {
		const out = [];
		const root = document.documentElement, main = document.getElementById('main');
		if (root.scrollWidth > %[1]d) out.push('the page is ' + root.scrollWidth + ' px wide');
		if (main.scrollWidth > main.clientWidth + 1) out.push('the main area scrolls sideways: ' + main.scrollWidth + ' px');
		for (const e of document.querySelectorAll('#main *, #app-header *, #app-nav *')) {
			// a form field scrolls its own text, and a code block its lines
			if (!e.getClientRects().length || e.getBoundingClientRect().width <= 1 || e.matches('input, textarea, select') || e.closest('pre, code, .visually-hidden, [aria-hidden=true]')) continue;
			const s = getComputedStyle(e);
			if (!['hidden', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis') continue;
			if (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1 && s.overflowY !== 'auto' && s.overflowY !== 'scroll' && ['hidden', 'clip'].includes(s.overflowY))
				out.push('cut off: ' + e.outerHTML.slice(0, 140));
		}
		// what sticks out past the main area: the innermost such elements
		// say why (the containers around them only follow)
		const r = main.getBoundingClientRect();
		const out_ = e => { const b = e.getBoundingClientRect(); return b.width > 0 && (b.right > r.right + 1 || b.left < r.left - 1); };
		const scrolled = e => { for (let a = e.parentElement; a && a !== main; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return true; return false; };
		const cand = [...main.querySelectorAll('*')].filter(e => out_(e) && !e.closest('.visually-hidden') && !scrolled(e));
		const wide = cand.filter(e => !cand.some(c => c !== e && e.contains(c)));
		for (const e of wide.slice(0, 3)) {
			const b = e.getBoundingClientRect();
			out.push('past the edge (' + Math.round(b.left) + '..' + Math.round(b.right) + '): ' + e.outerHTML.slice(0, 140));
		}
		// a word too long for its box sticks out of it while the box fits
		const words = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
		for (let n, shown = 0; (n = words.nextNode()) && shown < 3;) {
			const range = document.createRange();
			range.selectNodeContents(n);
			const b = range.getBoundingClientRect();
			if (b.width > 0 && b.right > r.right + 1 && !n.parentElement.closest('.visually-hidden') && !scrolled(n))
				{ out.push('text past the edge (..' + Math.round(b.right) + '): "' + n.textContent.trim().slice(0, 40) + '" in ' + n.parentElement.outerHTML.slice(0, 100)); shown++; }
		}
		return out;
	})()`, width))
	if len(problems) > 0 {
		p.t.Errorf("%s: %s at 200 %% text:\n    %s", p.name, screen, strings.Join(problems, "\n    "))
	}
}
