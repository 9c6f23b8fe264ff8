package e2e

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"buurtplein/internal/drill"
)

// updateScreens makes TestScreenshots write what it sees as the new
// expected images instead of comparing:
//
//	BUURTPLEIN_E2E=1 go test ./e2e -run TestScreenshots -count=1 -update
var updateScreens = flag.Bool("update", false, "TestScreenshots: write the screenshots to testdata/screens instead of comparing them")

const (
	// screensDir holds the expected screenshots, <screen>-<width>x<height>.png.
	screensDir = "testdata/screens"

	// pixelThreshold is how far a pixel's channel may drift (out of 255)
	// before the pixel counts as different: anti-aliasing and the odd
	// rounding of a gradient stay below it.
	pixelThreshold = 40

	// maxDiffShare is the share of differing pixels a screenshot may have.
	// A column that moves, a pane that disappears or text that wraps
	// differently changes far more than this.
	maxDiffShare = 0.004

	// settleShare is the share of pixels that may differ between two
	// screenshots in a row of a screen that has settled.
	settleShare = 0.0005
)

// screenSizes are a phone, a tablet held upright and a desktop.
var screenSizes = []struct{ w, h int64 }{{360, 780}, {820, 1180}, {1440, 900}}

// screenShot is one screen to photograph: where it is and when it is
// ready. A detail screen's address is read from the list before it
// (pick, a JavaScript expression for the hash), so the test needs no ids.
type screenShot struct {
	name  string
	hash  string // the route, or "" when pick gives it
	pick  string // a JavaScript expression for the route, evaluated on the screen before
	ready string // a CSS selector that is there once the screen shows its data
	list  string // a detail's list: a CSS selector of the list screen beside it from 600 px
}

// mainScreens are the screens of the screenshot test, in the order they
// are visited (a detail after its list).
var mainScreens = []screenShot{
	{name: "feed", hash: "#/feed", ready: `[data-test=feed][data-state=ready] [data-test=post]`},
	{name: "tasks", hash: "#/tasks", ready: `[data-test=my-tasks][data-state=ready]`},
	{name: "task", pick: `"#/tasks/" + document.querySelector("#main [data-test=task-card]").dataset.id`, ready: `#main [data-test=task][data-state=ready]`, list: `[data-test=my-tasks]`},
	{name: "board", hash: "#/team/haarlem-noord/tasks", ready: `[data-test=board][data-state=ready] [data-test=task-card]`},
	{name: "chat", hash: "#/chat", ready: `[data-test=chat-list][data-state=ready] [data-test=channel]`},
	{name: "chatroom", pick: `document.querySelector("#main [data-test=channel-link]").getAttribute("href")`, ready: `#main [data-test=chat-room][data-state=ready] [data-test=message]`, list: `[data-test=chat-list]`},
	{name: "wiki", hash: "#/wiki", ready: `[data-test=wiki][data-state=ready] [data-test=wiki-node]`},
	{name: "wikipage", pick: `document.querySelector("#main [data-test=wiki-link]").getAttribute("href")`, ready: `#main [data-test=wiki-page][data-state=ready]`, list: `[data-test=wiki]`},
	{name: "bob", hash: "#/bob", ready: `[data-test=my-questions][data-state=ready] [data-test=question]`},
	{name: "bobquestion", pick: `document.querySelector("#main [data-test=question] a[href^='#/bob/questions/']").getAttribute("href")`, ready: `#main [data-test=question-page][data-state=ready]`, list: `[data-test=my-questions]`},
	{name: "profile", hash: "#/profile", ready: `[data-test=profile-form]`},
	{name: "directory", hash: "#/directory", ready: `[data-test=person]`},
}

// screenshotStyle makes the pictures the same on every run and machine: one
// font that the test machine installs (fonts-dejavu-core), no animation,
// no blinking caret, no scrollbars, and what changes with the clock masked
// as grey blocks (times, dates, due labels, the demo's avatars); a task's
// history lines are left out.
const screenshotStyle = `
*, *::before, *::after {
  font-family: "DejaVu Sans" !important;
  animation: none !important;
  transition: none !important;
  caret-color: transparent !important;
  scrollbar-width: none !important;
}
time, [data-test=task-due], [data-test=offer-due], .due, .avatar img {
  color: transparent !important;
  background: #b8b8b8 !important;
  border-color: transparent !important;
}
.avatar img { visibility: hidden !important; }
.toasts, .update-bar { display: none !important; }
/* the demo task's first two events are saved in the same moment: whether
   the history reads them as one line depends on their order */
[data-test=task-event] { display: none !important; }
`

