package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// hostilePostBody is an organisation post as long as a post may be (20,000
// characters), made of lines that each kept the renderer busy for seconds
// to minutes before it ran in linear time: headings with long runs of
// spaces and tabs inside, a run of backticks, a run of "[" before a link
// target full of spaces, and unclosed bold.
func hostilePostBody() string {
	body := strings.Join([]string{
		"# Rooster" + strings.Repeat(" ", 5000) + "week",
		"## Dienst" + strings.Repeat("\t", 4000) + "nacht",
		"Zie" + strings.Repeat("`", 4000),
		strings.Repeat("[", 3000) + "a](" + strings.Repeat(" ", 2000) + "x",
	}, "\n") + "\n"
	return body + strings.Repeat("**a ", (20000-len(body))/4)
}

// TestMarkdownHostilePostInFeed has Carla place a hostile organisation post
// (see [hostilePostBody]) while Dirk has the organisation feed open: the post
// arrives in his feed live, and his page never stops responding for long.
// With the renderer before the fix, a post like it kept a colleague's feed
// from showing for minutes.
func TestMarkdownHostilePostInFeed(t *testing.T) {
	b := newBrowser(t)
	carla := b.tab("carla")
	dirk := b.tab("dirk")

	carla.signIn("carla@buurtplein.test", "Carla Bakker")
	dirk.signIn("dirk@buurtplein.test", "Dirk Visser")

	// carla posts from her profile page, so her own feed is not what is
	// tested; dirk keeps the organisation feed open and counts long tasks
	carla.goTo("#/profile")
	dirk.waitVisible("see the organisation feed loaded", feedSelector("organisation")+"[data-state=ready]")
	dirk.waitForRealtime(0) // subscribed since the page loaded, at sign-in
	eval[bool](dirk, "watch for long tasks", `(() => {
		window.__longestTask = 0;
		new PerformanceObserver((list) => {
			for (const e of list.getEntries()) window.__longestTask = Math.max(window.__longestTask, e.duration);
		}).observe({ type: "longtask" });
		return true;
	})()`)

	body := hostilePostBody()
	title := fmt.Sprintf("E2E rooster %d", time.Now().UnixNano())
	post := fmt.Sprintf(`(async () => {
		const auth = JSON.parse(localStorage.getItem("pocketbase_auth"));
		const res = await fetch("/api/collections/posts/records", {
			method: "POST",
			headers: { "Content-Type": "application/json", Authorization: auth.token },
			body: JSON.stringify({ author: auth.record.id, kind: "update", visibility: "organisation", title: %s, body: %s }),
		});
		return res.status + " " + (res.ok ? "" : await res.text());
	})()`, jsString(title), jsString(body))
	if status := eval[string](carla, "place the post", post, chromedp.EvalAwaitPromise); status != "200 " {
		t.Fatalf("placing a post of %d characters: %s", len(body), status)
	}

	start := time.Now()
	dirk.waitFor("see carla's post arrive live", hasPost("organisation", title))
	longest := eval[float64](dirk, "read the longest task", `window.__longestTask`)
	t.Logf("the post showed after %s; the longest task on dirk's page took %.0f ms", time.Since(start).Round(time.Millisecond), longest)
	// rendering the post takes milliseconds; a second leaves room for a
	// busy machine, and the renderer before the fix took minutes
	if longest > 1000 {
		t.Errorf("dirk's page was busy for %.0f ms at a stretch while the post arrived, want under 1,000", longest)
	}
	if text := eval[string](dirk, "read the post's first heading", postArticle("organisation", title)+`?.querySelector("[data-test=post-body] h3")?.textContent ?? ""`); !strings.HasPrefix(text, "Rooster") || !strings.HasSuffix(text, "week") {
		t.Errorf("the post's first heading reads %.40q, want Rooster … week", text)
	}
}
