package proof

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strings"
	"unicode/utf8"
)

// mmPerPt converts typographic points to millimetres.
const mmPerPt = 25.4 / 72

const (
	// MinFormat and MaxFormat bound a format's sides in millimetres.
	MinFormat = 20.0
	MaxFormat = 1000.0

	// maxFieldRunes bounds the characters of a field the layout looks at:
	// the schema allows 5000, more is an overflow without being set.
	maxFieldRunes = 5000

	// cropMarkGap is the distance from the trim line to a crop mark.
	cropMarkGap = 0.5
)

var (
	// ErrFormat is returned for a format outside [MinFormat], [MaxFormat].
	ErrFormat = errors.New("proof: format out of range")

	// ErrOverflow is wrapped by an [*OverflowError]: a text does not fit.
	ErrOverflow = errors.New("proof: text does not fit its frame")
)

// OverflowError is returned by [NewLayout], [PDF] and [PNG] for content
// whose text does not fit: nothing is drawn outside a frame.
type OverflowError struct {
	Overflows []Overflow
}

func (e *OverflowError) Error() string {
	parts := make([]string, len(e.Overflows))
	for i, o := range e.Overflows {
		parts[i] = fmt.Sprintf("%s %d > %d", o.Field, o.Length, o.Limit)
	}
	return ErrOverflow.Error() + ": " + strings.Join(parts, ", ")
}

func (e *OverflowError) Unwrap() error { return ErrOverflow }

// Rect is a rectangle in millimetres, measured from the top-left corner
// of the page: the MediaBox, the trim plus the bleed.
type Rect struct {
	X, Y, W, H float64
}

// Contains reports whether o lies within r (to a micrometre).
func (r Rect) Contains(o Rect) bool {
	const eps = 1e-3
	return o.X >= r.X-eps && o.Y >= r.Y-eps &&
		o.X+o.W <= r.X+r.W+eps && o.Y+o.H <= r.Y+r.H+eps
}

// Band is an area in one colour: a rectangle, the ellipse inscribed in it
// when Round, or its outline Stroke millimetres wide when Stroke > 0.
type Band struct {
	Rect
	Color  color.RGBA
	Round  bool
	Stroke float64
}

// Mark is a crop mark, a line from (X1, Y1) to (X2, Y2).
type Mark struct {
	X1, Y1, X2, Y2 float64
}

// Line is one line of set text: its box (as wide as the text, as high as
// the leading) and its baseline.
type Line struct {
	Text string
	Rect
	Baseline float64
}

// Block is a text field set in its frame.
type Block struct {
	// Field is "title", "text", "contact" or "team".
	Field string
	Frame Rect
	Bold  bool
	// Size is the font size in points.
	Size  float64
	Color color.RGBA
	Lines []Line
}

// Watermark is the diagonal "PROEF" of a proof, centred on (X, Y) and
// turned Angle degrees counter-clockwise.
type Watermark struct {
	Text  string
	X, Y  float64
	Angle float64
	Size  float64
	// Width is the text's width in millimetres.
	Width float64
	Color color.RGBA
}

// Layout is a piece of printed material laid out once, in millimetres,
// for both renderers.
type Layout struct {
	Format Format
	// Page is the MediaBox (and the BleedBox); Trim the trimmed format.
	Page, Trim Rect
	Round      bool
	// Bands are drawn first, in order.
	Bands []Band
	// Photo and Logo are the frames of the photo and the logo; zero when
	// the content has none.
	Photo, Logo Rect
	// PhotoNote is where a proof says the photo is under 300 dpi: the foot
	// of the photo frame, set at NoteSize points.
	PhotoNote Rect
	NoteSize  float64
	Blocks    []Block
	Marks     []Mark
	Watermark Watermark
}

// The colours used when an organisation has none.
var (
	defaultPrimary = color.RGBA{0x1f, 0x5f, 0x8b, 0xff}
	defaultAccent  = color.RGBA{0xf2, 0xa9, 0x00, 0xff}
	ink            = color.RGBA{0x22, 0x22, 0x22, 0xff}
	white          = color.RGBA{0xff, 0xff, 0xff, 0xff}
	watermarkRed   = color.RGBA{0xd0, 0x1c, 0x1c, 0xff}
)

