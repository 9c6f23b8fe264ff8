package proof

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/disintegration/imaging"
)

// embeddedImages returns the pixel sizes of the page's image XObjects.
func (p pdfPage) embeddedImages(t *testing.T) []image.Point {
	t.Helper()
	var sizes []image.Point
	for _, o := range p.resources(t, "XObject") {
		sd, _, err := p.ctx.DereferenceStreamDict(o)
		if err != nil {
			t.Fatal(err)
		}
		if *sd.Dict.NameEntry("Subtype") != "Image" {
			continue
		}
		w, h := sd.Dict.IntEntry("Width"), sd.Dict.IntEntry("Height")
		if w == nil || h == nil {
			t.Fatal("an image without Width or Height")
		}
		if f := sd.Dict.NameEntry("Filter"); f != nil && *f == "DCTDecode" {
			if cs := sd.Dict.NameEntry("ColorSpace"); cs == nil || *cs != "DeviceRGB" {
				t.Errorf("the photo's colour space is %v, want DeviceRGB", cs)
			}
		}
		sizes = append(sizes, image.Pt(*w, *h))
	}
	return sizes
}

// TestPhotoLowResolutionWarns gives an A3 poster a photo at 150 dpi: the
// result warns with the dpi, the proof prints the warning on the photo,
// the print file does not, and the photo is embedded as it came (never
// scaled up).
func TestPhotoLowResolutionWarns(t *testing.T) {
	t.Parallel()
	f := demoFormats[2].format
	l, err := NewLayout(f, dutchContent("poster", []byte{1}))
	if err != nil {
		t.Fatal(err)
	}
	w := int(l.Photo.W / 25.4 * 150)
	h := int(l.Photo.H / 25.4 * 150)
	photo := testJPEG(t, w, h, color.RGBA{200, 40, 40, 255})
	want := Warning{Code: "photo_low_resolution", DPI: l.PhotoDPI(w, h)}
	if want.DPI < 149 || want.DPI > 151 {
		t.Fatalf("the test photo is %d dpi", want.DPI)
	}
	// wider or taller, the same photo is cut to the same frame
	if wide, tall := l.PhotoDPI(2*w, h), l.PhotoDPI(w, 2*h); wide != want.DPI || tall != want.DPI {
		t.Errorf("PhotoDPI: %d wider, %d taller, want %d", wide, tall, want.DPI)
	}
	for _, watermark := range []bool{true, false} {
		r, err := PDF(f, dutchContent("poster", photo), Options{Watermark: watermark})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Warnings) != 1 || r.Warnings[0] != want {
			t.Errorf("warnings %v, want %v", r.Warnings, want)
		}
		p := readPDF(t, r.PDF)
		note := strings.Contains(p.text(t), "Foto: "+strconv.Itoa(want.DPI)+" dpi")
		if note != watermark {
			t.Errorf("watermark %v: the note on the photo printed is %v", watermark, note)
		}
		imgs := p.embeddedImages(t)
		if len(imgs) != 1 || imgs[0].X > w || imgs[0].Y > h || imgs[0].X < w-1 {
			t.Errorf("embedded %v, want the photo as it came, %d x %d", imgs, w, h)
		}
	}
}

// TestPhotoScaledDownToPrintResolution gives a card a photo at far more
// than 300 dpi, in another aspect than its frame: no warning, and the
// embedded photo is the frame's size at 300 dpi.
func TestPhotoScaledDownToPrintResolution(t *testing.T) {
	t.Parallel()
	f := demoFormats[4].format
	c := dutchContent("flyer", testJPEG(t, 3000, 1000, color.RGBA{10, 200, 30, 255}))
	l, err := NewLayout(f, c)
	if err != nil {
		t.Fatal(err)
	}
	r, err := PDF(f, c, Options{Watermark: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings %v for a photo over 300 dpi", r.Warnings)
	}
	tw, th := printSize(l.Photo)
	imgs := readPDF(t, r.PDF).embeddedImages(t)
	if len(imgs) != 1 || imgs[0] != image.Pt(tw, th) {
		t.Errorf("embedded %v, want the frame at 300 dpi: %d x %d", imgs, tw, th)
	}
}

// pixelBomb returns a PNG whose header declares side x side pixels, with
// a few bytes of image data.
func pixelBomb(side uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], side)
	binary.BigEndian.PutUint32(ihdr[4:], side)
	ihdr[8], ihdr[9] = 8, 6 // 8 bits, RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

