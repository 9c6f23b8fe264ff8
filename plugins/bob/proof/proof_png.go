package proof

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/disintegration/imaging"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// canvas draws a layout's millimetres as the pixels of a PNG of the trim.
type canvas struct {
	img   *image.RGBA
	trim  Rect
	k     float64 // pixels per millimetre
	faces map[faceKey]font.Face
}

type faceKey struct {
	bold bool
	size float64
}

// DefaultPNGWidth is the width of a PNG preview asked for with width 0.
const DefaultPNGWidth = 480

// renderPNG draws the prepared layout's trimmed page at width pixels
// (DefaultPNGWidth for 0, at most MaxPNGWidth), from the same frames,
// lines and fonts as the PDF.
func renderPNG(p *prepared, width int) ([]byte, error) {
	l := p.layout
	width = pngWidth(width)
	k := float64(width) / l.Trim.W
	height := max(1, int(math.Round(l.Trim.H*k)))
	cv := &canvas{img: image.NewRGBA(image.Rect(0, 0, width, height)), trim: l.Trim, k: k, faces: map[faceKey]font.Face{}}
	defer cv.close()
	draw.Draw(cv.img, cv.img.Bounds(), image.NewUniform(white), image.Point{}, draw.Src)

	for _, b := range l.Bands {
		cv.band(b)
	}
	if p.photo != nil {
		cv.image(p.photo.img, l.Photo)
	}
	if p.logo != nil {
		cv.image(p.logo, contain(l.Logo, p.logo.Bounds().Dx(), p.logo.Bounds().Dy()))
	}
	for _, b := range l.Blocks {
		if err := cv.block(b); err != nil {
			return nil, err
		}
	}
	if p.note != nil {
		cv.band(Band{Rect: l.PhotoNote, Color: watermarkRed})
		if err := cv.block(*p.note); err != nil {
			return nil, err
		}
	}
	if p.options.Watermark {
		if err := cv.watermark(l.Watermark); err != nil {
			return nil, err
		}
	}
	out := image.Image(cv.img)
	if l.Round {
		out = cv.cutRound()
	}
	data, err := pngBytes(out)
	if err != nil {
		return nil, fmt.Errorf("proof: png: %w", err)
	}
	return data, nil
}

// pngWidth returns the width a PNG asked for width pixels gets.
func pngWidth(width int) int {
	if width <= 0 {
		return DefaultPNGWidth
	}
	return min(max(width, 16), MaxPNGWidth)
}

func (cv *canvas) close() {
	for _, f := range cv.faces {
		f.Close()
	}
}

func (cv *canvas) x(mm float64) float64 { return (mm - cv.trim.X) * cv.k }
func (cv *canvas) y(mm float64) float64 { return (mm - cv.trim.Y) * cv.k }

// pixels returns the pixels r covers, rounded to the nearest edges.
func (cv *canvas) pixels(r Rect) image.Rectangle {
	return image.Rect(
		int(math.Round(cv.x(r.X))), int(math.Round(cv.y(r.Y))),
		int(math.Round(cv.x(r.X+r.W))), int(math.Round(cv.y(r.Y+r.H))),
	).Intersect(cv.img.Bounds())
}

func (cv *canvas) fill(r image.Rectangle, c color.Color) {
	draw.Draw(cv.img, r, image.NewUniform(c), image.Point{}, draw.Over)
}

func (cv *canvas) band(b Band) {
	switch {
	case b.Round:
		cv.ellipse(b.Rect).Draw(cv.img, cv.img.Bounds(), image.NewUniform(b.Color), image.Point{})
	case b.Stroke > 0:
		s := b.Stroke
		for _, r := range []Rect{
			{b.X, b.Y, b.W, s}, {b.X, b.Y + b.H - s, b.W, s},
			{b.X, b.Y, s, b.H}, {b.X + b.W - s, b.Y, s, b.H},
		} {
			px := cv.pixels(r)
			if px.Empty() { // thinner than a pixel: one pixel
				px = cv.pixels(Rect{r.X, r.Y, math.Max(r.W, 1/cv.k), math.Max(r.H, 1/cv.k)})
			}
			cv.fill(px, b.Color)
		}
	default:
		cv.fill(cv.pixels(b.Rect), b.Color)
	}
}

// ellipse returns a rasteriser holding the ellipse inscribed in r: four
// cubic Béziers, as the PDF draws it.
func (cv *canvas) ellipse(r Rect) *vector.Rasterizer {
	b := cv.img.Bounds()
	z := vector.NewRasterizer(b.Dx(), b.Dy())
	const kappa = 0.5522847498
	cx, cy := float32(cv.x(r.X+r.W/2)), float32(cv.y(r.Y+r.H/2))
	rx, ry := float32(r.W/2*cv.k), float32(r.H/2*cv.k)
	kx, ky := rx*kappa, ry*kappa
	z.MoveTo(cx+rx, cy)
	z.CubeTo(cx+rx, cy+ky, cx+kx, cy+ry, cx, cy+ry)
	z.CubeTo(cx-kx, cy+ry, cx-rx, cy+ky, cx-rx, cy)
	z.CubeTo(cx-rx, cy-ky, cx-kx, cy-ry, cx, cy-ry)
	z.CubeTo(cx+kx, cy-ry, cx+rx, cy-ky, cx+rx, cy)
	z.ClosePath()
	return z
}

