package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// markdownPage loads the PWA's Markdown renderer and offers window.render,
// which renders a source and describes the result: every element with its
// attributes, the plain-text form, and the time the render took. It times
// the render call alone, up to five times until one render keeps within the
// budget it is given, and reports the best time (see [renderBudget]).
const markdownPage = `<!doctype html><meta charset="utf-8">
<script type="module">
import { renderMarkdown, markdownToText } from '/js/markdown.js';
window.render = (source, budget) => {
  try {
    let frag;
    let ms = Infinity;
    for (let i = 0; i < 5 && !(ms <= budget); i++) {
      const start = performance.now();
      frag = renderMarkdown(source);
      ms = Math.min(ms, performance.now() - start);
    }
    const elements = [];
    const walk = (node) => {
      for (const el of node.children) {
        elements.push({ tag: el.tagName, attrs: Object.fromEntries([...el.attributes].map((a) => [a.name, a.value])) });
        walk(el);
      }
    };
    walk(frag);
    return { elements, text: markdownToText(source), ms };
  } catch (e) {
    return { error: String(e && e.stack || e) };
  }
};
// compile the renderer's code before anything is timed
renderMarkdown('# a\n**b** _c_ *d* ~~e~~ \x60f\x60 [g](https://h.nl) https://i.nl\n- j\n1. k\n> l\n---');
window.ready = true;
</script>`

// rendered is what window.render reports.
type rendered struct {
	Error    string
	Text     string
	MS       float64 // the best time of the render call, in milliseconds
	Elements []struct {
		Tag   string
		Attrs map[string]string
	}
}

// markdownTags are the elements the renderer may make.
var markdownTags = []string{"P", "BR", "H1", "H2", "H3", "H4", "H5", "H6", "STRONG", "EM", "DEL",
	"CODE", "PRE", "BLOCKQUOTE", "UL", "OL", "LI", "HR", "A"}

// renderBudget is how long one render of source may take in the browser
// before the fuzz target calls it a hang, in milliseconds: 200 ms plus
// 20 ms per kilobyte.
//
// The renderer runs in linear time: about 0.1 to 0.5 ms per kilobyte once
// warm, 20,000 hostile characters included. The renderer it replaced
// needed minutes for some 20,000-character bodies (cubic). The bound is
// ten times what a linear renderer needs on a busy 2-core machine, so that
// noise never trips it; whether the time grows linearly is what
// [TestMarkdownLinearTime] checks, by comparing sizes rather than clocks.
func renderBudget(source string) float64 {
	return 200 + 20*float64(len(source))/1024
}

// FuzzMarkdown renders any post or comment body with the PWA's Markdown
// renderer (pb_public/js/markdown.js) in a real Chromium. Whatever the
// author writes, the renderer does not throw or hang, keeps within
// [renderBudget], makes only its own elements (no script, no image, no
// event handler), and links only to http, https and mailto addresses that
// open in a new tab without access to the opener.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{
		"# Kop\n\n**vet** *schuin* ~~weg~~ `code`\n\n> citaat\n\n- een\n- twee\n\n3. drie\n\n---\n```\nblok\n```",
		"[rooster](https://example.org/rooster?week=48) en https://example.org/a_(b).",
		"[klik](javascript:alert(1)) [data](data:text/html,<script>alert(1)</script>) <img src=x onerror=alert(1)>",
		"[x](<https://a.b> \"titel\") mailto:zorg@example.org [mail](mailto:zorg@example.org)",
		"**[*_~~`nest`~~_*](https://x.y)**",
		">>>>>>>>>> diep\n- - - - lijst\n\n1) een",
		"_a_b_ __c__ *d **e* f**",
	} {
		f.Add(s)
	}

	ctx := openMarkdownPage(f)
	f.Fuzz(func(t *testing.T, source string) {
		got, err := renderMarkdown(ctx, source)
		if err != nil {
			t.Fatalf("rendering %s: %v", describe(source), err)
		}
		if got.Error != "" {
			t.Fatalf("rendering %s threw: %s", describe(source), got.Error)
		}
		if budget := renderBudget(source); got.MS > budget {
			t.Fatalf("rendering %s took %.1f ms at best, more than the %.0f ms allowed", describe(source), got.MS, budget)
		}
		for _, el := range got.Elements {
			checkMarkdownElement(t, source, el.Tag, el.Attrs)
		}
	})
}