// TestPhotoRefused gives a pixel bomb, a file that is no image and a JPEG
// cut short: each is refused with its error, the bomb without decoding
// (the call allocates a few megabytes, not the gigabytes it declares).
func TestPhotoRefused(t *testing.T) {
	good := testJPEG(t, 400, 300, color.RGBA{1, 2, 3, 255})
	cases := []struct {
		name  string
		photo []byte
		want  error
	}{
		{"pixel bomb", pixelBomb(60000), ErrPhotoTooLarge},
		{"long strip", pixelBomb(13000), ErrPhotoTooLarge},
		{"not an image", []byte("%PDF-1.4 this is not a photo"), ErrPhotoNotImage},
		{"empty header", []byte{0xff, 0xd8}, ErrPhotoNotImage},
		{"cut short", good[:len(good)/3], ErrPhotoNotImage},
	}
	f := demoFormats[2].format
	for _, tc := range cases {
		c := dutchContent("poster", tc.photo)
		PNG(f, c, Options{}, 100) // fonts and caches warm
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, errPDF := PDF(f, c, Options{Watermark: true})
		runtime.ReadMemStats(&after)
		_, errPNG := PNG(f, c, Options{Watermark: true}, 480)
		for _, err := range []error{errPDF, errPNG} {
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
			t.Errorf("%s: refusing it allocated %d MB", tc.name, alloc>>20)
		}
	}
}

// exifJPEG returns a JPEG with an EXIF APP1 segment giving orientation o,
// its TIFF header in byte order order.
func exifJPEG(t *testing.T, img image.Image, o uint16, order binary.ByteOrder) []byte {
	t.Helper()
	return withEXIF(jpegOf(t, img), o, order)
}

// withEXIF returns plain, a JPEG, with an EXIF APP1 segment giving
// orientation o.
func withEXIF(plain []byte, o uint16, order binary.ByteOrder) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	if order == binary.LittleEndian {
		tiff = []byte("II\x2a\x00\x08\x00\x00\x00")
	}
	ifd := make([]byte, 2+12+4)
	order.PutUint16(ifd[0:], 1)      // one entry
	order.PutUint16(ifd[2:], 0x0112) // Orientation
	order.PutUint16(ifd[4:], 3)      // SHORT
	order.PutUint32(ifd[6:], 1)
	order.PutUint16(ifd[10:], o)
	payload := append(append([]byte("Exif\x00\x00"), tiff...), ifd...)
	app1 := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(payload)+2))
	out := append([]byte{}, plain[:2]...)
	out = append(append(out, app1...), payload...)
	return append(out, plain[2:]...)
}

// TestPhotoUpright turns photos stored in each of the eight EXIF
// orientations upright, as imaging does when it decodes the whole photo,
// at full size and scaled down.
func TestPhotoUpright(t *testing.T) {
	t.Parallel()
	// stored 200 x 100, a colour in each quarter, so every turn and flip
	// shows
	img := image.NewRGBA(image.Rect(0, 0, 200, 100))
	quarters := []color.RGBA{{220, 0, 0, 255}, {0, 0, 220, 255}, {0, 200, 0, 255}, {230, 230, 0, 255}}
	for y := 0; y < 100; y++ {
		for x := 0; x < 200; x++ {
			img.Set(x, y, quarters[x/100+2*(y/50)])
		}
	}
	for o := uint16(1); o <= 8; o++ {
		for _, order := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
			data := exifJPEG(t, img, o, order)
			if got := exifOrientation(data); got != int(o) {
				t.Fatalf("orientation %d (%v) read as %d", o, order, got)
			}
			ref, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
			if err != nil {
				t.Fatal(err)
			}
			w, h := ref.Bounds().Dx(), ref.Bounds().Dy()
			frame := Rect{0, 0, float64(w) / 4, float64(h) / 4}
			for _, pxPerMM := range []float64{4, 2} {
				p, err := preparePhoto(data, frame, pxPerMM)
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := p.img.(*image.YCbCr); !ok {
					t.Errorf("orientation %d: turned into a %T, want the JPEG's YCbCr", o, p.img)
				}
				want := imaging.Resize(ref, int(frame.W*pxPerMM), int(frame.H*pxPerMM), imaging.Linear)
				if p.img.Bounds().Size() != want.Bounds().Size() {
					t.Fatalf("orientation %d: %v, want %v", o, p.img.Bounds().Size(), want.Bounds().Size())
				}
				if d := meanDifference(p.img, want); d > 8 {
					t.Errorf("orientation %d at %v px/mm: differs from imaging's upright photo by %.1f a channel", o, pxPerMM, d)
				}
			}
		}
	}
}

