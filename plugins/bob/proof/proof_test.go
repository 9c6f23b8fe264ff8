package proof

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// demoFormat is a format of the demo catalogue with the kind it is sold
// for.
type demoFormat struct {
	kind   string
	format Format
}

// demoFormats are the formats of the demo catalogue.
var demoFormats = []demoFormat{
	{"flyer", Format{Code: "A5", Name: "A5", Width: 148, Height: 210}},
	{"flyer", Format{Code: "A4", Name: "A4", Width: 210, Height: 297}},
	{"poster", Format{Code: "A3", Name: "A3", Width: 297, Height: 420}},
	{"poster", Format{Code: "A2", Name: "A2", Width: 420, Height: 594}},
	{"flyer", Format{Code: "card", Name: "Kaart 85 x 55 mm", Width: 85, Height: 55}},
	{"sticker", Format{Code: "round100", Name: "Rond 100 mm", Width: 100, Height: 100, Round: true}},
	{"advertisement", Format{Code: "ad130x190", Name: "Advertentie 130 x 190 mm", Width: 130, Height: 190}},
	{"advertisement", Format{Code: "ad81x100", Name: "Advertentie 81 x 100 mm", Width: 81, Height: 100}},
	{"brochure", Format{Code: "A4", Name: "A4", Width: 210, Height: 297}},
}

var (
	testPrimary = color.RGBA{0x00, 0x6d, 0x77, 0xff}
	testAccent  = color.RGBA{0xe2, 0x9e, 0x00, 0xff}
)

// dutchContent is an order's text with the characters Dutch needs: ĳ and
// Ĳ, diaereses, accents, the euro and typographic quotes.
func dutchContent(kind string, photo []byte) Content {
	return Content{
		Kind:     kind,
		Title:    "Zomerfeest in de Ĳsselstraat",
		Text:     "Vrijwilligers gezocht! Café ‘De Kroeg’ schenkt koffie voor € 2,50. Ideeën? Kom langs bij de coördinator, “naïef” of niet.",
		Contact:  "Bel 023-555 12 34 · haarlem-noord@buurtplein.nl",
		TeamName: "Buurtteam Haarlem-Noord",
		Photo:    photo,
		Primary:  testPrimary,
		Accent:   testAccent,
	}
}

// testJPEG returns a w x h JPEG in one colour.
func testJPEG(t testing.TB, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, 0xff
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testLogo returns a 120 x 80 PNG logo in c, transparent around an
// opaque centre.
func testLogo(t testing.TB, c color.RGBA) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 80))
	for y := 10; y < 70; y++ {
		for x := 10; x < 110; x++ {
			img.SetNRGBA(x, y, color.NRGBA{c.R, c.G, c.B, 0xff})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// printSize returns the pixels a frame needs at PrintDPI.
func printSize(frame Rect) (int, int) {
	return int(frame.W/25.4*PrintDPI + 0.5), int(frame.H/25.4*PrintDPI + 0.5)
}
