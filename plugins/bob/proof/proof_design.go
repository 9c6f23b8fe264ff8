package proof

import (
	"image/color"
	"math"
)

// rectDesign arranges a rectangular format: a band in the organisation's
// primary colour at the top, the photo under it (on top in portrait, on
// the left in landscape), the title and the text, and a footer band with
// the contact line, the team's name and its logo. The bands run into the
// bleed; the frames keep a margin inside the trim. An advertisement gets
// a rule around it, as a newspaper sets ads apart.
func rectDesign(trim Rect, primary, accent color.RGBA, photo, logo, ad bool) design {
	W, H := trim.W, trim.H
	s := scale(trim)
	at := func(x, y, w, h float64) Rect { return Rect{trim.X + x, trim.Y + y, w, h} }
	bleedRow := func(y, h float64) Rect { return Rect{0, trim.Y + y, W + 2*Bleed, h} }
	landscape := W > H

	short := math.Min(W, H)
	m := math.Max(4, 0.065*short)
	foot := math.Max(12, 0.12*H)
	if landscape {
		m = math.Max(3, 0.065*short)
		foot = math.Max(9, 0.2*H)
	}
	stripe := math.Max(0.6, 0.01*H)

	var d design
	topH := m / 2
	photoH := 0.0
	if photo && !landscape {
		photoH = 0.40 * H
		if ad {
			photoH = 0.32 * H
		}
		topH = m + photoH/2
	}
	d.bands = []Band{
		{Rect: bleedRow(-Bleed, Bleed+topH), Color: primary},
		{Rect: bleedRow(H-foot-stripe, stripe), Color: accent},
		{Rect: bleedRow(H-foot, foot+Bleed), Color: primary},
	}
	if ad {
		d.bands = append(d.bands, Band{Rect: at(1.5, 1.5, W-3, H-3), Color: primary, Stroke: math.Max(0.4, 0.004*short)})
	}

	// the body: photo, title and text between the top band and the footer
	bodyTop, bodyBottom := m, H-foot-stripe-math.Max(2, 0.02*H)
	x0, bodyW := m, W-2*m
	y := bodyTop
	switch {
	case photo && landscape:
		pw := 0.4*W - m
		d.photo = at(m, bodyTop, pw, bodyBottom-bodyTop)
		x0 = m + pw + m
		bodyW = W - m - x0
	case photo:
		d.photo = at(m, bodyTop, W-2*m, photoH)
		y += photoH + 0.025*H
	}
	rest := bodyBottom - y
	titleH := math.Min(0.14*H, rest*0.4)
	if landscape {
		titleH = rest * 0.35
	}
	gap := math.Min(0.01*H, rest*0.05)
	title := fieldSpec{field: "title", frame: at(x0, y, bodyW, titleH), bold: true,
		max: math.Max(40*s, 12), min: math.Max(14*s, 8), color: textOn(primary)}
	text := fieldSpec{field: "text", frame: at(x0, y+titleH+gap, bodyW, rest-titleH-gap),
		max: math.Max(18*s, 8.5), min: math.Max(7*s, 6), color: ink}

	// the footer: contact and team on the left, the logo on the right
	pad := foot * 0.14
	inner := foot - 2*pad
	fw := W - 2*m
	if logo {
		d.logo = at(W-m-inner, H-foot+pad, inner, inner)
		fw -= inner + m/2
	}
	on := onColor(primary)
	contact := fieldSpec{field: "contact", frame: at(m, H-foot+pad, fw, inner*0.6),
		max: math.Max(12*s, 8), min: math.Max(6*s, 6), color: on}
	d.team = fieldSpec{field: "team", frame: at(m, H-foot+pad+inner*0.6, fw, inner*0.4), bold: true,
		max: math.Max(9*s, 5), color: on}
	d.fields = []fieldSpec{title, text, contact}
	return d
}

// textOn returns the colour of a title on paper: the primary colour when
// it reads on white, ink otherwise.
func textOn(primary color.RGBA) color.RGBA {
	if onColor(primary) == white {
		return primary
	}
	return ink
}