// TestMarkdownLinearTime renders each hostile body of the seed corpus
// (testdata/fuzz/FuzzMarkdown/slow-*, 20,000 characters each, as long as a
// post may be) whole and its first quarter, and fails when the whole takes
// more than [linearFactor] times the quarter: a linear renderer takes about
// four times as long, a quadratic one sixteen. The bodies are long runs of
// spaces and tabs in headings, of *, _, ~, `, [ and "](", unclosed and
// nested emphasis, and bare addresses that never end well. Before the
// renderer ran in linear time, "# x", 19,996 tabs and "y" took minutes and
// eleven of the others from 0.15 to 0.8 s each.
//
// Comparing two sizes in one page, each the best of five renders, makes
// the test independent of how fast the machine is; a fixed number of
// milliseconds failed on a machine busy with other work. Noise that still
// hits one size and not the other comes and goes, while a renderer that is
// not linear is slow every time: a body fails only when three comparisons
// in a row do.
func TestMarkdownLinearTime(t *testing.T) {
	seeds := slowSeeds(t)
	ctx := openMarkdownPage(t)
	for _, seed := range seeds {
		t.Run(seed.name, func(t *testing.T) {
			runes := []rune(seed.source)
			quarter := string(runes[:len(runes)/4])
			var part, whole float64
			for try := 0; try < 3; try++ {
				var err error
				if part, err = renderBest(ctx, quarter); err != nil {
					t.Fatal(err)
				}
				if whole, err = renderBest(ctx, seed.source); err != nil {
					t.Fatal(err)
				}
				if whole <= linearFactor*part+linearSlack {
					t.Logf("%d characters in %.1f ms, a quarter of them in %.1f ms", len(seed.source), whole, part)
					return
				}
			}
			t.Fatalf("rendering %s took %.1f ms, its first quarter %.1f ms: %.1f times as long, more than linear, three times in a row",
				describe(seed.source), whole, part, whole/part)
		})
	}
}

// linearFactor is how many times the time of a quarter of a body the
// whole body may take in [TestMarkdownLinearTime]: linear is 4, quadratic
// 16; linearSlack (ms) covers bodies too quick to time well.
const (
	linearFactor = 8
	linearSlack  = 10
)

// renderBest renders source with the page's renderer and reports the best
// of five renders in milliseconds, failing on an error or a throw.
func renderBest(ctx context.Context, source string) (float64, error) {
	step, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// a budget of 0 is never met: the page renders five times
	got, err := chromedp.Run(step, chromedp.Evaluate[rendered](fmt.Sprintf("window.render(%s, 0)", jsString(source))))
	if err != nil {
		return 0, fmt.Errorf("rendering %s: %w", describe(source), err)
	}
	if got.Error != "" {
		return 0, fmt.Errorf("rendering %s threw: %s", describe(source), got.Error)
	}
	return got.MS, nil
}

// slowSeed is one hostile body of the seed corpus.
type slowSeed struct {
	name, source string
}

