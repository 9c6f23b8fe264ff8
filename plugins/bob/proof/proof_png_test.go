package proof

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"
)

func decodePNG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

// pixelAt returns the colour of img at the layout's point (x, y) mm.
func pixelAt(img image.Image, l *Layout, x, y float64) color.RGBA {
	k := float64(img.Bounds().Dx()) / l.Trim.W
	px, py := int((x-l.Trim.X)*k), int((y-l.Trim.Y)*k)
	return color.RGBAModel.Convert(img.At(px, py)).(color.RGBA)
}

func near(a, b color.RGBA, tolerance int) bool {
	d := func(x, y uint8) bool { return int(x)-int(y) <= tolerance && int(y)-int(x) <= tolerance }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}

// TestPNGLayout renders every demo format's preview and checks its
// aspect ratio, the primary colour where the layout puts a band, the
// photo where it puts the photo, paper outside a round sticker, and that
// the proof's watermark shows.
func TestPNGLayout(t *testing.T) {
	t.Parallel()
	green := color.RGBA{10, 200, 30, 255}
	photo := testJPEG(t, 1200, 900, green)
	for _, df := range demoFormats {
		f := df.format
		c := dutchContent(df.kind, photo)
		yellow := color.RGBA{250, 250, 0, 255}
		c.Logo = testLogo(t, yellow)
		l, err := NewLayout(f, c)
		if err != nil {
			t.Fatal(err)
		}
		printPNG, err := PNG(f, c, Options{}, 480)
		if err != nil {
			t.Fatalf("%s: %v", f.Code, err)
		}
		img := decodePNG(t, printPNG)
		b := img.Bounds()
		wantH := int(math.Round(480 * l.Trim.H / l.Trim.W))
		if b.Dx() != 480 || b.Dy() != wantH {
			t.Errorf("%s: %v, want 480 x %d (the format's aspect)", f.Code, b.Size(), wantH)
		}
		if got := pixelAt(img, l, l.Photo.X+l.Photo.W/2, l.Photo.Y+l.Photo.H/2); !near(got, green, 12) {
			t.Errorf("%s: the photo frame's centre is %v, want the photo's %v", f.Code, got, green)
		}
		logo := contain(l.Logo, 120, 80)
		if got := pixelAt(img, l, logo.X+logo.W/2, logo.Y+logo.H/2); !near(got, yellow, 4) {
			t.Errorf("%s: the logo's centre is %v, want the logo's %v", f.Code, got, yellow)
		}
		if got := pixelAt(img, l, logo.X+logo.W*0.02, logo.Y+logo.H*0.02); !near(got, testPrimary, 4) {
			t.Errorf("%s: the logo's transparent corner is %v, want the band behind it %v", f.Code, got, testPrimary)
		}
		var band Rect // a point in primary: by the right edge of the footer, or inside the round disc
		if f.Round {
			band = Rect{l.Trim.X + 0.06*l.Trim.W, l.Trim.Y + l.Trim.H/2, 0, 0}
			if got := pixelAt(img, l, l.Trim.X+0.5, l.Trim.Y+0.5); !near(got, white, 0) {
				t.Errorf("%s: outside the circle is %v, want paper", f.Code, got)
			}
		} else {
			band = Rect{l.Trim.X + l.Trim.W - 1, l.Trim.Y + l.Trim.H - 1, 0, 0}
		}
		if got := pixelAt(img, l, band.X, band.Y); !near(got, testPrimary, 2) {
			t.Errorf("%s: the band is %v, want the primary colour %v", f.Code, got, testPrimary)
		}

		proof, err := PNG(f, c, Options{Watermark: true}, 480)
		if err != nil {
			t.Fatal(err)
		}
		if changed := differentPixels(img, decodePNG(t, proof)); changed < b.Dx()*b.Dy()/50 {
			t.Errorf("%s: the watermark changes %d pixels of %d", f.Code, changed, b.Dx()*b.Dy())
		}
	}
}

func differentPixels(a, b image.Image) int {
	n := 0
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n
}

// TestPNGWidthBounded asks for previews too wide and of no width.
func TestPNGWidthBounded(t *testing.T) {
	t.Parallel()
	f := demoFormats[0].format
	for width, want := range map[int]int{100_000: MaxPNGWidth, 0: DefaultPNGWidth, -5: DefaultPNGWidth, 1: 16, 321: 321} {
		data, err := PNG(f, dutchContent("flyer", nil), Options{}, width)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodePNG(t, data).Bounds().Dx(); got != want {
			t.Errorf("width %d: %d pixels, want %d", width, got, want)
		}
	}
}

// TestRenderBoth renders the PDF and the PNG in one call, as from two.
func TestRenderBoth(t *testing.T) {
	t.Parallel()
	f := demoFormats[1].format
	c := dutchContent("flyer", jpegOf(t, gradientYCbCr(3000, 2000)))
	r, err := Render(f, c, Options{Watermark: true}, 300)
	if err != nil {
		t.Fatal(err)
	}
	alone, err := PNG(f, c, Options{Watermark: true}, 300)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.PDF) == 0 || len(r.Warnings) != 0 {
		t.Errorf("Render: PDF %d bytes, warnings %v", len(r.PDF), r.Warnings)
	}
	a, b := decodePNG(t, r.PNG), decodePNG(t, alone)
	if a.Bounds() != b.Bounds() || meanDifference(a, b) > 1 {
		t.Errorf("Render's PNG %v and PNG's %v differ by %.1f a channel", a.Bounds(), b.Bounds(), meanDifference(a, b))
	}
}

// meanDifference returns the mean difference of a and b's channels (red,
// green, blue), over their common bounds.
func meanDifference(a, b image.Image) float64 {
	r := a.Bounds().Intersect(b.Bounds().Sub(b.Bounds().Min).Add(a.Bounds().Min))
	var sum, n float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p := color.RGBAModel.Convert(a.At(x, y)).(color.RGBA)
			q := color.RGBAModel.Convert(b.At(x-a.Bounds().Min.X+b.Bounds().Min.X, y-a.Bounds().Min.Y+b.Bounds().Min.Y)).(color.RGBA)
			sum += math.Abs(float64(p.R)-float64(q.R)) + math.Abs(float64(p.G)-float64(q.G)) + math.Abs(float64(p.B)-float64(q.B))
			n += 3
		}
	}
	return sum / max(n, 1)
}