// maskClock replaces every piece of text that says when (times, dates,
// weekdays, ages such as "5 minuten geleden" and "zojuist") with the same
// four blocks: the demo's records are made relative to the server's start
// and the day it runs, so these change from run to run, and a mask of the
// text's own width would wrap differently. It runs again before every
// frame, for what a screen drew anew.
const maskClock = `window.buurtpleinMaskClock = () => {
  const when = /\b\d{1,2}:\d{2}\b|\b\d{1,2} (jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec)[a-z]*\.?,?( \d{4})?,?|\b(ma|di|wo|do|vr|za|zo)\.? (?=\d)|\b(maan|dins|woens|donder|vrij|zater|zon)dag\b|\b\d+ (seconden|seconde|sec|minuten|minuut|min|uur|dagen|dag|weken|week|maanden|maand|mnd)\b\.?( geleden)?|\bover \d+ \w+|\b(zojuist|gisteren|vandaag|morgen|eergisteren|overmorgen)\b/gi;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!when.test(node.data)) continue;
    when.lastIndex = 0;
    node.data = node.data.replace(when, "\u2592\u2592\u2592\u2592").replace(/(\u2592{4}[ ,·]*)+\u2592{4}/g, "\u2592\u2592\u2592\u2592");
  }
}`

// TestScreenshots photographs the main screens at a phone's, a tablet's
// and a desktop's size and compares each with its expected image in
// testdata/screens, so a broken layout (a column gone, a pane overlapping,
// text cut off) fails. Each size gets its own fresh demo server, so the
// data are the same on every run; what changes with the clock is masked.
// On a difference it writes the actual image and a diff (differing pixels
// red) to a temporary folder and names it; -update writes the actual
// images as the expected ones. Besides the pixels it checks the layout's
// rules: a detail's list beside it from 600 px with the open item marked,
// no list pane on a phone, and the pane going and coming back when a
// tablet is turned to a phone's width and back.
func TestScreenshots(t *testing.T) {
	findChromium(t)
	requireDejaVu(t)
	startServer(t) // builds the binary

	var mu sync.Mutex
	artifacts := ""
	artifactDir := func() string {
		mu.Lock()
		defer mu.Unlock()
		if artifacts == "" {
			dir, err := os.MkdirTemp("", "buurtplein-screens-*")
			if err != nil {
				t.Fatalf("a folder for the actual screenshots: %v", err)
			}
			artifacts = dir
		}
		return artifacts
	}

	for _, size := range screenSizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			p := newBrowserAt(t, startDemoServer(t)).tab("anna")
			p.signIn("anna@buurtplein.test", "Anna de Vries")
			p.prepareScreenshots(size.w, size.h)
			task := ""
			for _, s := range mainScreens {
				hash := s.hash
				if hash == "" {
					hash = eval[string](p, "find the route of "+s.name, s.pick)
				}
				if s.name == "task" {
					task = hash
				}
				p.goTo(hash)
				p.waitVisible("see the screen "+s.name, s.ready)
				p.checkSplit(s, size.w)
				got := p.steadyScreenshot(s.name)
				file := filepath.Join(screensDir, fmt.Sprintf("%s-%dx%d.png", s.name, size.w, size.h))
				if *updateScreens {
					if err := os.WriteFile(file, got, 0o644); err != nil {
						t.Fatalf("writing %s: %v", file, err)
					}
					continue
				}
				compareScreenshot(t, file, got, artifactDir)
			}
			if size.w >= 600 {
				p.checkTurned(task, size.w, size.h)
			}
		})
	}
}

// checkTurned turns the tablet or narrows the window to a phone's width on
// a task: the list beside it goes, and comes back when the screen is wide
// again.
func (p *tab) checkTurned(task string, w, h int64) {
	p.t.Helper()
	p.goTo(task)
	p.waitVisible("see the task with my tasks beside it", `#app-list [data-test=my-tasks]`)
	p.do("narrow the screen", chromedp.EmulateViewport(360, 780))
	p.waitFor("the list pane gone on a phone's width", `document.getElementById("app-list").hidden && !document.querySelector(".layout.split") && !document.querySelector("[data-test=my-tasks]")`)
	p.waitVisible("still see the task", `#main [data-test=task][data-state=ready]`)
	p.do("widen the screen again", chromedp.EmulateViewport(w, h))
	p.waitVisible("see my tasks beside the task again", `#app-list [data-test=my-tasks]`)
}

