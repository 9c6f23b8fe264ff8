// Package proof lays out BOB's printed material (posters, flyers, ads,
// stickers, brochures) and renders it: a print-ready PDF (the chosen
// format plus 3 mm bleed on every side, TrimBox and BleedBox set, crop
// marks outside the trim, fonts embedded), with a diagonal "PROEF"
// watermark for a proof and without it for the print file, and a PNG
// preview of page 1 for phones. Both outputs are drawn from one [Layout],
// so the preview shows what the PDF prints.
package proof

import (
	"errors"
	"image/color"
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
	// Length is the field's length in characters; Limit the most that fit.
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

// Result is a rendered PDF with what the proof warned about.
type Result struct {
	PDF      []byte
	Warnings []Warning
}

// ErrNotImplemented is returned until the renderer exists.
var ErrNotImplemented = errors.New("proof: not implemented")

// Check returns the text fields of c that do not fit their frames in f,
// without rendering anything; none when everything fits.
func Check(f Format, c Content) []Overflow { return nil }

// PDF renders c in f as a PDF.
func PDF(f Format, c Content, o Options) (*Result, error) { return nil, ErrNotImplemented }

// PNG renders page 1 of c in f as a PNG at most width pixels wide.
func PNG(f Format, c Content, o Options, width int) ([]byte, error) { return nil, ErrNotImplemented }
