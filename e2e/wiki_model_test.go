package e2e

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// wikiModelPage loads the wiki's model and diff view as the PWA has them,
// without the server: they only build and read DOM.
const wikiModelPage = `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>wiki</title></head><body><main id="main"></main>
<script type="module">
import * as model from './js/features/wiki/model.js';
import { diffView } from './js/features/wiki/diff-view.js';
import { renderMarkdown } from './js/markdown.js';
import { searchResults, resultHash } from './js/features/search/search-results.js';
window.model = model;
window.searchResults = searchResults;
window.resultHash = resultHash;
window.diffView = diffView;
window.renderMarkdown = renderMarkdown;
window.ready = true;
</script></body></html>`

// openWikiModelPage serves pb_public beside that page and opens it in
// Chromium.
func openWikiModelPage(t *testing.T) context.Context {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir("../pb_public")))
	mux.HandleFunc("/wiki-model.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, wikiModelPage)
	})
	return openTestPage(t, mux, "/wiki-model.html", "the wiki's model")
}

// evalIn evaluates a JavaScript expression in ctx and decodes its value.
func evalIn[T any](t *testing.T, ctx context.Context, what, expr string) T {
	t.Helper()
	step, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(step, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// TestWikiModel checks what the wiki's screens build on, in the browser:
// slugs from titles, the [[slug]] links of a body (a page the reader may
// not read stays its plain slug, never its title; code and a title with
// markup stay text), the tree by parent (every page once, loops
// included) and the diff view (a sign on every changed line, words in
// ins and del, long unchanged runs folded).
func TestWikiModel(t *testing.T) {
	ctx := openWikiModelPage(t)

	for title, want := range map[string]string{
		"Wondzorg bij cliënten!":     "wondzorg-bij-clienten",
		"  --Überweg  & co--":        "uberweg-co",
		"Protocol: ‘Valpreventie’ 2": "protocol-valpreventie-2",
	} {
		if got := evalIn[string](t, ctx, "slugify", fmt.Sprintf("model.slugify(%s)", jsString(title))); got != want {
			t.Errorf("slugify(%q) = %q, want %q", title, got, want)
		}
	}
	if ok := evalIn[bool](t, ctx, "a long slug", `(s => s.length <= 80 && model.isSlug(s))(model.slugify("woord ".repeat(40)))`); !ok {
		t.Error("the slug of a long title is longer than 80 or not a slug")
	}

	slugs := evalIn[[]string](t, ctx, "linkedSlugs", `model.linkedSlugs("[[a]] [[A]] [[b-c]] [[x y]] [[a]] `+"`[[d]]`"+` [[-e]] [[f--g]]")`)
	if fmt.Sprint(slugs) != "[a b-c d]" {
		t.Errorf("linkedSlugs = %v, want [a b-c d]", slugs)
	}

	type linked struct {
		Links   []string // "slug|href|text"
		Plain   []string // "slug|text"
		Text    string
		Code    string
		Markup  int
		Escaped bool
	}
	got := evalIn[linked](t, ctx, "linkWikiText", `(() => {
		const el = document.createElement('div');
		el.append(renderMarkdown("Zie [[a]], [[geheim]] en `+"`[[a]]`"+` en [link](https://e.nl/[[a]]) en [[kop]].\n\n# [[a]]"));
		model.linkWikiText(el, new Map([
			['a', { id: 'p1', title: 'Titel A' }],
			['kop', { id: 'p2', title: '<img src=x onerror="window.__wikiXss=1">' }],
		]));
		return {
			links: [...el.querySelectorAll('a.wiki-link')].map(a => a.dataset.slug + '|' + a.getAttribute('href') + '|' + a.textContent),
			plain: [...el.querySelectorAll('.wiki-link-missing')].map(s => s.dataset.slug + '|' + s.textContent),
			text: el.textContent,
			code: el.querySelector('code')?.textContent ?? '',
			markup: el.querySelectorAll('img').length,
			escaped: window.__wikiXss === undefined,
		};
	})()`)
	if want := "[a|#/wiki/p1|Titel A kop|#/wiki/p2|<img src=x onerror=\"window.__wikiXss=1\"> a|#/wiki/p1|Titel A]"; fmt.Sprint(got.Links) != want {
		t.Errorf("links %v, want %s", got.Links, want)
	}
	if fmt.Sprint(got.Plain) != "[geheim|geheim]" {
		t.Errorf("plain %v, want [geheim|geheim]", got.Plain)
	}
	if got.Code != "[[a]]" {
		t.Errorf("the code span holds %q, want [[a]] untouched", got.Code)
	}
	if got.Markup != 0 || !got.Escaped {
		t.Errorf("a page title became markup (%d img, script ran: %v)", got.Markup, !got.Escaped)
	}

	if got := evalIn[string](t, ctx, "liftHeadings", `(() => {
		const f = renderMarkdown("# Kop\n\n## Sub\n\n###### Diep\n\ntekst");
		model.liftHeadings(f);
		return [...f.children].map(e => e.tagName + ':' + e.textContent).join(',');
	})()`); got != "H2:Kop,H3:Sub,H5:Diep,P:tekst" {
		t.Errorf("lifted headings %s, want H2:Kop,H3:Sub,H5:Diep,P:tekst", got)
	}

	type tree struct {
		Order []string
		Roots []string
	}
	tr := evalIn[tree](t, ctx, "buildTree", `(() => {
		const pages = [
			{ id: 'c', title: 'C', parent: 'a' }, { id: 'a', title: 'A', parent: '' },
			{ id: 'b', title: 'B', parent: 'a' }, { id: 'x', title: 'X', parent: 'y' },
			{ id: 'y', title: 'Y', parent: 'x' }, { id: 's', title: 'S', parent: 's' },
			{ id: 'o', title: 'O', parent: 'gone' },
		];
		const order = [];
		const walk = (n) => { order.push(n.page.id); n.children.forEach(walk); };
		const roots = model.buildTree(pages);
		roots.forEach(walk);
		return { order, roots: roots.map(n => n.page.id) };
	})()`)
	if fmt.Sprint(tr.Order) != "[a b c o s x y]" || fmt.Sprint(tr.Roots) != "[a o s x]" {
		t.Errorf("tree order %v roots %v, want order [a b c o s x y] with roots [a o s x]", tr.Order, tr.Roots)
	}

	type diff struct {
		Ops      []string
		Signs    []string
		Ins, Del int
		Title    bool
		Fold     string
		Unfolded int
	}
	d := evalIn[diff](t, ctx, "diffView", `(() => {
		const v = diffView();
		document.getElementById('main').append(v.el);
		const equal = Array.from({ length: 10 }, (_, n) => ({ op: 'equal', text: 'regel ' + n }));
		v.update({ from: 1, to: 3, title: { from: 'Wondzorg', to: 'Wondzorg thuis' }, lines: [
			...equal,
			{ op: 'change', words: [{ op: 'equal', text: 'Handen ' }, { op: 'delete', text: 'wassen' }, { op: 'insert', text: 'desinfecteren' }] },
			{ op: 'insert', text: 'Nieuwe stap' },
			{ op: 'delete', text: 'Oude stap' },
		] });
		const lines = [...v.el.querySelectorAll('[data-test=diff-line]')];
		const fold = v.el.querySelector('.diff-fold-button');
		const foldText = fold?.textContent ?? '';
		fold?.click();
		return {
			ops: lines.filter(l => l.dataset.op !== 'equal').map(l => l.dataset.op),
			signs: lines.filter(l => l.dataset.op !== 'equal').map(l => l.querySelector('.diff-sign').textContent),
			ins: v.el.querySelectorAll('.diff-lines ins').length,
			del: v.el.querySelectorAll('.diff-lines del').length,
			title: v.el.querySelector('[data-test=diff-title] ins') != null,
			fold: foldText,
			unfolded: v.el.querySelectorAll('[data-test=diff-line][data-op=equal]').length,
		};
	})()`)
	if fmt.Sprint(d.Ops) != "[change insert delete]" || fmt.Sprint(d.Signs) != "[± + −]" {
		t.Errorf("changed lines %v with signs %v, want [change insert delete] with [± + −]", d.Ops, d.Signs)
	}
	if d.Ins != 2 || d.Del != 2 || !d.Title {
		t.Errorf("%d ins, %d del, title marked %v; want 2, 2, true", d.Ins, d.Del, d.Title)
	}
	if d.Fold != "Toon 8 ongewijzigde regels" || d.Unfolded != 10 {
		t.Errorf("the fold says %q and shows %d lines once opened; want 8 folded of 10", d.Fold, d.Unfolded)
	}
}

// TestSearchResultsRender checks the search results as the PWA builds them
// from the server's answer: grouped by kind (wiki pages first), hits in
// mark, every piece of a snippet text (markup in it stays text), links to
// where an item lives, and the empty state.
func TestSearchResultsRender(t *testing.T) {
	ctx := openWikiModelPage(t)
	type rendered struct {
		Kinds   []string
		Marks   []string
		Hrefs   []string
		Markup  int
		Snippet string
		Empty   bool
	}
	got := evalIn[rendered](t, ctx, "render results", `(() => {
		const r = searchResults();
		document.getElementById('main').append(r.el);
		r.update({ q: 'wond', groups: [
			{ kind: 'posts', items: [{ collection: 'posts', id: 'p1', title: 'Wondzorg', team: '', created: '2026-11-30 10:00:00.000Z',
				snippet: [{ text: 'over ', hit: false }, { text: 'wond', hit: true }, { text: '<b>zorg</b><img src=x onerror="window.__searchXss=1">', hit: false }] }] },
			{ kind: 'comments', items: [] },
			{ kind: 'wiki_pages', items: [{ collection: 'wiki_pages', id: 'w1', title: 'Wondzorg', slug: 'wondzorg', team: '', created: '',
				snippet: [{ text: 'Wond', hit: true }, { text: 'zorg thuis', hit: false }] }] },
		] });
		const out = {
			kinds: [...r.el.querySelectorAll('[data-test=search-group]')].map(g => g.dataset.kind),
			marks: [...r.el.querySelectorAll('mark')].map(m => m.textContent),
			hrefs: [...r.el.querySelectorAll('[data-test=search-result]')].map(a => a.getAttribute('href')),
			markup: r.el.querySelectorAll('b, img').length,
			snippet: r.el.querySelector('[data-test=search-group][data-kind=posts] .search-snippet').textContent,
		};
		r.update({ q: 'niets', groups: [] });
		out.empty = r.el.querySelector('[data-test=search-empty]') != null && r.el.dataset.count === '0';
		return out;
	})()`)
	if fmt.Sprint(got.Kinds) != "[wiki_pages posts]" {
		t.Errorf("groups %v, want [wiki_pages posts] (empty groups left out)", got.Kinds)
	}
	if fmt.Sprint(got.Marks) != "[Wond wond]" {
		t.Errorf("marks %v, want [Wond wond]", got.Marks)
	}
	if fmt.Sprint(got.Hrefs) != "[#/wiki/w1 #/feed]" {
		t.Errorf("links %v, want [#/wiki/w1 #/feed]", got.Hrefs)
	}
	if got.Markup != 0 || got.Snippet != `over wond<b>zorg</b><img src=x onerror="window.__searchXss=1">` {
		t.Errorf("a snippet became markup (%d elements) or lost text: %q", got.Markup, got.Snippet)
	}
	if !got.Empty {
		t.Error("no empty state for an answer without results")
	}
}