// checkSplit checks the layout of a screen: a detail shows its list beside
// it from 600 px, with the link to the detail marked as the current page;
// a phone and the other screens have no list pane.
func (p *tab) checkSplit(s screenShot, width int64) {
	p.t.Helper()
	if s.list == "" || width < 600 {
		p.waitFor(s.name+" without a list pane", `document.getElementById("app-list").hidden && !document.querySelector(".layout.split")`)
		return
	}
	p.waitVisible(s.name+": its list beside it", "#app-list "+s.list)
	p.waitFor(s.name+": the list marks the open item", `[...document.querySelectorAll('#app-list a[aria-current=page]')].some(a => a.getAttribute("href") === location.hash)`)
	if n := eval[int](p, "count the detail screens", `document.querySelectorAll("#main `+s.list+`").length`); n != 0 {
		p.t.Errorf("%s: the list %s is in the main area too (%d)", s.name, s.list, n)
	}
}

// requireDejaVu skips (or fails, with BUURTPLEIN_E2E=1) when the font the
// screenshots are drawn in is not installed: another font would differ in
// every line.
func requireDejaVu(t *testing.T) {
	t.Helper()
	out, err := exec.Command("fc-list", "DejaVu Sans:style=Book", "family").Output()
	if err == nil && strings.Contains(string(out), "DejaVu Sans") {
		return
	}
	const msg = `het lettertype "DejaVu Sans" ontbreekt (Debian: fonts-dejavu-core); de schermafbeeldingen zijn ermee gemaakt`
	if os.Getenv("BUURTPLEIN_E2E") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// startDemoServer starts a server of its own on a fresh demo organisation,
// with the binary the package's shared server was built from, and stops
// it when t ends: the shared server's data change with every other test.
func startDemoServer(t *testing.T) string {
	t.Helper()
	// a test runs in its package's folder: the PWA is next to it
	publicDir, err := filepath.Abs(filepath.Join("..", "pb_public"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s, err := drill.Start(drill.ServerOptions{
		Bin:       filepath.Join(srv.tmpDir, "buurtplein"),
		DataDir:   filepath.Join(dir, "pb_data"),
		Demo:      true,
		PublicDir: publicDir,
		WorkDir:   dir,
	})
	if err != nil {
		t.Fatalf("starting a demo server for the screenshots: %v\n%s", err, s.Output())
	}
	t.Cleanup(func() { _ = s.Stop() })
	return s.URL
}

// prepareScreenshots sizes the page, asks for reduced motion, moves the
// mouse out of the way and adds
// screenshotStyle (a constructed style sheet, which the page's CSP lets
// through, unlike a style element).
func (p *tab) prepareScreenshots(w, h int64) {
	p.t.Helper()
	p.do("size the page", chromedp.EmulateViewport(w, h), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
		})
		if err != nil {
			return err
		}
		// the mouse stays where the sign-in was clicked: move it to the
		// left edge, where nothing changes on hover
		_, err = cdp.Call(ctx, tg, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: 0, Y: float64(h) / 2})
		return err
	}))
	p.do("add the screenshot style", chromedp.Evaluate[chromedp.Void](`(() => {
		const sheet = new CSSStyleSheet();
		sheet.replaceSync(`+jsString(screenshotStyle)+`);
		document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
	})()`), chromedp.Evaluate[chromedp.Void](maskClock))
	p.waitFor("see the screenshot font", `getComputedStyle(document.body).fontFamily.includes("DejaVu Sans")`)
}