// gradientYCbCr returns a w x h YCbCr image with smooth gradients and a
// fine texture.
func gradientYCbCr(w, h int) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Y[y*img.YStride+x] = uint8(x*200/w + y*40/h + (x*y)%7)
		}
	}
	cw, ch := (w+1)/2, (h+1)/2
	for y := 0; y < ch; y++ {
		for x := 0; x < cw; x++ {
			img.Cb[y*img.CStride+x] = uint8(20 + x*200/cw)
			img.Cr[y*img.CStride+x] = uint8(235 - y*200/ch)
		}
	}
	return img
}

// jpegOf encodes img as a JPEG.
func jpegOf(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestJPEGStrips encodes images in strips joined by restart markers and
// decodes them: the pixels are those of a single encoding.
func TestJPEGStrips(t *testing.T) {
	t.Parallel()
	for _, size := range []image.Point{{1000, 700}, {333, 517}, {16, 64}, {40, 20}} {
		src := gradientYCbCr(size.X, size.Y)
		for _, img := range []image.Image{src, opaque(imaging.Clone(src))} {
			joined, err := encodeJPEG(img, jpegQuality)
			if err != nil {
				t.Fatal(err)
			}
			var single bytes.Buffer
			if err := jpeg.Encode(&single, img, &jpeg.Options{Quality: jpegQuality}); err != nil {
				t.Fatal(err)
			}
			a, errA := jpeg.Decode(bytes.NewReader(joined))
			b, errB := jpeg.Decode(bytes.NewReader(single.Bytes()))
			if errA != nil || errB != nil {
				t.Fatalf("%v: %v, %v", size, errA, errB)
			}
			if a.Bounds() != b.Bounds() {
				t.Fatalf("%v: %v, want %v", size, a.Bounds(), b.Bounds())
			}
			if restart := bytes.Contains(joined, []byte{0xff, 0xdd}); size.X == 1000 && runtime.GOMAXPROCS(0) > 1 && !restart {
				t.Errorf("%v: encoded in one piece on %d cores", size, runtime.GOMAXPROCS(0))
			}
			if n := differentPixels(a, b); n != 0 {
				t.Errorf("%v %T: %d pixels differ from a single encoding", size, img, n)
			}
			if cfg, _, err := image.DecodeConfig(bytes.NewReader(joined)); err != nil || cfg.Width != size.X || cfg.Height != size.Y {
				t.Errorf("%v: the joined JPEG says %+v, %v", size, cfg, err)
			}
		}
	}
}

// TestScalePlanes scales a JPEG's YCbCr plane by plane, by 0.75 and by
// much more, and compares it with imaging's filter on the same image.
func TestScalePlanes(t *testing.T) {
	t.Parallel()
	src := gradientYCbCr(801, 601).SubImage(image.Rect(1, 1, 801, 601))
	for _, size := range []image.Point{{600, 450}, {160, 120}, {37, 29}} {
		got := scaleDown(src, size.X, size.Y)
		if got.Bounds().Size() != size {
			t.Fatalf("scaled to %v, want %v", got.Bounds(), size)
		}
		want := imaging.Resize(src, size.X, size.Y, imaging.Linear)
		mean := meanDifference(got, want)
		if mean > 5 {
			t.Errorf("%v: the planes scaled differ from imaging's by %.1f a channel on average", size, mean)
		}
	}
}
