// Package proof lays out BOB's printed material (posters, flyers, ads,
// stickers, brochures) and renders it: a print-ready PDF (the chosen
// format plus 3 mm bleed on every side, TrimBox and BleedBox set, crop
// marks outside the trim, fonts embedded), with a diagonal "PROEF"
// watermark for a proof and without it for the print file, and a PNG
// preview of page 1 for phones. Both outputs are drawn from one [Layout],
// so the preview shows what the PDF prints.
//
// Example usage:
//
//	if overflows := proof.Check(format, content); len(overflows) > 0 {
//		// say which field is too long, and by how many characters
//	}
//	result, err := proof.Render(format, content, proof.Options{Watermark: true}, 480)
//	switch {
//	case errors.Is(err, proof.ErrPhotoTooLarge), errors.Is(err, proof.ErrPhotoNotImage):
//		// a 400 about the photo
//	case err != nil:
//		// ErrOverflow (Check was not asked), ErrFormat, or a failure
//	}
//	// result.PDF, result.PNG, result.Warnings
//
// Every text is set in the Go fonts (embedded in the PDF, with the
// characters Dutch needs); a character they lack prints as "?". Text
// never runs outside its frame: what does not fit at the smallest size is
// refused. Photos are checked by their header before they are decoded.
package proof

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
)

// Bleed is the bleed on every side of the trim, in millimetres.
const Bleed = 3.0

// Format is a product's format: the trimmed size in millimetres.
type Format struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	// Round is a round sticker: Width is its diameter.
	Round bool `json:"round,omitempty"`
}

// Content is what a team fills in for one piece of printed material, and
// what the proof takes from its team and its organisation.
type Content struct {
	// Kind is the product's kind: poster, flyer, advertisement, sticker
	// or brochure.
	Kind    string
	Title   string
	Text    string
	Contact string

	// TeamName is printed on every proof; Logo is the team's logo file
	// (PNG, JPEG or WebP bytes), nil for none.
	TeamName string
	Logo     []byte

	// Photo is the photo file (JPEG, PNG or WebP bytes), nil for none. Its
	// pixel size is checked before it is decoded.
	Photo []byte

	// Primary and Accent are the organisation's colours.
	Primary, Accent color.RGBA
}

// Options say what to render.
type Options struct {
	// Watermark draws the diagonal "PROEF" across the page (a proof); the
	// print file has none.
	Watermark bool
}

// Overflow says that a text field does not fit its frame in a format.
type Overflow struct {
	// Field is "title", "text" or "contact".
	Field string `json:"field"`
	// Length is the field's length in characters (Unicode code points);
	// Limit is how many of its first characters fit.
	Length int `json:"length"`
	Limit  int `json:"limit"`
}

// Warning is something a proof shows its reader and a person should act
// on, such as a photo under 300 dpi at print size.
type Warning struct {
	// Code is "photo_low_resolution".
	Code string `json:"code"`
	// DPI is the photo's resolution at print size.
	DPI int `json:"dpi,omitempty"`
}

// Result is a rendered PDF with what the proof warned about, and the PNG
// preview when [Render] was asked for one.
type Result struct {
	PDF      []byte
	PNG      []byte
	Warnings []Warning
}

// MaxPNGWidth bounds the width of a PNG preview in pixels.
const MaxPNGWidth = 2000

// Check returns the text fields of c that do not fit their frames in f at
// the smallest size the layout allows, without rendering anything; none
// when everything fits (and none for a format out of range, which [PDF]
// refuses with ErrFormat). The frames depend on whether c has a photo and
// a logo, not on their bytes: Check neither reads nor decodes them, so a
// caller without the photo at hand may pass any non-empty bytes for it.
func Check(f Format, c Content) []Overflow {
	_, err := NewLayout(f, c)
	var oe *OverflowError
	if errors.As(err, &oe) {
		return oe.Overflows
	}
	return nil
}

// PDF renders c in f as a PDF. Content that does not fit returns an
// [*OverflowError] (ErrOverflow); a photo that is too large or no image
// returns ErrPhotoTooLarge or ErrPhotoNotImage.
func PDF(f Format, c Content, o Options) (*Result, error) {
	return Render(f, c, o, 0)
}

// PNG renders page 1 of c in f as a PNG width pixels wide (DefaultPNGWidth
// for 0, at most MaxPNGWidth): the trimmed page, as it looks once cut.
func PNG(f Format, c Content, o Options, width int) ([]byte, error) {
	width = pngWidth(width)
	p, err := prepare(f, c, o, width)
	if err != nil {
		return nil, err
	}
	return renderPNG(p, width)
}

// Render renders c in f as a PDF and, when pngWidth > 0, as a PNG of that
// width too, decoding the photo once for both.
func Render(f Format, c Content, o Options, pngWidth int) (*Result, error) {
	p, err := prepare(f, c, o, 0)
	if err != nil {
		return nil, err
	}
	r := &Result{Warnings: p.warnings}
	if r.PDF, err = renderPDF(p, c); err != nil {
		return nil, err
	}
	if pngWidth > 0 {
		if r.PNG, err = renderPNG(p, pngWidth); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// prepared is what both renderers draw: the layout, the photo and the
// logo decoded and cut to their frames, and the proof's note.
type prepared struct {
	layout   *Layout
	options  Options
	photo    *photo
	logo     image.Image
	note     *Block
	warnings []Warning
}

// prepare lays c out and prepares its photo and logo: for print, or for
// a PNG previewWidth pixels wide alone when previewWidth > 0.
func prepare(f Format, c Content, o Options, previewWidth int) (*prepared, error) {
	l, err := NewLayout(f, c)
	if err != nil {
		return nil, err
	}
	p := &prepared{layout: l, options: o}
	if l.Photo.W > 0 {
		pxPerMM := PrintDPI / 25.4
		if previewWidth > 0 {
			pxPerMM = math.Min(pxPerMM, float64(previewWidth)/l.Trim.W)
		}
		if p.photo, err = preparePhoto(c.Photo, l.Photo, pxPerMM); err != nil {
			return nil, err
		}
		if p.photo.dpi < PrintDPI {
			p.warnings = append(p.warnings, Warning{Code: "photo_low_resolution", DPI: p.photo.dpi})
			if o.Watermark {
				p.note = photoNote(l, p.photo.dpi)
			}
		}
	}
	p.logo = prepareLogo(c.Logo, l.Logo)
	return p, nil
}

// photoNote is the line a proof prints across the foot of a photo under
// PrintDPI.
func photoNote(l *Layout, dpi int) *Block {
	spec := fieldSpec{field: "note", frame: l.PhotoNote, bold: true, center: true, max: l.NoteSize, color: white}
	text := fmt.Sprintf("Foto: %d dpi, minder dan %d dpi", dpi, PrintDPI)
	b := setOneLine(spec, text)
	return &b
}