// slowSeeds reads the seed corpus files named slow-*. It fails when there
// are fewer than expected, or when one is short of a full-length post, so
// that losing them cannot make [TestMarkdownLinearTime] pass by testing less.
func slowSeeds(t *testing.T) []slowSeed {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", "FuzzMarkdown")
	files, err := filepath.Glob(filepath.Join(dir, "slow-*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("%s holds %d slow-* seeds, want at least 20", dir, len(files))
	}
	var seeds []slowSeed
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		header, literal, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
		literal, ok := strings.CutPrefix(literal, "string(")
		literal, ok2 := strings.CutSuffix(literal, ")")
		source, err := strconv.Unquote(literal)
		if header != "go test fuzz v1" || !ok || !ok2 || err != nil {
			t.Fatalf("%s: not a fuzz seed of one string (%v)", file, err)
		}
		if len(source) < 19000 {
			t.Fatalf("%s: %d bytes, want a full-length post (about 20,000)", file, len(source))
		}
		seeds = append(seeds, slowSeed{filepath.Base(file), source})
	}
	return seeds
}

// openMarkdownPage starts a headless Chromium on the renderer's test page
// and returns the context of its tab; both end with tb.
func openMarkdownPage(tb testing.TB) context.Context {
	tb.Helper()
	return openTestPage(tb, markdownMux(), "/", "the renderer")
}

// openTestPage serves handler, starts a headless Chromium on its page at
// path, waits until the page sets window.ready and returns the context of
// its tab; the server and the browser end with tb. what names the page in
// a failure.
func openTestPage(tb testing.TB, handler http.Handler, path, what string) context.Context {
	tb.Helper()
	execPath := findChromium(tb)
	server := httptest.NewServer(handler)
	tb.Cleanup(server.Close)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	tb.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	// NB! the first Do starts the browser and binds its life to the context
	// it is given: so no timeout on that one
	err := chromedp.Do(ctx)
	if err == nil {
		start, cancelStart := context.WithTimeout(ctx, time.Minute)
		defer cancelStart()
		if err = chromedp.Do(start, chromedp.Navigate(server.URL+path)); err == nil {
			_, err = chromedp.Run(start, chromedp.Poll[bool]("window.ready === true"))
		}
	}
	if err != nil {
		tb.Fatalf("loading %s in %s: %v", what, execPath, err)
	}
	return ctx
}

// renderMarkdown renders source in the test page with its time budget.
func renderMarkdown(ctx context.Context, source string) (rendered, error) {
	step, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return chromedp.Run(step, chromedp.Evaluate[rendered](fmt.Sprintf("window.render(%s, %g)", jsString(source), renderBudget(source))))
}

// describe quotes source for a message, cut short when it is long.
func describe(source string) string {
	if len(source) <= 200 {
		return fmt.Sprintf("%q", source)
	}
	return fmt.Sprintf("%q… (%d bytes)", source[:60], len(source))
}

var olStart = regexp.MustCompile(`^-?[0-9]+$`)

// checkMarkdownElement fails t for an element or attribute the renderer
// must not make.
func checkMarkdownElement(t *testing.T, source, tag string, attrs map[string]string) {
	t.Helper()
	if !slices.Contains(markdownTags, tag) {
		t.Fatalf("%q renders a <%s>", source, tag)
	}
	for name, value := range attrs {
		switch {
		case tag == "A" && name == "href":
			// the browser's reading of the address, not Go's: Go refuses
			// hosts such as "%2A0" that a browser follows
			scheme, _, _ := strings.Cut(strings.ToLower(value), ":")
			if !slices.Contains([]string{"http", "https", "mailto"}, scheme) {
				t.Fatalf("%q renders a link to %q", source, value)
			}
		case tag == "A" && name == "target" && value == "_blank":
		case tag == "A" && name == "rel" && value == "noopener noreferrer":
		case tag == "OL" && name == "start" && olStart.MatchString(value):
		default:
			t.Fatalf("%q renders <%s %s=%q>", source, tag, name, value)
		}
	}
	if tag == "A" && (attrs["rel"] == "" || attrs["target"] == "" || attrs["href"] == "") {
		t.Fatalf("%q renders a link without href, target or rel: %v", source, attrs)
	}
}

// markdownMux serves the test page and the PWA's modules.
func markdownMux() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/js/", http.FileServer(http.Dir("../pb_public")))
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, markdownPage)
	})
	return mux
}
