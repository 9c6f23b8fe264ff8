package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// markdownPage loads the PWA's Markdown renderer and offers window.render,
// which renders a source and describes the result: every element with its
// attributes, and the plain-text form.
const markdownPage = `<!doctype html><meta charset="utf-8">
<script type="module">
import { renderMarkdown, markdownToText } from '/js/markdown.js';
window.render = (source) => {
  try {
    const frag = renderMarkdown(source);
    const elements = [];
    const walk = (node) => {
      for (const el of node.children) {
        elements.push({ tag: el.tagName, attrs: Object.fromEntries([...el.attributes].map((a) => [a.name, a.value])) });
        walk(el);
      }
    };
    walk(frag);
    return { elements, text: markdownToText(source) };
  } catch (e) {
    return { error: String(e && e.stack || e) };
  }
};
window.ready = true;
</script>`

// rendered is what window.render reports.
type rendered struct {
	Error    string
	Text     string
	Elements []struct {
		Tag   string
		Attrs map[string]string
	}
}

// markdownTags are the elements the renderer may make.
var markdownTags = []string{"P", "BR", "H1", "H2", "H3", "H4", "H5", "H6", "STRONG", "EM", "DEL",
	"CODE", "PRE", "BLOCKQUOTE", "UL", "OL", "LI", "HR", "A"}

// FuzzMarkdown renders any post or comment body with the PWA's Markdown
// renderer (pb_public/js/markdown.js) in a real Chromium. Whatever the
// author writes, the renderer does not throw or hang, makes only its own
// elements (no script, no image, no event handler), and links only to
// http, https and mailto addresses that open in a new tab without access
// to the opener.
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

	execPath := findChromium(f)
	server := httptest.NewServer(markdownMux())
	f.Cleanup(server.Close)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.UserDataDir(f.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	f.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	start, cancelStart := context.WithTimeout(ctx, time.Minute)
	defer cancelStart()
	err := chromedp.Do(start, chromedp.Navigate(server.URL+"/"))
	if err == nil {
		_, err = chromedp.Run(start, chromedp.Poll[bool]("window.ready === true"))
	}
	if err != nil {
		f.Fatalf("loading the renderer in %s: %v", execPath, err)
	}

	f.Fuzz(func(t *testing.T, source string) {
		arg, _ := json.Marshal(source)
		step, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		got, err := chromedp.Run(step, chromedp.Evaluate[rendered](fmt.Sprintf("window.render(%s)", arg)))
		if err != nil {
			t.Fatalf("rendering %q: %v", source, err)
		}
		if got.Error != "" {
			t.Fatalf("rendering %q threw: %s", source, got.Error)
		}
		for _, el := range got.Elements {
			checkMarkdownElement(t, source, el.Tag, el.Attrs)
		}
	})
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
