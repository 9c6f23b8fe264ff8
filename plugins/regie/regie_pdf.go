package regie

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the reader's time zone, also on a machine without zoneinfo
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// The page of a client's PDFs: A4, in millimetres.
const (
	pdfMargin   = 18.0
	pdfFontSize = 9.5
	pdfLine     = 4.6
	pdfFamily   = "Go"

	// pdfCellLines bounds a table cell, so that a row always fits a page
	// (a list read names up to 2,000 characters of records)
	pdfCellLines = 30
)

// pdfZone is the time zone the PDFs give times in.
var pdfZone = func() *time.Location {
	zone, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.UTC
	}
	return zone
}()

// pdfTime returns t as a reader in the Netherlands reads it.
func pdfTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(pdfZone).Format("02-01-2006 15:04")
}

// pdfFonts are the Go fonts the PDFs embed, parsed once to know which
// characters they have a glyph for.
var pdfFonts = sync.OnceValues(func() (*sfnt.Font, error) {
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("parsing the Go font: %w", err)
	}
	return f, nil
})

// pdfDoc is a PDF of a client's file being written: a title, headings,
// label–value lines and tables, on as many pages as it takes, each with
// the title and the page number at its foot.
type pdfDoc struct {
	pdf  *fpdf.Fpdf
	font *sfnt.Font
	buf  sfnt.Buffer
}

