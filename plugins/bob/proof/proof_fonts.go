package proof

import (
	"math"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// typeface is one of the two fonts a proof is set in, with the metrics
// both renderers share: the PDF's glyph widths (in thousandths of an em,
// rounded as the PDF's /W array rounds them) are the widths the layout
// breaks lines with, and the PNG advances its pen by.
type typeface struct {
	ttf  []byte
	font *sfnt.Font
	// widths holds every rune the font has a glyph for below U+10000 (the
	// PDF writer encodes text as UTF-16 code units of the BMP).
	widths map[rune]int
	// ascent, descent and capHeight are in thousandths of an em, all
	// positive.
	ascent, descent, capHeight int
}

var (
	fontsOnce         sync.Once
	fontsErr          error
	regular, boldFace *typeface
)

// faces returns the regular and the bold typeface, parsed once.
func faces() (*typeface, *typeface, error) {
	fontsOnce.Do(func() {
		regular, fontsErr = parseTypeface(goregular.TTF)
		if fontsErr != nil {
			return
		}
		boldFace, fontsErr = parseTypeface(gobold.TTF)
	})
	return regular, boldFace, fontsErr
}

// face returns the bold or the regular typeface; faces must have
// succeeded.
func face(bold bool) *typeface {
	if bold {
		return boldFace
	}
	return regular
}

func parseTypeface(ttf []byte) (*typeface, error) {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, err
	}
	upem := int(f.UnitsPerEm())
	var buf sfnt.Buffer
	t := &typeface{ttf: ttf, font: f, widths: make(map[rune]int, 700)}
	// advances are asked at one pixel per font unit, so they come back in
	// font units (26.6 fixed point)
	ppem := fixed.Int26_6(upem << 6)
	for r := rune(0x20); r < 0x10000; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue // surrogates
		}
		g, err := f.GlyphIndex(&buf, r)
		if err != nil || g == 0 {
			continue
		}
		adv, err := f.GlyphAdvance(&buf, g, ppem, 0)
		if err != nil {
			continue
		}
		t.widths[r] = int(math.Round(float64(adv) / 64 * 1000 / float64(upem)))
	}
	m, err := f.Metrics(&buf, ppem, 0)
	if err != nil {
		return nil, err
	}
	t.ascent = int(math.Round(float64(m.Ascent) / 64 * 1000 / float64(upem)))
	t.descent = int(math.Round(float64(m.Descent) / 64 * 1000 / float64(upem)))
	t.capHeight = int(math.Round(float64(m.CapHeight) / 64 * 1000 / float64(upem)))
	return t, nil
}

// width returns the width of s in thousandths of an em.
func (t *typeface) width(s string) int {
	w := 0
	for _, r := range s {
		w += t.widths[r]
	}
	return w
}

// replacement stands for a character neither font has (an emoji, a
// script the Go fonts do not cover): the proof shows the reader where it
// was, and the PDF never carries a glyph it has no font for.
const replacement = '?'

// cleanText returns s as the proof sets it: composed (NFC, so an e and a
// combining diaeresis print as one ë), line ends as \n, tabs and other
// spaces as a space, control and format characters (bidi marks, zero
// width joiners) dropped, and characters the fonts lack replaced. The
// space after a euro sign does not break: "€ 2,50" stays on one line.
func cleanText(s string) string {
	s = strings.ReplaceAll(norm.NFC.String(s), "€ ", "€\u00a0")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteByte('\n')
		case r == '\r':
			// dropped: the \r of \r\n
		case r == '\t' || (unicode.IsSpace(r) && r != '\u00a0'):
			b.WriteByte(' ')
		case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
			// dropped: bidi marks, zero width joiners, BOM
		case hasGlyph(r):
			b.WriteRune(r)
		default:
			b.WriteRune(replacement)
		}
	}
	return b.String()
}

func hasGlyph(r rune) bool {
	_, inRegular := regular.widths[r]
	_, inBold := boldFace.widths[r]
	return inRegular && inBold
}
