package bob_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"net/http"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// photo12MP returns a 4000 x 3000 JPEG with detail in it (a phone's
// photo, in size).
func photo12MP(b testing.TB) []byte {
	b.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	for y := 0; y < 3000; y++ {
		for x := 0; x < 4000; x++ {
			img.Y[y*img.YStride+x] = uint8((x*7 + y*13) ^ (x * y >> 6))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(i), uint8(i>>3)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkOrderProofRequest is a team member's request for the proof of
// an A3 poster with a 12-megapixel photo, through the record API: the
// hooks, reading the stored photo, rendering the PDF and the 1200-pixel
// preview, storing both and the history line.
//
//	GOTOOLCHAIN=auto go test ./plugins/bob/ -run '^$' -bench BenchmarkOrderProofRequest -benchtime 10x
func BenchmarkOrderProofRequest(b *testing.B) {
	f := newOrderFixture(b)
	app := testapp.New(b)
	testapp.Unlimited(b, app)
	server := testapp.Serve(b, app)
	photo := photo12MP(b)

	orders := make([]*core.Record, b.N)
	for i := range orders {
		file, err := filesystem.NewFileFromBytes(photo, "foto.jpg")
		if err != nil {
			b.Fatal(err)
		}
		orders[i] = newOrderWith(b, app, f, f.bram, "draft", map[string]any{"team": f.haarlem, "photo": file})
	}

	b.ResetTimer()
	for i := range b.N {
		code, res := testapp.Do(b, http.MethodPatch, server.URL+"/api/collections/orders/records/"+orders[i].Id, f.bramT,
			map[string]any{"status": "proof"})
		if code != 200 {
			b.Fatalf("%d %s", code, res)
		}
	}
}

// BenchmarkOrderPreview is one live preview of an A3 poster with the
// order's photo (a 12-megapixel photo, drawn from its 480-pixel thumb).
//
//	GOTOOLCHAIN=auto go test ./plugins/bob/ -run '^$' -bench BenchmarkOrderPreview -benchtime 20x
func BenchmarkOrderPreview(b *testing.B) {
	f := newOrderFixture(b)
	app := testapp.New(b)
	testapp.Unlimited(b, app)
	server := testapp.Serve(b, app)
	file, err := filesystem.NewFileFromBytes(photo12MP(b), "foto.jpg")
	if err != nil {
		b.Fatal(err)
	}
	order := newOrderWith(b, app, f, f.bram, "draft", map[string]any{"team": f.haarlem, "photo": file})
	body := map[string]any{"team": f.haarlem, "product": f.poster, "format": "A3", "title": "Spreekuur in het buurthuis",
		"text": "Elke dinsdag van 10 tot 12 uur in het buurthuis.", "contact": "023 555 01 23", "order": order.Id}
	// the first preview makes the thumb
	if code, res := testapp.Do(b, http.MethodPost, server.URL+"/api/buurtplein/orders/preview", f.bramT, body); code != 200 {
		b.Fatalf("%d %s", code, res)
	}

	b.ResetTimer()
	for range b.N {
		if code, res := testapp.Do(b, http.MethodPost, server.URL+"/api/buurtplein/orders/preview", f.bramT, body); code != 200 {
			b.Fatalf("%d %s", code, res)
		}
	}
}