// newPDF starts a PDF with title on its first page and at the foot of
// every page, with generated in the footer; a wide table asks for
// landscape pages.
func newPDF(title string, generated time.Time, landscape bool) (*pdfDoc, error) {
	font, err := pdfFonts()
	if err != nil {
		return nil, err
	}
	orientation := "P"
	if landscape {
		orientation = "L"
	}
	d := &pdfDoc{pdf: fpdf.New(orientation, "mm", "A4", ""), font: font}
	pdf := d.pdf
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(true, pdfMargin)
	pdf.SetCreator("Buurtplein", true)
	pdf.SetTitle(d.clean(title), true)
	pdf.AddUTF8FontFromBytes(pdfFamily, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(pdfFamily, "B", gobold.TTF)
	pdf.AliasNbPages("")
	foot := d.clean(fmt.Sprintf("%s · gemaakt %s", title, pdfTime(generated)))
	pdf.SetFooterFunc(func() {
		pdf.SetY(-pdfMargin + 6)
		pdf.SetFont(pdfFamily, "", 7.5)
		pdf.SetTextColor(90, 90, 90)
		w, _ := pdf.GetPageSize()
		pdf.CellFormat((w-2*pdfMargin)*0.8, 4, foot, "", 0, "L", false, 0, "")
		pdf.CellFormat((w-2*pdfMargin)*0.2, 4, fmt.Sprintf("pagina %d van {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont(pdfFamily, "B", 16)
	pdf.SetTextColor(0, 0, 0)
	pdf.MultiCell(0, 8, d.clean(title), "", "L", false)
	pdf.Ln(2)
	return d, nil
}

// heading starts a section; a heading at the foot of a page goes to the
// next one with its first lines.
func (d *pdfDoc) heading(text string) {
	pdf := d.pdf
	_, h := pdf.GetPageSize()
	if pdf.GetY() > h-pdfMargin-25 {
		pdf.AddPage()
	}
	pdf.Ln(3)
	pdf.SetFont(pdfFamily, "B", 12)
	pdf.SetTextColor(20, 60, 110)
	pdf.MultiCell(0, 6, d.clean(text), "", "L", false)
	pdf.SetTextColor(0, 0, 0)
	pdf.Ln(1)
}

// subheading names one record of a section.
func (d *pdfDoc) subheading(text string) {
	d.pdf.Ln(1.5)
	d.pdf.SetFont(pdfFamily, "B", pdfFontSize+0.5)
	d.pdf.MultiCell(0, pdfLine+0.4, d.clean(text), "", "L", false)
}

// paragraph writes text in the regular face.
func (d *pdfDoc) paragraph(text string) {
	d.pdf.SetFont(pdfFamily, "", pdfFontSize)
	d.pdf.MultiCell(0, pdfLine, d.clean(text), "", "L", false)
}

// field writes "label: value" with the label in bold in a column of its
// own; an empty value is shown as a dash.
func (d *pdfDoc) field(label, value string) {
	const labelWidth = 42.0
	pdf := d.pdf
	if strings.TrimSpace(value) == "" {
		value = "–"
	}
	pdf.SetFont(pdfFamily, "B", pdfFontSize)
	pdf.CellFormat(labelWidth, pdfLine, d.clean(label), "", 0, "L", false, 0, "")
	pdf.SetFont(pdfFamily, "", pdfFontSize)
	pdf.MultiCell(0, pdfLine, d.clean(value), "", "L", false)
}

// table writes rows under header in columns of widths (mm), repeating
// the header on every page the table runs onto. A row is as high as its
// tallest cell.
func (d *pdfDoc) table(widths []float64, header []string, rows [][]string) {
	pdf := d.pdf
	_, pageHeight := pdf.GetPageSize()
	const size = 7.5
	const lineHeight = 3.6
	pdf.SetAutoPageBreak(false, pdfMargin)
	defer pdf.SetAutoPageBreak(true, pdfMargin)

	var drawRow func(cells []string, bold, fill bool)
	drawRow = func(cells []string, bold, fill bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont(pdfFamily, style, size)
		lines := make([][]string, len(cells))
		n := 1
		for i, c := range cells {
			lines[i] = pdf.SplitText(d.clean(c), widths[i]-1.5)
			if len(lines[i]) > pdfCellLines {
				lines[i] = append(lines[i][:pdfCellLines-1], "…")
			}
			n = max(n, len(lines[i]))
		}
		h := float64(n)*lineHeight + 1.2
		if pdf.GetY()+h > pageHeight-pdfMargin {
			pdf.AddPage()
			if !bold {
				drawRow(header, true, true)
				pdf.SetFont(pdfFamily, style, size)
			}
		}
		x, y := pdfMargin, pdf.GetY()
		if fill {
			pdf.SetFillColor(232, 238, 245)
			pdf.Rect(x, y, sum(widths), h, "F")
		}
		for i := range cells {
			for j, line := range lines[i] {
				pdf.SetXY(x+0.75, y+0.6+float64(j)*lineHeight)
				pdf.CellFormat(widths[i]-1.5, lineHeight, line, "", 0, "L", false, 0, "")
			}
			x += widths[i]
		}
		pdf.SetDrawColor(200, 200, 200)
		pdf.Line(pdfMargin, y+h, pdfMargin+sum(widths), y+h)
		pdf.SetXY(pdfMargin, y+h)
	}
	drawRow(header, true, true)
	for i, row := range rows {
		drawRow(row, false, i%2 == 1)
	}
	pdf.Ln(2)
}

// bytes returns the finished PDF.
func (d *pdfDoc) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("writing the PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// clean returns s as the PDF can show it: composed (an e with a combining
// diaeresis prints as one ë), tabs as spaces, control and format
// characters dropped, and a character the Go fonts have no glyph for (an
// emoji) as "?", so no text is lost silently or shown as a blank box.
func (d *pdfDoc) clean(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteByte('\n')
		case r == '\t' || (unicode.IsSpace(r) && r != '\u00a0'):
			b.WriteByte(' ')
		case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
		case r < 0x10000 && d.hasGlyph(r):
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

func (d *pdfDoc) hasGlyph(r rune) bool {
	g, err := d.font.GlyphIndex(&d.buf, r)
	return err == nil && g != 0
}

func sum(xs []float64) float64 {
	total := 0.0
	for _, x := range xs {
		total += x
	}
	return total
}
