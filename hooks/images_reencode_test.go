package hooks_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// reencode runs hooks.ReencodeImage on content named name and returns the
// new file and its bytes.
func reencode(t testing.TB, content []byte, name string, maxSide int) (*filesystem.File, []byte) {
	t.Helper()
	file, err := filesystem.NewFileFromBytes(content, name)
	if err != nil {
		t.Fatal(err)
	}
	out, err := hooks.ReencodeImage(file, maxSide)
	if err != nil {
		t.Fatalf("re-encoding %s: %v", name, err)
	}
	return out, readAll(t, out)
}

func readAll(t testing.TB, file *filesystem.File) []byte {
	t.Helper()
	r, err := file.Reader.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(data)) != file.Size {
		t.Errorf("%s: Size %d, read %d bytes", file.Name, file.Size, len(data))
	}
	return data
}

// noPhotoMetadata fails t when data holds any metadata segment or any of
// what testapp.PhotoWithGPS wrote into the photo's metadata.
func noPhotoMetadata(t testing.TB, what string, data []byte) {
	t.Helper()
	if segs := testapp.JPEGMetadata(data); len(segs) > 0 {
		t.Errorf("%s: metadata segments left: %v", what, segs)
	}
	for _, s := range []string{"Exif", "http://ns.adobe.com", "GPS", testapp.PhotoPlace, testapp.PhotoDatum, "ICC_PROFILE"} {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("%s: %q is still in the file", what, s)
		}
	}
}

func isRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 > 150 && g>>8 < 90 && b>>8 < 90
}

func isBlue(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return b>>8 > 150 && r>>8 < 90 && g>>8 < 90
}

// TestReencodeImageStripsMetadata: a phone photo with EXIF (GPS) and XMP
// comes out as a JPEG with pixels alone, turned upright.
func TestReencodeImageStripsMetadata(t *testing.T) {
	t.Parallel()
	photo := testapp.PhotoWithGPS(400, 300, 6)
	if segs := testapp.JPEGMetadata(photo); len(segs) != 2 {
		t.Fatalf("the test photo has metadata %v, want EXIF and XMP", segs)
	}
	if c, err := hooks.CheckImage(bytes.NewReader(photo)); err != nil || c.Width != 400 {
		t.Fatalf("the test photo reads as %+v, %v", c, err)
	}

	file, data := reencode(t, photo, "IMG_2041.JPG", 2048)
	noPhotoMetadata(t, "the photo", data)
	if !strings.HasPrefix(file.OriginalName, "IMG_2041") || !strings.HasSuffix(file.OriginalName, ".jpg") || !strings.HasSuffix(file.Name, ".jpg") {
		t.Errorf("names %q and %q, want IMG_2041 as a .jpg", file.Name, file.OriginalName)
	}

	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	// orientation 6: the stored 400 x 300 stands 300 x 400, the stored
	// top-left quarter at the top right
	if b := img.Bounds(); b.Dx() != 300 || b.Dy() != 400 {
		t.Fatalf("upright the photo is %d x %d, want 300 x 400", b.Dx(), b.Dy())
	}
	if !isRed(img.At(280, 20)) || !isBlue(img.At(20, 20)) || !isBlue(img.At(280, 380)) {
		t.Errorf("the turn is wrong: top right %v, top left %v, bottom right %v", img.At(280, 20), img.At(20, 20), img.At(280, 380))
	}
}

// TestReencodeImageOrientations: each of the eight EXIF orientations
// turns the image upright; 5 to 8 swap its sides.
func TestReencodeImageOrientations(t *testing.T) {
	t.Parallel()
	for o := uint16(1); o <= 8; o++ {
		_, data := reencode(t, testapp.PhotoWithGPS(64, 32, o), "foto.jpg", 2048)
		c, err := hooks.CheckImage(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		want := image.Config{Width: 64, Height: 32}
		if o >= 5 {
			want = image.Config{Width: 32, Height: 64}
		}
		if c.Width != want.Width || c.Height != want.Height {
			t.Errorf("orientation %d: %d x %d, want %d x %d", o, c.Width, c.Height, want.Width, want.Height)
		}
		noPhotoMetadata(t, "orientation", data)
	}
}

// TestReencodeImageScales: a larger image is scaled down to fit, keeping
// its proportions; a smaller one keeps its size.
func TestReencodeImageScales(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		w, h, max, wantW, wantH int
	}{
		{4000, 3000, 2048, 2048, 1536},
		{3000, 4000, 2048, 1536, 2048},
		{2048, 100, 2048, 2048, 100},
		{2049, 1, 2048, 2048, 1},
		{100, 80, 2048, 100, 80}, // never up
		{300, 200, 0, 300, 200},  // no bound
	} {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, c.w, c.h)), nil); err != nil {
			t.Fatal(err)
		}
		_, data := reencode(t, b.Bytes(), "foto.jpg", c.max)
		got, err := hooks.CheckImage(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if got.Width != c.wantW || got.Height != c.wantH {
			t.Errorf("%d x %d within %d: %d x %d, want %d x %d", c.w, c.h, c.max, got.Width, got.Height, c.wantW, c.wantH)
		}
	}
}

