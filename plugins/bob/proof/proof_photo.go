package proof

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"runtime"
	"sync"

	"buurtplein/hooks"

	"github.com/disintegration/imaging"
	xdraw "golang.org/x/image/draw"
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
// header. It returns the image as stored, and the EXIF orientation that
// turns it upright.
func checkedDecode(data []byte) (image.Image, int, error) {
	if _, err := hooks.CheckImage(bytes.NewReader(data)); err != nil {
		if errors.Is(err, hooks.ErrImageTooLarge) {
			return nil, 0, fmt.Errorf("%w: %w", ErrPhotoTooLarge, err)
		}
		return nil, 0, fmt.Errorf("%w: %w", ErrPhotoNotImage, err)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", ErrPhotoNotImage, err)
	}
	return img, exifOrientation(data), nil
}

// preparePhoto decodes data and crops it, centred, to the aspect of frame,
// scaled down to pxPerMM at the frame's size when it has more pixels
// (PrintDPI for print, fewer for a preview alone). A photo taken sideways
// is cut and scaled as stored, and turned upright once it is small.
func preparePhoto(data []byte, frame Rect, pxPerMM float64) (*photo, error) {
	img, o, err := checkedDecode(data)
	if err != nil {
		return nil, err
	}
	// the frame and its pixels as the stored image lies
	stored := frame
	tw := max(1, int(math.Round(frame.W*pxPerMM)))
	th := max(1, int(math.Round(frame.H*pxPerMM)))
	if quarterTurned(o) {
		stored.W, stored.H, tw, th = frame.H, frame.W, th, tw
	}
	b := img.Bounds()
	cw, ch := cropSize(stored, b.Dx(), b.Dy())
	x0, y0 := b.Min.X+(b.Dx()-cw)/2, b.Min.Y+(b.Dy()-ch)/2
	crop := subImage(img, image.Rect(x0, y0, x0+cw, y0+ch))
	p := &photo{img: crop, dpi: frameDPI(stored, cw)}
	if cw > tw {
		p.img = scaleDown(crop, tw, th)
	}
	p.img = upright(p.img, o)
	return p, nil
}

// scaleDown returns src scaled to w x h pixels, fewer than it has. Down
// to half its size, bilinear interpolation straight from the decoded
// photo: plane by plane for a JPEG's YCbCr, which the JPEG encoder then
// takes without converting colours; further down, imaging's filter,
// which averages over every source pixel a target pixel covers.
func scaleDown(src image.Image, w, h int) image.Image {
	sb := src.Bounds()
	ycc, isYCbCr := src.(*image.YCbCr)
	if k := min(sb.Dx()/w, sb.Dy()/h); isYCbCr && k >= 2 {
		// first averaged k x k pixels to one, plane by plane
		if small := shrinkYCbCr(ycc, k); small != nil {
			ycc, src, sb = small, small, small.Rect
		}
	}
	if 2*w < sb.Dx() || 2*h < sb.Dy() {
		return imaging.Resize(src, w, h, imaging.Linear)
	}
	if isYCbCr {
		if dst := scaleYCbCr(ycc, w, h); dst != nil {
			return dst
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	inParallel(h, func(y0, y1 int) {
		stripe := dst.SubImage(image.Rect(0, y0, w, y1)).(*image.RGBA)
		xdraw.ApproxBiLinear.Scale(stripe, dst.Bounds(), src, sb, xdraw.Src, nil)
	})
	return dst
}

// inParallel calls f for consecutive ranges of [0, n), one for each
// core, and waits for them.
func inParallel(n int, f func(from, to int)) {
	parts := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() { f(n*i/parts, n*(i+1)/parts) })
	}
	wg.Wait()
}

// chromaDivisors returns how many pixels share a chroma sample across and
// down in a YCbCr image of ratio r; false for a ratio it does not know.
func chromaDivisors(r image.YCbCrSubsampleRatio) (int, int, bool) {
	switch r {
	case image.YCbCrSubsampleRatio444:
		return 1, 1, true
	case image.YCbCrSubsampleRatio422:
		return 2, 1, true
	case image.YCbCrSubsampleRatio420:
		return 2, 2, true
	case image.YCbCrSubsampleRatio440:
		return 1, 2, true
	}
	return 0, 0, false
}

// plane is one channel of a YCbCr image: w x h samples, rows stride
// apart.
type plane struct {
	pix          []uint8
	stride, w, h int
}

// planes returns the Y, Cb and Cr planes of img's rectangle; false for
// a subsampling it does not know.
func planes(img *image.YCbCr) ([3]plane, bool) {
	sx, sy, ok := chromaDivisors(img.SubsampleRatio)
	if !ok {
		return [3]plane{}, false
	}
	r := img.Rect
	cw, ch := (r.Max.X+sx-1)/sx-r.Min.X/sx, (r.Max.Y+sy-1)/sy-r.Min.Y/sy
	co := img.COffset(r.Min.X, r.Min.Y)
	return [3]plane{
		{img.Y[img.YOffset(r.Min.X, r.Min.Y):], img.YStride, r.Dx(), r.Dy()},
		{img.Cb[co:], img.CStride, cw, ch},
		{img.Cr[co:], img.CStride, cw, ch},
	}, true
}