// cutRound returns the canvas as a round sticker looks once cut: white
// outside the trim's circle.
func (cv *canvas) cutRound() *image.RGBA {
	b := cv.img.Bounds()
	mask := image.NewAlpha(b)
	cv.ellipse(cv.trim).Draw(mask, b, image.Opaque, image.Point{})
	out := image.NewRGBA(b)
	draw.Draw(out, b, image.NewUniform(white), image.Point{}, draw.Src)
	draw.DrawMask(out, b, cv.img, image.Point{}, mask, image.Point{}, draw.Over)
	return out
}

// image draws img scaled into frame.
func (cv *canvas) image(img image.Image, frame Rect) {
	r := cv.pixels(frame)
	if r.Empty() {
		return
	}
	var scaled image.Image
	if b := img.Bounds(); r.Dx() < b.Dx() && r.Dy() < b.Dy() {
		scaled = scaleDown(img, r.Dx(), r.Dy())
	} else {
		scaled = imaging.Resize(img, r.Dx(), r.Dy(), imaging.Linear)
	}
	draw.Draw(cv.img, r, scaled, scaled.Bounds().Min, draw.Over)
}

// face returns the font at size points for this canvas's scale, unhinted
// so that glyphs scale as the PDF's do.
func (cv *canvas) face(bold bool, size float64) (font.Face, error) {
	key := faceKey{bold, size}
	if f, ok := cv.faces[key]; ok {
		return f, nil
	}
	f, err := opentype.NewFace(face(bold).font, &opentype.FaceOptions{
		Size: size, DPI: cv.k * 25.4, Hinting: font.HintingNone,
	})
	if err != nil {
		return nil, fmt.Errorf("proof: font: %w", err)
	}
	cv.faces[key] = f
	return f, nil
}

func (cv *canvas) block(b Block) error {
	if len(b.Lines) == 0 {
		return nil
	}
	f, err := cv.face(b.Bold, b.Size)
	if err != nil {
		return err
	}
	src := image.NewUniform(b.Color)
	for _, line := range b.Lines {
		drawText(cv.img, f, face(b.Bold), b.Size*mmPerPt*cv.k, cv.x(line.X), cv.y(line.Baseline), line.Text, src)
	}
	return nil
}

// drawText draws text with its baseline starting at (x, y) pixels,
// advancing by the layout's widths (em is the size in pixels), not the
// rasteriser's, so a line ends where the layout measured it.
func drawText(dst draw.Image, f font.Face, t *typeface, em, x, y float64, text string, src image.Image) {
	for _, r := range text {
		dot := fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round(y * 64))}
		if dr, mask, maskp, _, ok := f.Glyph(dot, r); ok {
			draw.DrawMask(dst, dr, src, image.Point{}, mask, maskp, draw.Over)
		}
		x += float64(t.widths[r]) / 1000 * em
	}
}

// watermark draws the watermark's text on its own layer, then turns the
// layer onto the canvas, at the PDF's opacity.
func (cv *canvas) watermark(w Watermark) error {
	f, err := cv.face(true, w.Size)
	if err != nil {
		return err
	}
	em := w.Size * mmPerPt * cv.k
	lw, lh := int(math.Ceil(w.Width*cv.k))+2, int(math.Ceil(em*1.2))+2
	layer := image.NewRGBA(image.Rect(0, 0, lw, lh))
	src := image.NewUniform(color.NRGBA{w.Color.R, w.Color.G, w.Color.B, uint8(math.Round(watermarkAlpha * 255))})
	// the capitals centred on the layer's centre, as in the PDF
	base := float64(lh)/2 + watermarkRise(w)*cv.k
	drawText(layer, f, boldFace, em, 1, base, w.Text, src)

	a := w.Angle * math.Pi / 180
	sin, cos := math.Sin(a), math.Cos(a)
	cx, cy := cv.x(w.X), cv.y(w.Y)
	sx, sy := float64(lw)/2, float64(lh)/2
	// counter-clockwise on the page is clockwise in the y-down pixel grid
	m := f64.Aff3{
		cos, sin, cx - (cos*sx + sin*sy),
		-sin, cos, cy - (-sin*sx + cos*sy),
	}
	xdraw.BiLinear.Transform(cv.img, m, layer, layer.Bounds(), xdraw.Over, nil)
	return nil
}