// TestReencodeImageFormats: a PNG with transparency stays a PNG, any
// other image becomes a JPEG; a GIF gives its first frame.
func TestReencodeImageFormats(t *testing.T) {
	t.Parallel()
	encodePNG := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	clear := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	clear.Set(5, 5, color.NRGBA{255, 0, 0, 255}) // the rest is transparent
	opaque := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for i := 3; i < len(opaque.Pix); i += 4 {
		opaque.Pix[i] = 255
	}

	frames := func(transparent bool) []byte {
		palette := color.Palette{color.White, color.Black}
		if transparent {
			palette = color.Palette{color.Transparent, color.Black}
		}
		first := image.NewPaletted(image.Rect(0, 0, 20, 10), palette)
		second := image.NewPaletted(image.Rect(0, 0, 20, 10), palette)
		for i := range second.Pix {
			second.Pix[i] = 1
		}
		var b bytes.Buffer
		if err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{first, second}, Delay: []int{10, 10}}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}

	for _, c := range []struct {
		what, name string
		content    []byte
		wantName   string
		format     string
	}{
		{"a transparent PNG", "logo.png", encodePNG(clear), "logo.png", "png"},
		{"an opaque PNG", "scherm.png", encodePNG(opaque), "scherm.jpg", "jpeg"},
		{"a JPEG named .jpeg", "foto.jpeg", testapp.PhotoWithGPS(20, 20, 1), "foto.jpg", "jpeg"},
		{"a GIF", "groet.gif", frames(false), "groet.jpg", "jpeg"},
		{"a transparent GIF", "sticker.gif", frames(true), "sticker.png", "png"},
	} {
		file, data := reencode(t, c.content, c.name, 2048)
		if file.OriginalName != c.wantName {
			t.Errorf("%s: original name %q, want %q", c.what, file.OriginalName, c.wantName)
		}
		img, format, err := image.Decode(bytes.NewReader(data))
		if err != nil || format != c.format {
			t.Errorf("%s: stored as %q (%v), want %s", c.what, format, err, c.format)
			continue
		}
		// a GIF's first frame is white or transparent, its second black
		if r, _, _, a := img.At(3, 3).RGBA(); (c.name == "groet.gif" && r>>8 < 200) || (c.name == "sticker.gif" && a != 0) {
			t.Errorf("%s: not the first frame: %v", c.what, img.At(3, 3))
		}
	}
}

// TestReencodeImageRefuses: a pixel bomb is refused from its header, and
// data that claims an image and is none, or whose pixels are cut short,
// is unreadable.
func TestReencodeImageRefuses(t *testing.T) {
	t.Parallel()
	photo := testapp.PhotoWithGPS(200, 100, 1)
	for _, c := range []struct {
		what    string
		content []byte
		want    error
	}{
		{"a pixel bomb", testapp.PNGBomb(60_000, 60_000), hooks.ErrImageTooLarge},
		{"a long strip", testapp.PNGBomb(12_001, 1), hooks.ErrImageTooLarge},
		{"no image at all", []byte("dit is geen foto"), hooks.ErrImageUnreadable},
		{"a PNG signature alone", []byte("\x89PNG\r\n\x1a\nniets"), hooks.ErrImageUnreadable},
		{"a photo cut short", photo[:len(photo)/2], hooks.ErrImageUnreadable},
	} {
		file, err := filesystem.NewFileFromBytes(c.content, "foto.png")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hooks.ReencodeImage(file, 2048); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.what, err, c.want)
		}
	}
	if _, err := hooks.ReencodeImage(nil, 2048); !errors.Is(err, hooks.ErrImageUnreadable) {
		t.Errorf("no file: %v", err)
	}
}

// phonePhoto returns a 12 MP JPEG (4,000 x 3,000) with a phone photo's
// texture (a gradient with fine noise, about 6 MB at quality 92, where
// flat colours would compress to almost nothing and decode faster than
// any real photo) and the metadata of testapp.PhotoWithGPS in orientation
// o.
func phonePhoto(b *testing.B, o uint16) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	seed := uint32(2041)
	for i := range img.Y {
		seed = seed*1664525 + 1013904223
		img.Y[i] = uint8(i/4000/12) + uint8(seed>>27)
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(100+i%40), uint8(150-i%30)
	}
	var plain bytes.Buffer
	if err := jpeg.Encode(&plain, img, &jpeg.Options{Quality: 92}); err != nil {
		b.Fatal(err)
	}
	// the metadata segments of a small photo, spliced in after SOI
	small := testapp.PhotoWithGPS(8, 8, o)
	end := 2
	for small[end] == 0xff && small[end+1] == 0xe1 {
		end += 2 + int(small[end+2])<<8 + int(small[end+3])
	}
	data := plain.Bytes()
	out := append(append(append([]byte{}, data[:2]...), small[2:end]...), data[2:]...)
	if len(testapp.JPEGMetadata(out)) != 2 {
		b.Fatal("the benchmark photo has no metadata")
	}
	return out
}

func benchmarkReencode(b *testing.B, o uint16) {
	photo := phonePhoto(b, o)
	file, err := filesystem.NewFileFromBytes(photo, "IMG_0001.jpg")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(photo)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := hooks.ReencodeImage(file, 2048); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReencodePhoto re-encodes a 12 MP phone photo (4,000 x 3,000,
// about 6 MB, EXIF orientation 6: held upright) to 2,048 pixels: the cost
// of one photo in a chat message.
func BenchmarkReencodePhoto(b *testing.B) { benchmarkReencode(b, 6) }

// BenchmarkReencodePhotoUpright is BenchmarkReencodePhoto for a photo
// stored upright (orientation 1): no turned copy.
func BenchmarkReencodePhotoUpright(b *testing.B) { benchmarkReencode(b, 1) }