// roundDesign arranges a round sticker: a disc in the primary colour
// running into the bleed, a ring in the accent colour, and every frame
// inside the inscribed circle (each corner of each frame at most 0.49 of
// the diameter from the centre).
func roundDesign(trim Rect, primary, accent color.RGBA, photo, logo bool) design {
	D := trim.W
	s := scale(trim)
	at := func(x, y, w, h float64) Rect { return Rect{trim.X + x*D, trim.Y + y*D, w * D, h * D} }
	inset := func(mm float64) Rect { return Rect{trim.X + mm, trim.Y + mm, D - 2*mm, D - 2*mm} }
	ring := math.Max(0.5, 0.012*D)
	d := design{bands: []Band{
		{Rect: Rect{0, 0, D + 2*Bleed, D + 2*Bleed}, Color: primary, Round: true},
		{Rect: inset(ring), Color: accent, Round: true},
		{Rect: inset(2 * ring), Color: primary, Round: true},
	}}
	on := onColor(primary)
	title := fieldSpec{field: "title", bold: true, center: true, middle: true,
		max: math.Max(28*s, 10), min: math.Max(12*s, 7), color: on}
	text := fieldSpec{field: "text", center: true, middle: true,
		max: math.Max(16*s, 8), min: math.Max(6.5*s, 6), color: on}
	if photo {
		d.photo = at(0.25, 0.10, 0.5, 0.25)
		title.frame = at(0.12, 0.37, 0.76, 0.13)
		text.frame = at(0.15, 0.51, 0.70, 0.21)
	} else {
		title.frame = at(0.17, 0.14, 0.66, 0.20)
		text.frame = at(0.10, 0.36, 0.80, 0.35)
	}
	contact := fieldSpec{field: "contact", frame: at(0.22, 0.73, 0.56, 0.10), center: true, middle: true,
		max: math.Max(10*s, 7), min: math.Max(6*s, 6), color: on}
	d.team = fieldSpec{field: "team", frame: at(0.30, 0.85, 0.40, 0.06), bold: true, center: true,
		max: math.Max(8*s, 5), color: on}
	if logo {
		d.logo = at(0.30, 0.85, 0.06, 0.06)
		d.team.frame = at(0.37, 0.85, 0.33, 0.06)
	}
	d.fields = []fieldSpec{title, text, contact}
	return d
}

// cropMarks returns the eight crop marks at the corners of trim: each on
// the extension of a trim line, from the page edge to cropMarkGap short of
// the trim, inside the bleed.
func cropMarks(trim Rect) []Mark {
	x0, y0, x1, y1 := trim.X, trim.Y, trim.X+trim.W, trim.Y+trim.H
	pw, ph := x1+Bleed, y1+Bleed
	g := cropMarkGap
	return []Mark{
		{0, y0, x0 - g, y0}, {x1 + g, y0, pw, y0},
		{0, y1, x0 - g, y1}, {x1 + g, y1, pw, y1},
		{x0, 0, x0, y0 - g}, {x0, y1 + g, x0, ph},
		{x1, 0, x1, y0 - g}, {x1, y1 + g, x1, ph},
	}
}

// watermark returns the "PROEF" across the trim's diagonal, about 70 % as
// long as the diagonal (the diameter of a round sticker) and never taller
// than 40 % of the short side.
func watermark(trim Rect, round bool) Watermark {
	const word = "PROEF"
	diag := math.Hypot(trim.W, trim.H)
	angle := math.Atan2(trim.H, trim.W) * 180 / math.Pi
	if round {
		diag, angle = trim.W, 45
	}
	em := float64(face(true).width(word)) / 1000 // the word's width per point of size, in points
	size := 0.7 * diag / (em * mmPerPt)
	size = math.Min(size, 0.4*math.Min(trim.W, trim.H)/mmPerPt)
	return Watermark{
		Text: word, X: trim.X + trim.W/2, Y: trim.Y + trim.H/2, Angle: angle,
		Size: size, Width: em * size * mmPerPt, Color: watermarkRed,
	}
}
