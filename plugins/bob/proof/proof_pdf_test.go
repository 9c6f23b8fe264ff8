package proof

import (
	"bytes"
	"encoding/hex"
	"image/color"
	"math"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// pdfPage is page 1 of a PDF as pdfcpu reads it.
type pdfPage struct {
	ctx  *model.Context
	dict types.Dict
	inh  *model.InheritedPageAttrs
}

func readPDF(t *testing.T, data []byte) pdfPage {
	t.Helper()
	ctx, err := api.ReadContext(bytes.NewReader(data), model.NewDefaultConfiguration())
	if err != nil {
		t.Fatalf("pdfcpu cannot read the PDF: %v", err)
	}
	if err := api.ValidateContext(ctx); err != nil {
		t.Fatalf("pdfcpu finds the PDF invalid: %v", err)
	}
	if ctx.PageCount != 1 {
		t.Fatalf("%d pages, want 1", ctx.PageCount)
	}
	dict, _, inh, err := ctx.PageDict(1, false)
	if err != nil {
		t.Fatal(err)
	}
	return pdfPage{ctx, dict, inh}
}

// box returns the page's box name as [llx lly urx ury] in points.
func (p pdfPage) box(t *testing.T, name string) [4]float64 {
	t.Helper()
	o, ok := p.dict.Find(name)
	if !ok && name == "MediaBox" && p.inh.MediaBox != nil {
		r := p.inh.MediaBox
		return [4]float64{r.LL.X, r.LL.Y, r.UR.X, r.UR.Y}
	}
	if !ok {
		t.Fatalf("the page has no %s", name)
	}
	arr, err := p.ctx.DereferenceArray(o)
	if err != nil || len(arr) != 4 {
		t.Fatalf("%s: %v %v", name, arr, err)
	}
	var b [4]float64
	for i, v := range arr {
		if b[i], err = p.ctx.DereferenceNumber(v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return b
}

// resources returns the page's resource dict of kind (Font, XObject,
// ExtGState), nil when it has none.
func (p pdfPage) resources(t *testing.T, kind string) types.Dict {
	t.Helper()
	resObj, ok := p.dict.Find("Resources")
	if !ok {
		t.Fatal("the page has no resources")
	}
	res, err := p.ctx.DereferenceDict(resObj)
	if err != nil {
		t.Fatal(err)
	}
	o, ok := res.Find(kind)
	if !ok {
		return nil
	}
	d, err := p.ctx.DereferenceDict(o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// fonts returns the page's font dicts by resource name.
func (p pdfPage) fonts(t *testing.T) map[string]types.Dict {
	t.Helper()
	out := map[string]types.Dict{}
	for name, o := range p.resources(t, "Font") {
		d, err := p.ctx.DereferenceDict(o)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = d
	}
	if len(out) == 0 {
		t.Fatal("the page has no fonts")
	}
	return out
}

// fillAlphas returns the fill opacities (ca) under 1 of the page's
// graphics states.
func (p pdfPage) fillAlphas(t *testing.T) []float64 {
	t.Helper()
	var alphas []float64
	for _, o := range p.resources(t, "ExtGState") {
		gs, err := p.ctx.DereferenceDict(o)
		if err != nil {
			t.Fatal(err)
		}
		if ca, ok := gs.Find("ca"); ok {
			if v, err := p.ctx.DereferenceNumber(ca); err == nil && v < 1 {
				alphas = append(alphas, v)
			}
		}
	}
	return alphas
}

// dict follows key of d to a dict, the first element where it is an array.
func (p pdfPage) dictAt(t *testing.T, d types.Dict, key string) types.Dict {
	t.Helper()
	o, ok := d.Find(key)
	if !ok {
		t.Fatalf("no %s in %v", key, d)
	}
	o, err := p.ctx.Dereference(o)
	if err != nil {
		t.Fatal(err)
	}
	if arr, ok := o.(types.Array); ok && len(arr) > 0 {
		if o, err = p.ctx.Dereference(arr[0]); err != nil {
			t.Fatal(err)
		}
	}
	dd, ok := o.(types.Dict)
	if !ok {
		t.Fatalf("%s is a %T", key, o)
	}
	return dd
}

// stream returns the decoded content of the stream at key of d.
func (p pdfPage) stream(t *testing.T, d types.Dict, key string) []byte {
	t.Helper()
	o, ok := d.Find(key)
	if !ok {
		t.Fatalf("no %s", key)
	}
	sd, _, err := p.ctx.DereferenceStreamDict(o)
	if err != nil || sd == nil {
		t.Fatalf("%s: %v", key, err)
	}
	if err := sd.Decode(); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return sd.Content
}

// text returns the page's text, one line for each string shown, decoded
// through the ToUnicode CMap of the font it is shown in.
func (p pdfPage) text(t *testing.T) string {
	t.Helper()
	cmaps := map[string]map[string]string{}
	for name, f := range p.fonts(t) {
		cmaps[name] = parseToUnicode(t, string(p.stream(t, f, "ToUnicode")))
	}
	content, err := p.ctx.PageContent(p.dict, 1)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	var font, lastName string
	var operand []byte
	for i := 0; i < len(content); {
		c := content[i]
		switch {
		case c == '(':
			operand, i = literalString(content, i)
		case c == '/':
			j := i + 1
			for j < len(content) && !isDelimiter(content[j]) {
				j++
			}
			lastName, i = string(content[i+1:j]), j
		case isDelimiter(c):
			i++
		default:
			j := i
			for j < len(content) && !isDelimiter(content[j]) {
				j++
			}
			switch string(content[i:j]) {
			case "Tf":
				font = lastName
			case "Tj":
				cmap, ok := cmaps[font]
				if !ok {
					t.Fatalf("text shown in font %q, which the page does not have", font)
				}
				out.WriteString(decodeCMap(t, cmap, operand))
				out.WriteByte('\n')
			}
			i = j
		}
	}
	return out.String()
}

func isDelimiter(c byte) bool {
	return strings.IndexByte(" \t\r\n\f\x00()<>[]{}/%", c) >= 0
}

// literalString reads the PDF literal string starting at b[i] == '('.
func literalString(b []byte, i int) ([]byte, int) {
	var s []byte
	depth := 0
	for i++; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\\' && i+1 < len(b):
			i++
			switch e := b[i]; e {
			case 'n':
				s = append(s, '\n')
			case 'r':
				s = append(s, '\r')
			case 't':
				s = append(s, '\t')
			case 'b':
				s = append(s, '\b')
			case 'f':
				s = append(s, '\f')
			case '\r', '\n': // a line continuation
			default:
				if e >= '0' && e <= '7' {
					v := 0
					for k := 0; k < 3 && i < len(b) && b[i] >= '0' && b[i] <= '7'; k++ {
						v = v*8 + int(b[i]-'0')
						i++
					}
					i--
					s = append(s, byte(v))
				} else {
					s = append(s, e)
				}
			}
		case c == '(':
			depth++
			s = append(s, c)
		case c == ')':
			if depth == 0 {
				return s, i + 1
			}
			depth--
			s = append(s, c)
		default:
			s = append(s, c)
		}
	}
	return s, i
}

// parseToUnicode reads the bfchar and bfrange sections of a ToUnicode
// CMap into a map from source code (hex) to text.
func parseToUnicode(t *testing.T, cmap string) map[string]string {
	t.Helper()
	out := map[string]string{}
	hexes := func(section string) [][]byte {
		var hs [][]byte
		for _, f := range strings.Fields(section) {
			if !strings.HasPrefix(f, "<") || !strings.HasSuffix(f, ">") {
				t.Fatalf("a CMap entry this test does not read: %q", f)
			}
			h, err := hex.DecodeString(f[1 : len(f)-1])
			if err != nil {
				t.Fatal(err)
			}
			hs = append(hs, h)
		}
		return hs
	}
	sections := func(begin, end string) []string {
		var out []string
		for rest := cmap; ; {
			i := strings.Index(rest, begin)
			if i < 0 {
				return out
			}
			rest = rest[i+len(begin):]
			j := strings.Index(rest, end)
			out = append(out, rest[:j])
			rest = rest[j:]
		}
	}
	for _, sec := range sections("beginbfchar", "endbfchar") {
		hs := hexes(sec)
		for i := 0; i+1 < len(hs); i += 2 {
			out[hex.EncodeToString(hs[i])] = utf16String(hs[i+1])
		}
	}
	for _, sec := range sections("beginbfrange", "endbfrange") {
		hs := hexes(sec)
		for i := 0; i+2 < len(hs); i += 3 {
			lo, hi, dst := beUint(hs[i]), beUint(hs[i+1]), beUint(hs[i+2])
			if hi-lo > 0x10000 {
				t.Fatalf("a bfrange too large: %x-%x", lo, hi)
			}
			for code := lo; code <= hi; code++ {
				src := make([]byte, len(hs[i]))
				putBE(src, code)
				d := make([]byte, len(hs[i+2]))
				putBE(d, dst+code-lo)
				out[hex.EncodeToString(src)] = utf16String(d)
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("the ToUnicode CMap maps nothing")
	}
	return out
}

// decodeCMap decodes a shown string of two-byte codes through a CMap.
func decodeCMap(t *testing.T, cmap map[string]string, s []byte) string {
	t.Helper()
	if len(s)%2 != 0 {
		t.Fatalf("a shown string of %d bytes, not of two-byte codes", len(s))
	}
	var b strings.Builder
	for i := 0; i < len(s); i += 2 {
		u, ok := cmap[hex.EncodeToString(s[i:i+2])]
		if !ok {
			t.Fatalf("code %x is not in the ToUnicode CMap", s[i:i+2])
		}
		b.WriteString(u)
	}
	return b.String()
}

func beUint(b []byte) int {
	v := 0
	for _, c := range b {
		v = v<<8 | int(c)
	}
	return v
}

func putBE(b []byte, v int) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
}

func utf16String(b []byte) string {
	var rs []rune
	for i := 0; i+1 < len(b); i += 2 {
		u := rune(b[i])<<8 | rune(b[i+1])
		if u >= 0xD800 && u < 0xDC00 && i+3 < len(b) {
			l := rune(b[i+2])<<8 | rune(b[i+3])
			u = (u-0xD800)<<10 + (l - 0xDC00) + 0x10000
			i += 2
		}
		rs = append(rs, u)
	}
	return string(rs)
}

func pt(mm float64) float64 { return mm * 72 / 25.4 }

func sameBox(t *testing.T, name string, got, want [4]float64) {
	t.Helper()
	for i := range got {
		if math.Abs(got[i]-want[i]) > 0.01 {
			t.Errorf("%s = %.3f, want %.3f", name, got, want)
			return
		}
	}
}

// TestPDFPrintReady renders every format of the demo catalogue as a proof
// and as a print file and reads them back with pdfcpu: the boxes, the
// embedded fonts, the Dutch text through the fonts' ToUnicode maps, and
// the watermark on the proof only.
func TestPDFPrintReady(t *testing.T) {
	t.Parallel()
	photo := testJPEG(t, 1600, 1200, color.RGBA{10, 200, 30, 255})
	for _, df := range demoFormats {
		f := df.format
		for _, watermark := range []bool{true, false} {
			c := dutchContent(df.kind, photo)
			c.Logo = testLogo(t, color.RGBA{250, 250, 0, 255})
			r, err := PDF(f, c, Options{Watermark: watermark})
			if err != nil {
				t.Fatalf("%s %s: %v", df.kind, f.Code, err)
			}
			p := readPDF(t, r.PDF)
			h := f.Height
			media := [4]float64{0, 0, pt(f.Width + 2*Bleed), pt(h + 2*Bleed)}
			sameBox(t, f.Code+" MediaBox", p.box(t, "MediaBox"), media)
			sameBox(t, f.Code+" BleedBox", p.box(t, "BleedBox"), media)
			sameBox(t, f.Code+" TrimBox", p.box(t, "TrimBox"), [4]float64{pt(Bleed), pt(Bleed), pt(Bleed + f.Width), pt(Bleed + h)})

			if imgs := p.embeddedImages(t); len(imgs) != 2 {
				t.Errorf("%s: %d images embedded, want the photo and the logo", f.Code, len(imgs))
			}
			fonts := p.fonts(t)
			if len(fonts) < 2 {
				t.Errorf("%s: %d fonts, want the regular and the bold", f.Code, len(fonts))
			}
			for name, font := range fonts {
				desc := p.dictAt(t, p.dictAt(t, font, "DescendantFonts"), "FontDescriptor")
				if ttf := p.stream(t, desc, "FontFile2"); len(ttf) < 1000 {
					t.Errorf("%s: font %s embeds %d bytes", f.Code, name, len(ttf))
				}
			}

			text := p.text(t)
			for _, want := range []string{"Ĳsselstraat", "Ideeën?", "coördinator,", "Café", "‘De", "Kroeg’", "€", "“naïef”", "Buurtteam Haarlem-Noord"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s %s: %q is not in the PDF's text:\n%s", df.kind, f.Code, want, text)
				}
			}
			if alpha := p.fillAlphas(t); watermark != (len(alpha) == 1 && alpha[0] > 0 && alpha[0] < 0.5) {
				t.Errorf("%s watermark %v: fill opacities %v, want one under 0.5 for the watermark alone", f.Code, watermark, alpha)
			}
			if got := strings.Contains(text, "PROEF"); got != watermark {
				t.Errorf("%s %s watermark %v: PROEF in the text is %v", df.kind, f.Code, watermark, got)
			}
		}
	}
}

// TestLayoutMeasuresAsThePDF compares the layout's line widths with the
// widths fpdf computes for the same lines in the same fonts.
func TestLayoutMeasuresAsThePDF(t *testing.T) {
	t.Parallel()
	l, err := NewLayout(demoFormats[2].format, dutchContent("poster", nil))
	if err != nil {
		t.Fatal(err)
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(fontFamily, "", regular.ttf)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", boldFace.ttf)
	pdf.AddPage()
	lines := 0
	for _, b := range l.Blocks {
		style := ""
		if b.Bold {
			style = "B"
		}
		pdf.SetFont(fontFamily, style, b.Size)
		for _, line := range b.Lines {
			lines++
			if got := pdf.GetStringWidth(line.Text); math.Abs(got-line.W) > 1e-6 {
				t.Errorf("%s %q: fpdf measures %.4f mm, the layout %.4f mm", b.Field, line.Text, got, line.W)
			}
		}
	}
	if lines < 4 || pdf.Err() {
		t.Fatalf("%d lines measured, fpdf: %v", lines, pdf.Error())
	}
}

// TestPDFOddTitles renders titles that are not valid UTF-8 or lie outside
// the BMP: the document's title metadata is set from the cleaned text.
func TestPDFOddTitles(t *testing.T) {
	t.Parallel()
	for _, title := range []string{"Feest \xe2", "Feest \xf0\x9f", "🎉 Feest 🎉", "\xff"} {
		c := dutchContent("flyer", nil)
		c.Title = title
		r, err := PDF(demoFormats[0].format, c, Options{Watermark: true})
		if err != nil {
			t.Fatalf("%q: %v", title, err)
		}
		readPDF(t, r.PDF)
	}
}
