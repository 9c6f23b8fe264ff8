package proof

import (
	"errors"
	"image/color"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// checkLayout fails t unless every frame lies in the trim (in the circle
// of a round sticker), every line in its frame, and every line is as wide
// as its text in its font.
func checkLayout(t *testing.T, l *Layout) {
	t.Helper()
	inside := func(what string, r Rect) {
		if r == (Rect{}) {
			return // none
		}
		if !l.Trim.Contains(r) {
			t.Errorf("%s %+v is outside the trim %+v", what, r, l.Trim)
		}
		if !l.Round {
			return
		}
		cx, cy, radius := l.Trim.X+l.Trim.W/2, l.Trim.Y+l.Trim.H/2, l.Trim.W/2
		for _, p := range [][2]float64{{r.X, r.Y}, {r.X + r.W, r.Y}, {r.X, r.Y + r.H}, {r.X + r.W, r.Y + r.H}} {
			if math.Hypot(p[0]-cx, p[1]-cy) > radius {
				t.Errorf("%s %+v reaches outside the sticker's circle", what, r)
			}
		}
	}
	inside("the photo", l.Photo)
	inside("the logo", l.Logo)
	for _, b := range l.Blocks {
		inside(b.Field, b.Frame)
		for _, line := range b.Lines {
			if !b.Frame.Contains(line.Rect) {
				t.Errorf("%s: line %q %+v is outside its frame %+v", b.Field, line.Text, line.Rect, b.Frame)
			}
			if line.Baseline < line.Y || line.Baseline > line.Y+line.H {
				t.Errorf("%s: the baseline of %q is outside its line", b.Field, line.Text)
			}
			if w := float64(face(b.Bold).width(line.Text)) / 1000 * b.Size * mmPerPt; math.Abs(w-line.W) > 1e-9 {
				t.Errorf("%s: line %q is %.3f mm wide, its text %.3f mm", b.Field, line.Text, line.W, w)
			}
			if strings.ContainsAny(line.Text, "\n\r\t") {
				t.Errorf("%s: line %q holds a control character", b.Field, line.Text)
			}
			for _, r := range line.Text {
				if !hasGlyph(r) {
					t.Errorf("%s: line %q holds %U, which the fonts lack", b.Field, line.Text, r)
				}
			}
		}
	}
	for _, m := range l.Marks {
		mark := Rect{math.Min(m.X1, m.X2), math.Min(m.Y1, m.Y2), math.Abs(m.X2 - m.X1), math.Abs(m.Y2 - m.Y1)}
		if !l.Page.Contains(mark) {
			t.Errorf("crop mark %+v is off the page", m)
		}
		// the mark lies beyond the trim, at least cropMarkGap away from it
		outX := mark.X+mark.W <= l.Trim.X-cropMarkGap+1e-9 || mark.X >= l.Trim.X+l.Trim.W+cropMarkGap-1e-9
		outY := mark.Y+mark.H <= l.Trim.Y-cropMarkGap+1e-9 || mark.Y >= l.Trim.Y+l.Trim.H+cropMarkGap-1e-9
		if !outX && !outY {
			t.Errorf("crop mark %+v reaches within %.1f mm of the trim", m, cropMarkGap)
		}
	}
}

// bleeds reports whether the layout's bands run into the bleed to the
// page's edges: for a rectangle, a band across the top and one across the
// bottom, each from the left edge to the right; for a round sticker, a
// disc as large as the page.
func bleeds(l *Layout) bool {
	var top, bottom bool
	for _, b := range l.Bands {
		across := b.X == 0 && b.W == l.Page.W && b.Stroke == 0
		if l.Round && b.Round && b.Rect == l.Page {
			return true
		}
		top = top || across && !b.Round && b.Y == 0
		bottom = bottom || across && !b.Round && math.Abs(b.Y+b.H-l.Page.H) < 1e-9
	}
	return top && bottom
}

// blockText returns the text of field as set, without its spaces (the
// breaking and the non-breaking).
func blockText(l *Layout, field string) string {
	var b strings.Builder
	for _, bl := range l.Blocks {
		if bl.Field == field {
			for _, line := range bl.Lines {
				b.WriteString(strings.NewReplacer(" ", "", "\u00a0", "").Replace(line.Text))
			}
		}
	}
	return b.String()
}

func withoutSpaces(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// TestLayoutDemoFormats lays out the demo content in every format, with
// and without photo and logo.
func TestLayoutDemoFormats(t *testing.T) {
	t.Parallel()
	for _, df := range demoFormats {
		for _, extra := range []bool{false, true} {
			c := dutchContent(df.kind, nil)
			if extra {
				c.Photo, c.Logo = []byte{1}, []byte{1}
			}
			l, err := NewLayout(df.format, c)
			if err != nil {
				t.Fatalf("%s %s: %v", df.kind, df.format.Code, err)
			}
			checkLayout(t, l)
			if !bleeds(l) {
				t.Errorf("%s: no band runs to the page's edges: %+v", df.format.Code, l.Bands)
			}
			if (l.Photo.W > 0) != extra || (l.Logo.W > 0) != extra {
				t.Errorf("%s: photo %v, logo %v, want them %v", df.format.Code, l.Photo, l.Logo, extra)
			}
			if got, want := blockText(l, "text"), withoutSpaces(c.Text); got != want {
				t.Errorf("%s: the text set is %q, want %q", df.format.Code, got, want)
			}
		}
	}
}

// TestCheckOverflow fills a card's text and title beyond their frames:
// Check names the fields with their lengths and limits, the limit is the
// most that fits, and PDF and PNG refuse the content with the same
// overflows.
func TestCheckOverflow(t *testing.T) {
	t.Parallel()
	f := demoFormats[4].format
	c := dutchContent("flyer", nil)
	c.Text = strings.Repeat("Buurtfeest in de Ĳsselstraat. ", 100)
	c.Title = strings.Repeat("Zomerfeest ", 30)
	got := Check(f, c)
	if len(got) != 2 || got[0].Field != "title" || got[1].Field != "text" {
		t.Fatalf("Check = %v, want the title and the text", got)
	}
	for _, o := range got {
		value := map[string]string{"title": c.Title, "text": c.Text}[o.Field]
		if o.Length != utf8.RuneCountInString(value) || o.Limit <= 0 || o.Limit >= o.Length {
			t.Errorf("%+v for a value of %d characters", o, utf8.RuneCountInString(value))
		}
		for n, wantFit := range map[int]bool{o.Limit: true, o.Limit + 1: false} {
			short := c
			cut := string([]rune(value)[:n])
			if o.Field == "title" {
				short.Title = cut
			} else {
				short.Text = cut
			}
			fits := true
			for _, so := range Check(f, short) {
				fits = fits && so.Field != o.Field
			}
			if fits != wantFit {
				t.Errorf("%s cut to %d characters: fits %v, want %v", o.Field, n, fits, wantFit)
			}
		}
	}
	_, errPDF := PDF(f, c, Options{Watermark: true})
	_, errPNG := PNG(f, c, Options{Watermark: true}, 200)
	for _, err := range []error{errPDF, errPNG} {
		var oe *OverflowError
		if !errors.Is(err, ErrOverflow) || !errors.As(err, &oe) || !reflect.DeepEqual(oe.Overflows, got) {
			t.Errorf("rendering what does not fit: %v, want the overflows %v", err, got)
		}
	}
}

// TestCheckLongField gives fields over the schema's 5000 characters.
func TestCheckLongField(t *testing.T) {
	t.Parallel()
	c := dutchContent("poster", nil)
	c.Contact = strings.Repeat("é", 20_000)
	got := Check(demoFormats[3].format, c)
	if len(got) != 1 || got[0].Field != "contact" || got[0].Length != 20_000 || got[0].Limit >= maxFieldRunes {
		t.Errorf("Check = %v", got)
	}
}

// TestFormatOutOfRange refuses formats under 20 mm, over 1000 mm or not
// a number.
func TestFormatOutOfRange(t *testing.T) {
	t.Parallel()
	for _, f := range []Format{
		{Width: 19.9, Height: 100}, {Width: 100, Height: 1000.1}, {Width: math.NaN(), Height: 100},
		{Width: 100, Height: math.Inf(1)}, {Width: 0, Height: 0, Round: true}, {Width: 2000, Round: true},
	} {
		if _, err := NewLayout(f, dutchContent("poster", nil)); !errors.Is(err, ErrFormat) {
			t.Errorf("%v: %v, want ErrFormat", f, err)
		}
		if _, err := PDF(f, dutchContent("poster", nil), Options{}); !errors.Is(err, ErrFormat) {
			t.Errorf("PDF %v: %v, want ErrFormat", f, err)
		}
	}
	// the smallest formats hold little text, but always the team's name
	for _, f := range []Format{{Width: 20, Height: 20}, {Width: 1000, Height: 1000}, {Width: 20, Round: true}, {Width: 1000, Height: 20}} {
		c := Content{Title: "Buurtfeest", Text: "Iedereen welkom.", TeamName: "Buurtteam Haarlem-Noord"}
		if f.Width < 100 || f.Height < 100 {
			c.Title, c.Text = "", ""
		}
		l, err := NewLayout(f, c)
		if err != nil {
			t.Errorf("%v: %v", f, err)
			continue
		}
		checkLayout(t, l)
	}
}

// TestFontsCoverDutch checks both fonts have the characters Dutch needs.
func TestFontsCoverDutch(t *testing.T) {
	t.Parallel()
	if _, _, err := faces(); err != nil {
		t.Fatal(err)
	}
	for _, r := range "ëéèêïíóöüúàäçĳĲ€‘’“”–—…·ÉËÏÖÜ" {
		if !hasGlyph(r) {
			t.Errorf("%c (%U) is missing from a font", r, r)
		}
	}
	if got := cleanText("e\u0308e\u0301 i\u0308\r\n\tx\u200f🎉 € 2,50"); got != "ëé ï\n x? €\u00a02,50" {
		t.Errorf("cleanText = %q", got)
	}
}

var (
	fuzzPhotoOnce sync.Once
	fuzzPhoto     []byte
)

// FuzzLayout lays out random titles, texts and contact lines in the demo
// formats: it never panics, never sets a line outside its frame or a
// character the fonts lack, drops nothing it sets, and Check, NewLayout
// and the renderers agree on what fits.
func FuzzLayout(f *testing.F) {
	f.Add("Zomerfeest in de Ĳsselstraat", "Ideeën? Kom langs bij de coördinator.", "Bel 023-555 12 34", uint8(2), true)
	f.Add("e\u0301\u0308\u0323\u0336 q\u0308", "a\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307", "", uint8(4), false)
	f.Add("🎉👩‍👩‍👧 feest", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", "☎ 🏠", uint8(5), true)
	f.Add("שלום עולם", "مرحبا بالعالم \u202eomgevelde tekst\u202c", "\u200fRTL", uint8(6), false)
	f.Add(strings.Repeat("W", 300), strings.Repeat("Buurtfeestorganisatiecommissievergadering", 60), strings.Repeat("@", 200), uint8(7), false)
	f.Add("\n\n\n", strings.Repeat("\n", 400), "\r\n\t", uint8(0), true)
	f.Add("\xff\xfe\x00", "\x00\x01\x02\x7f\u0085\u2028\u2029", "\ufeff", uint8(1), false)
	f.Add("", "", "", uint8(3), false)
	f.Add(strings.Repeat("a ", 2500), strings.Repeat("ij ", 1700), strings.Repeat("x", 5001), uint8(8), true)
	f.Fuzz(func(t *testing.T, title, text, contact string, which uint8, photo bool) {
		df := demoFormats[int(which)%len(demoFormats)]
		c := Content{Kind: df.kind, Title: title, Text: text, Contact: contact, TeamName: title + contact,
			Primary: color.RGBA{which, 255 - which, 128, 255}}
		if photo {
			fuzzPhotoOnce.Do(func() { fuzzPhoto = testJPEG(t, 64, 48, color.RGBA{90, 90, 90, 255}) })
			c.Photo = fuzzPhoto
		}
		overflows := Check(df.format, c)
		l, err := NewLayout(df.format, c)
		_, errPNG := PNG(df.format, c, Options{Watermark: which%2 == 0}, 64)
		if err != nil {
			var oe *OverflowError
			if !errors.As(err, &oe) {
				t.Fatalf("NewLayout: %v", err)
			}
			if !reflect.DeepEqual(oe.Overflows, overflows) || len(overflows) == 0 {
				t.Fatalf("NewLayout's overflows %v, Check's %v", oe.Overflows, overflows)
			}
			for _, o := range overflows {
				if o.Limit < 0 || o.Limit >= o.Length {
					t.Errorf("%+v", o)
				}
			}
			if !errors.Is(errPNG, ErrOverflow) {
				t.Fatalf("PNG of what does not fit: %v", errPNG)
			}
			return
		}
		if len(overflows) > 0 {
			t.Fatalf("NewLayout set it, Check says %v", overflows)
		}
		if errPNG != nil {
			t.Fatalf("PNG of what fits: %v", errPNG)
		}
		checkLayout(t, l)
		for field, value := range map[string]string{"title": title, "text": text, "contact": contact} {
			if got, want := blockText(l, field), withoutSpaces(cleanText(value)); got != want {
				t.Errorf("%s set as %q, want %q", field, got, want)
			}
		}
		if which%8 == 0 { // the PDF too, for some
			if _, err := PDF(df.format, c, Options{Watermark: true}); err != nil {
				t.Fatalf("PDF of what fits: %v", err)
			}
		}
	})
}
