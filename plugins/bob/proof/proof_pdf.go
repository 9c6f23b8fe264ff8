package proof

import (
	"bytes"
	"fmt"
	"image/color"

	"github.com/go-pdf/fpdf"
)

// fontFamily is the family name of the embedded Go fonts in the PDF.
const fontFamily = "Go"

// watermarkAlpha is the opacity of the "PROEF" watermark.
const watermarkAlpha = 0.25

// renderPDF draws the prepared layout as a one-page PDF: the MediaBox and
// the BleedBox the page with its bleed, the TrimBox the format.
func renderPDF(p *prepared, c Content) ([]byte, error) {
	l := p.layout
	pdf := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "mm",
		Size:           fpdf.SizeType{Wd: l.Page.W, Ht: l.Page.H},
	})
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCreator("Buurtplein", true)
	// cleaned, as fpdf encodes only the characters of the BMP and valid UTF-8
	pdf.SetTitle(cleanText(truncateRunes(c.Title, 200)), true)
	pdf.AddUTF8FontFromBytes(fontFamily, "", regular.ttf)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", boldFace.ttf)
	pdf.SetPageBox("trim", l.Trim.X, l.Trim.Y, l.Trim.W, l.Trim.H)
	pdf.SetPageBox("bleed", l.Page.X, l.Page.Y, l.Page.W, l.Page.H)
	pdf.AddPage()

	for _, b := range l.Bands {
		pdfBand(pdf, b)
	}
	if p.photo != nil {
		jpg, err := p.photo.jpegBytes()
		if err != nil {
			return nil, err
		}
		opts := fpdf.ImageOptions{ImageType: "JPEG"}
		pdf.RegisterImageOptionsReader("photo", opts, bytes.NewReader(jpg))
		pdf.ImageOptions("photo", l.Photo.X, l.Photo.Y, l.Photo.W, l.Photo.H, false, opts, 0, "")
	}
	if p.logo != nil {
		data, err := pngBytes(p.logo)
		if err != nil {
			return nil, fmt.Errorf("proof: logo: %w", err)
		}
		r := contain(l.Logo, p.logo.Bounds().Dx(), p.logo.Bounds().Dy())
		opts := fpdf.ImageOptions{ImageType: "PNG"}
		pdf.RegisterImageOptionsReader("logo", opts, bytes.NewReader(data))
		pdf.ImageOptions("logo", r.X, r.Y, r.W, r.H, false, opts, 0, "")
	}
	for _, b := range l.Blocks {
		pdfBlock(pdf, b)
	}
	if p.note != nil {
		pdfBand(pdf, Band{Rect: l.PhotoNote, Color: watermarkRed})
		pdfBlock(pdf, *p.note)
	}
	if p.options.Watermark {
		pdfWatermark(pdf, l.Watermark)
	}
	pdfCropMarks(pdf, l.Marks)

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("proof: pdf: %w", err)
	}
	return buf.Bytes(), nil
}

func pdfBand(pdf *fpdf.Fpdf, b Band) {
	switch {
	case b.Round:
		pdf.SetFillColor(rgb(b.Color))
		pdf.Ellipse(b.X+b.W/2, b.Y+b.H/2, b.W/2, b.H/2, 0, "F")
	case b.Stroke > 0:
		pdf.SetDrawColor(rgb(b.Color))
		pdf.SetLineWidth(b.Stroke)
		// the outline's outer edge on the rectangle
		s := b.Stroke / 2
		pdf.Rect(b.X+s, b.Y+s, b.W-2*s, b.H-2*s, "D")
	default:
		pdf.SetFillColor(rgb(b.Color))
		pdf.Rect(b.X, b.Y, b.W, b.H, "F")
	}
}

func pdfBlock(pdf *fpdf.Fpdf, b Block) {
	style := ""
	if b.Bold {
		style = "B"
	}
	pdf.SetFont(fontFamily, style, b.Size)
	pdf.SetTextColor(rgb(b.Color))
	for _, line := range b.Lines {
		pdf.Text(line.X, line.Baseline, line.Text)
	}
}

func pdfWatermark(pdf *fpdf.Fpdf, w Watermark) {
	pdf.SetAlpha(watermarkAlpha, "Normal")
	pdf.TransformBegin()
	pdf.TransformRotate(w.Angle, w.X, w.Y)
	pdf.SetFont(fontFamily, "B", w.Size)
	pdf.SetTextColor(rgb(w.Color))
	pdf.Text(w.X-w.Width/2, w.Y+watermarkRise(w), w.Text)
	pdf.TransformEnd()
	pdf.SetAlpha(1, "Normal")
}

// watermarkRise is how far below the centre the watermark's baseline
// lies: half its capital height, so the capitals centre on the page.
func watermarkRise(w Watermark) float64 {
	return float64(boldFace.capHeight) / 1000 * w.Size * mmPerPt / 2
}

// pdfCropMarks draws the crop marks in registration black on a white
// halo, so they show on a band that runs into the bleed.
func pdfCropMarks(pdf *fpdf.Fpdf, marks []Mark) {
	for _, pass := range []struct {
		width float64
		c     color.RGBA
	}{{0.35, white}, {0.1, color.RGBA{0, 0, 0, 0xff}}} {
		pdf.SetDrawColor(rgb(pass.c))
		pdf.SetLineWidth(pass.width)
		for _, m := range marks {
			pdf.Line(m.X1, m.Y1, m.X2, m.Y2)
		}
	}
}

func rgb(c color.RGBA) (int, int, int) { return int(c.R), int(c.G), int(c.B) }