// steadyScreenshot waits for the fonts and images, takes the focus away
// (a focus ring is not layout) and takes screenshots until two in a row
// are the same: a list that draws itself again as a live count arrives is
// photographed once it has settled.
func (p *tab) steadyScreenshot(name string) []byte {
	p.t.Helper()
	p.waitFor("the fonts and images of "+name+" loaded",
		`document.fonts.status === "loaded" && [...document.images].every(i => i.complete)`)
	p.do("take the focus away", chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur()`))
	var last, before []byte
	for range 20 {
		ctx, cancel := p.stepContext()
		err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`buurtpleinMaskClock()`))
		var shot []byte
		if err == nil {
			shot, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
		}
		cancel()
		if err != nil {
			p.t.Fatalf("%s: screenshot of %s: %v", p.name, name, err)
		}
		if last != nil && sameScreenshot(last, shot) {
			return shot
		}
		before, last = last, shot
		time.Sleep(400 * time.Millisecond)
	}
	file, err := os.CreateTemp("", "buurtplein-unsettled-"+name+"-*.png")
	if err == nil {
		_, err = file.Write(last)
		err = errors.Join(err, file.Close(), os.WriteFile(strings.TrimSuffix(file.Name(), ".png")+"-before.png", before, 0o644))
	}
	where := ""
	if a, errA := png.Decode(bytes.NewReader(before)); errA == nil {
		if b, errB := png.Decode(bytes.NewReader(last)); errB == nil {
			where = differingArea(a, b).String()
		}
	}
	p.t.Fatalf("%s: the screen %s did not settle: every screenshot differed from the one before, last in %s (the last: %s, %v)", p.name, name, where, file.Name(), err)
	return nil
}

// sameScreenshot tells whether two screenshots show the same: at most
// settleShare of the pixels differ by more than pixelThreshold (Chromium
// draws a rounded corner's edge or a select's text a little differently
// from one frame to the next).
func sameScreenshot(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	imgA, errA := png.Decode(bytes.NewReader(a))
	imgB, errB := png.Decode(bytes.NewReader(b))
	if errA != nil || errB != nil {
		return false
	}
	_, share := diffImages(imgA, imgB)
	return share <= settleShare
}

// compareScreenshot compares a screenshot with the expected image in file.
// On a difference it fails and leaves the expected, actual and diff images
// in the artifact folder.
func compareScreenshot(t *testing.T, file string, got []byte, artifactDir func() string) {
	t.Helper()
	wantPNG, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		t.Errorf("%s is missing: write it with -update (BUURTPLEIN_E2E=1 go test ./e2e -run TestScreenshots -count=1 -update)", file)
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	want, err := png.Decode(bytes.NewReader(wantPNG))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	have, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("the screenshot for %s: %v", file, err)
	}
	diff, share := diffImages(want, have)
	if share <= maxDiffShare {
		return
	}
	dir := artifactDir()
	base := strings.TrimSuffix(filepath.Base(file), ".png")
	actual := filepath.Join(dir, base+"-actual.png")
	diffFile := filepath.Join(dir, base+"-diff.png")
	var buf bytes.Buffer
	err = png.Encode(&buf, diff)
	if err == nil {
		err = os.WriteFile(diffFile, buf.Bytes(), 0o644)
	}
	if err == nil {
		err = os.WriteFile(actual, got, 0o644)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, base+"-expected.png"), wantPNG, 0o644)
	}
	if err != nil {
		t.Logf("saving the actual screenshot: %v", err)
	}
	t.Errorf("%s: %.2f %% of the pixels differ (at most %.2f %%): see %s and %s; if the change is meant, write the expected images again with -update",
		file, share*100, maxDiffShare*100, actual, diffFile)
}

// diffImages returns an image of the differences (the expected image
// faded, differing pixels red) and the share of pixels that differ by
// more than pixelThreshold in a channel. Images of different sizes differ
// everywhere.
func diffImages(want, have image.Image) (*image.RGBA, float64) {
	wb, hb := want.Bounds(), have.Bounds()
	bounds := wb.Union(hb)
	diff := image.NewRGBA(image.Rect(0, 0, bounds.Dx(), bounds.Dy()))
	differing := 0
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			pt := image.Pt(x, y)
			out := color.RGBA{R: 255, A: 255}
			if pt.In(wb) && pt.In(hb) {
				c1, c2 := color.RGBAModel.Convert(want.At(x, y)).(color.RGBA), color.RGBAModel.Convert(have.At(x, y)).(color.RGBA)
				if channelDiff(c1.R, c2.R) <= pixelThreshold && channelDiff(c1.G, c2.G) <= pixelThreshold && channelDiff(c1.B, c2.B) <= pixelThreshold {
					gray := uint8(191 + (int(c1.R)+int(c1.G)+int(c1.B))/12)
					out = color.RGBA{R: gray, G: gray, B: gray, A: 255}
				} else {
					differing++
				}
			} else {
				differing++
			}
			diff.SetRGBA(x-bounds.Min.X, y-bounds.Min.Y, out)
		}
	}
	return diff, float64(differing) / float64(bounds.Dx()*bounds.Dy())
}

// differingArea is the smallest rectangle around the pixels that differ
// between two images of the same size.
func differingArea(a, b image.Image) image.Rectangle {
	var area image.Rectangle
	bounds := a.Bounds().Intersect(b.Bounds())
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			if color.RGBAModel.Convert(a.At(x, y)) != color.RGBAModel.Convert(b.At(x, y)) {
				area = area.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return area
}

func channelDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