// onColor returns the text colour that reads on background c.
func onColor(c color.RGBA) color.RGBA {
	if 0.2126*float64(c.R)+0.7152*float64(c.G)+0.0722*float64(c.B) > 150 {
		return ink
	}
	return white
}

// fieldSpec is a text field's frame and its range of font sizes.
type fieldSpec struct {
	field          string
	frame          Rect
	bold           bool
	center, middle bool
	max, min       float64
	color          color.RGBA
}

// design is a kind's arrangement: what NewLayout fills in.
type design struct {
	bands       []Band
	photo, logo Rect
	fields      []fieldSpec // title, text, contact
	team        fieldSpec
}

// NewLayout lays c out in f. It returns ErrFormat for a format out of
// range and an [*OverflowError] when a text does not fit its frame at the
// smallest size the design allows.
func NewLayout(f Format, c Content) (*Layout, error) {
	if err := checkFormat(f); err != nil {
		return nil, err
	}
	if _, _, err := faces(); err != nil {
		return nil, fmt.Errorf("proof: fonts: %w", err)
	}
	h := f.Height
	if f.Round {
		h = f.Width
	}
	l := &Layout{
		Format: f,
		Page:   Rect{0, 0, f.Width + 2*Bleed, h + 2*Bleed},
		Trim:   Rect{Bleed, Bleed, f.Width, h},
		Round:  f.Round,
	}
	primary, accent := c.Primary, c.Accent
	if primary.A == 0 {
		primary = defaultPrimary
	}
	if accent.A == 0 {
		accent = defaultAccent
	}
	primary.A, accent.A = 0xff, 0xff
	d := chooseDesign(l.Trim, c, f.Round, primary, accent)
	l.Bands, l.Photo, l.Logo = d.bands, d.photo, d.logo

	var overflows []Overflow
	l.Blocks, overflows = setFields(d.fields, c)
	if len(overflows) > 0 {
		return nil, &OverflowError{Overflows: overflows}
	}
	l.Blocks = append(l.Blocks, setOneLine(d.team, c.TeamName))
	l.Marks = cropMarks(l.Trim)
	l.Watermark = watermark(l.Trim, f.Round)
	if l.Photo.W > 0 {
		l.NoteSize = math.Max(6, math.Min(9*scale(l.Trim), l.Photo.H/4/1.2/mmPerPt))
		nh := l.NoteSize * 1.2 * mmPerPt
		l.PhotoNote = Rect{l.Photo.X, l.Photo.Y + l.Photo.H - nh, l.Photo.W, nh}
	}
	return l, nil
}

// setFields sets the title, the text and the contact line of c in their
// frames, or says which of them do not fit and how many characters would.
func setFields(specs []fieldSpec, c Content) ([]Block, []Overflow) {
	var blocks []Block
	var overflows []Overflow
	values := map[string]string{"title": c.Title, "text": c.Text, "contact": c.Contact}
	for _, spec := range specs {
		value := values[spec.field]
		block, ok := setField(spec, value)
		if !ok {
			overflows = append(overflows, Overflow{
				Field:  spec.field,
				Length: utf8.RuneCountInString(value),
				Limit:  fitLimit(spec, value),
			})
			continue
		}
		blocks = append(blocks, block)
	}
	return blocks, overflows
}

func checkFormat(f Format) error {
	ok := func(v float64) bool { return v >= MinFormat && v <= MaxFormat } // false for NaN
	if !ok(f.Width) || (!f.Round && !ok(f.Height)) {
		return fmt.Errorf("%w: %v x %v mm", ErrFormat, f.Width, f.Height)
	}
	return nil
}

// scale is a format's size relative to A5's short side: font sizes grow
// with it.
func scale(trim Rect) float64 { return math.Min(trim.W, trim.H) / 148 }

// chooseDesign picks the arrangement for the format's shape and the kind.
func chooseDesign(trim Rect, c Content, round bool, primary, accent color.RGBA) design {
	photo, logo := len(c.Photo) > 0, len(c.Logo) > 0
	if round {
		return roundDesign(trim, primary, accent, photo, logo)
	}
	return rectDesign(trim, primary, accent, photo, logo, c.Kind == "advertisement")
}