// mapPlanes returns a w x h YCbCr image of subsampling ratio whose
// planes f fills from src's, plane by plane; nil for a subsampling it
// does not know.
func mapPlanes(src *image.YCbCr, w, h int, ratio image.YCbCrSubsampleRatio, f func(dst, src plane)) *image.YCbCr {
	in, ok := planes(src)
	if !ok {
		return nil
	}
	dst := image.NewYCbCr(image.Rect(0, 0, w, h), ratio)
	out, ok := planes(dst)
	if !ok {
		return nil
	}
	for i := range in {
		f(out[i], in[i])
	}
	return dst
}

// scaleYCbCr scales src to w x h, each plane on its own; nil for a
// subsampling it does not know.
func scaleYCbCr(src *image.YCbCr, w, h int) *image.YCbCr {
	return mapPlanes(src, w, h, src.SubsampleRatio, scalePlane)
}

// shrinkYCbCr returns src with each k x k block of samples averaged to
// one, plane by plane; nil for a subsampling it does not know.
func shrinkYCbCr(src *image.YCbCr, k int) *image.YCbCr {
	w, h := (src.Rect.Dx()+k-1)/k, (src.Rect.Dy()+k-1)/k
	return mapPlanes(src, w, h, src.SubsampleRatio, func(dst, src plane) { shrinkPlane(dst, src, k) })
}

// shrinkPlane sets each sample of dst to the mean of its k x k block of
// src, the blocks at the right and bottom edges as far as src goes.
func shrinkPlane(dst, src plane, k int) {
	inParallel(dst.h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			sy0 := min(y*k, src.h-1)
			sy1 := min(sy0+k, src.h)
			for x := 0; x < dst.w; x++ {
				sx0 := min(x*k, src.w-1)
				sx1 := min(sx0+k, src.w)
				sum := 0
				for sy := sy0; sy < sy1; sy++ {
					for _, v := range src.pix[sy*src.stride+sx0 : sy*src.stride+sx1] {
						sum += int(v)
					}
				}
				n := (sy1 - sy0) * (sx1 - sx0)
				dst.pix[y*dst.stride+x] = uint8((sum + n/2) / n)
			}
		}
	})
}

// scalePlane scales src into dst by bilinear interpolation, pixel
// centres mapped onto pixel centres, weights in 1/256.
func scalePlane(dst, src plane) {
	taps := func(dn, sn int) ([]int, []int) {
		at, weight := make([]int, dn), make([]int, dn)
		for i := range dn {
			p := (float64(i)+0.5)*float64(sn)/float64(dn) - 0.5
			p = math.Max(0, math.Min(p, float64(sn-1)))
			at[i] = int(p)
			weight[i] = int((p - float64(at[i])) * 256)
		}
		return at, weight
	}
	xs, xw := taps(dst.w, src.w)
	ys, yw := taps(dst.h, src.h)
	inParallel(dst.h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			top := src.pix[ys[y]*src.stride:]
			bottom := top
			if ys[y]+1 < src.h {
				bottom = src.pix[(ys[y]+1)*src.stride:]
			}
			fy := yw[y]
			out := dst.pix[y*dst.stride : y*dst.stride+dst.w]
			for x := range out {
				x0, fx := xs[x], xw[x]
				x1 := min(x0+1, src.w-1)
				t := int(top[x0])*(256-fx) + int(top[x1])*fx
				b := int(bottom[x0])*(256-fx) + int(bottom[x1])*fx
				out[x] = uint8((t*(256-fy) + b*fy + 1<<15) >> 16)
			}
		}
	})
}

// cropSize returns the largest size of frame's aspect within w x h
// pixels.
func cropSize(frame Rect, w, h int) (int, int) {
	if float64(w)/float64(h) > frame.W/frame.H {
		return max(1, int(math.Round(float64(h)*frame.W/frame.H))), h
	}
	return w, max(1, int(math.Round(float64(w)*frame.H/frame.W)))
}

// frameDPI returns the resolution of w pixels across frame.
func frameDPI(frame Rect, w int) int { return int(math.Round(float64(w) / (frame.W / 25.4))) }

// PhotoDPI returns the resolution at print size of a photo of w x h
// pixels (as it stands upright) in the layout's photo frame, cut centred
// to the frame's aspect as [PDF] cuts it: what the photo_low_resolution
// warning says, for a caller that knows the photo's size without handing
// over the photo. It returns 0 when the layout has no photo frame.
func (l *Layout) PhotoDPI(w, h int) int {
	if l.Photo.W <= 0 || l.Photo.H <= 0 || w <= 0 || h <= 0 {
		return 0
	}
	cw, _ := cropSize(l.Photo, w, h)
	return frameDPI(l.Photo, cw)
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
	data, err := encodeJPEG(opaque(p.img), jpegQuality)
	if err != nil {
		return nil, fmt.Errorf("proof: photo: %w", err)
	}
	return data, nil
}

// opaque returns img in a form the JPEG encoder reads fast (YCbCr or
// RGBA), flattened on white.
func opaque(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.YCbCr:
		return m
	case *image.RGBA:
		if m.Opaque() {
			return m
		}
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
	img, o, err := checkedDecode(data)
	if err != nil {
		return nil
	}
	tw := int(math.Round(frame.W / 25.4 * PrintDPI))
	th := int(math.Round(frame.H / 25.4 * PrintDPI))
	return imaging.Fit(upright(img, o), tw, th, imaging.Linear)
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
