package proof

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"

	"buurtplein/hooks"

	"github.com/disintegration/imaging"
)

const (
	// PrintDPI is the resolution a photo needs at print size; a photo is
	// scaled down to it, never up, and a proof warns under it.
	PrintDPI = 300

	// jpegQuality is the quality of the photo embedded in the PDF.
	jpegQuality = 88
)

var (
	// ErrPhotoTooLarge is returned for a photo over hooks.MaxImagePixels
	// or hooks.MaxImageSide, found from its header before decoding.
	ErrPhotoTooLarge = errors.New("proof: photo too large")

	// ErrPhotoNotImage is returned for a photo no decoder reads.
	ErrPhotoNotImage = errors.New("proof: photo is not an image")
)

// photo is a photo cropped to its frame's aspect.
type photo struct {
	img image.Image
	// dpi is the photo's resolution at print size, before scaling down.
	dpi int
}

// checkedDecode decodes data after checking its pixel size from the
// header, turned upright by its EXIF orientation.
func checkedDecode(data []byte) (image.Image, error) {
	if _, err := hooks.CheckImage(bytes.NewReader(data)); err != nil {
		if errors.Is(err, hooks.ErrImageTooLarge) {
			return nil, fmt.Errorf("%w: %w", ErrPhotoTooLarge, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrPhotoNotImage, err)
	}
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPhotoNotImage, err)
	}
	return img, nil
}

// preparePhoto decodes data and crops it, centred, to the aspect of frame,
// scaled down to PrintDPI at the frame's size when it has more pixels.
func preparePhoto(data []byte, frame Rect) (*photo, error) {
	img, err := checkedDecode(data)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	cw, ch := b.Dx(), b.Dy()
	if float64(cw)/float64(ch) > frame.W/frame.H {
		cw = max(1, int(math.Round(float64(ch)*frame.W/frame.H)))
	} else {
		ch = max(1, int(math.Round(float64(cw)*frame.H/frame.W)))
	}
	x0, y0 := b.Min.X+(b.Dx()-cw)/2, b.Min.Y+(b.Dy()-ch)/2
	crop := subImage(img, image.Rect(x0, y0, x0+cw, y0+ch))
	p := &photo{img: crop, dpi: int(math.Round(float64(cw) / (frame.W / 25.4)))}
	tw := int(math.Round(frame.W / 25.4 * PrintDPI))
	th := int(math.Round(frame.H / 25.4 * PrintDPI))
	if cw > tw {
		p.img = imaging.Resize(crop, tw, max(1, th), imaging.Linear)
	}
	return p, nil
}

// subImage returns the part r of img, without copying where img allows.
func subImage(img image.Image, r image.Rectangle) image.Image {
	if s, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return s.SubImage(r)
	}
	return imaging.Crop(img, r)
}

// jpegBytes encodes the photo as an RGB JPEG, on white where it is
// transparent.
func (p *photo) jpegBytes() ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(p.img.Bounds().Dx() * p.img.Bounds().Dy() / 4)
	if err := jpeg.Encode(&buf, opaque(p.img), &jpeg.Options{Quality: jpegQuality}); err != nil {
		return nil, fmt.Errorf("proof: photo: %w", err)
	}
	return buf.Bytes(), nil
}

// opaque returns img in a form the JPEG encoder reads fast (YCbCr or
// RGBA), flattened on white.
func opaque(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.YCbCr:
		return m
	case *image.NRGBA:
		if m.Opaque() {
			// with every alpha 255, NRGBA and RGBA hold the same bytes
			return &image.RGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}
		}
	}
	dst := image.NewRGBA(img.Bounds())
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), img, img.Bounds().Min, draw.Over)
	return dst
}

// prepareLogo decodes a logo and scales it to fit frame at PrintDPI. A
// logo that cannot be read is left out (nil): the team's name is still
// printed, and an order does not fail on its team's logo.
func prepareLogo(data []byte, frame Rect) image.Image {
	if len(data) == 0 || frame.W <= 0 {
		return nil
	}
	img, err := checkedDecode(data)
	if err != nil {
		return nil
	}
	tw := int(math.Round(frame.W / 25.4 * PrintDPI))
	th := int(math.Round(frame.H / 25.4 * PrintDPI))
	return imaging.Fit(img, tw, th, imaging.Linear)
}

// pngBytes encodes img as a PNG.
func pngBytes(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// contain returns the largest rectangle of w:h centred in frame.
func contain(frame Rect, w, h int) Rect {
	if w <= 0 || h <= 0 {
		return Rect{}
	}
	s := math.Min(frame.W/float64(w), frame.H/float64(h))
	rw, rh := float64(w)*s, float64(h)*s
	return Rect{frame.X + (frame.W-rw)/2, frame.Y + (frame.H-rh)/2, rw, rh}
}
