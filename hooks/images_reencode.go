package hooks

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/disintegration/imaging"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// ReencodeJPEGQuality is the JPEG quality of a re-encoded photo: no
// visible loss on a phone's screen, a third of a camera's file size.
const ReencodeJPEGQuality = 85

// reencodeSlots bounds how many images are decoded at once, so that
// photos arriving together wait for a processor instead of each holding
// its decoded pixels in memory (see [ReencodeImage] for the cost of one).
var reencodeSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))

// reencodedReader holds the bytes of a re-encoded image: a file whose
// reader is one is not re-encoded again when a record is validated twice.
type reencodedReader struct {
	filesystem.BytesReader
}

// ReencodeImage returns file's image decoded and encoded again: turned
// upright as its EXIF orientation says, scaled down to fit maxSide x
// maxSide pixels when it is larger (never up; maxSide <= 0 keeps its
// size), as a JPEG of quality [ReencodeJPEGQuality], or as a PNG when it
// has transparent pixels. Only pixels are written: no EXIF (camera,
// time, GPS position), XMP, IPTC, comments or ICC colour profile of the
// original survives. A GIF gives its first frame. The new file keeps
// file's name and original name, with the extension of its format.
//
// The header is checked first, as [CheckImage] does, so an image over
// [MaxImagePixels] or [MaxImageSide] returns an error wrapping
// [ErrImageTooLarge] without a pixel decoded; data no decoder reads
// returns one wrapping [ErrImageUnreadable].
//
// Memory: the decoded image is bounded by [MaxImagePixels]. A 40 MP photo
// (the most allowed, 7,300 x 5,480) costs about 60 MB decoded as a JPEG
// (YCbCr 4:2:0, 1.5 bytes a pixel; 120 MB at 4:4:4) or 160 MB as an
// 8-bit RGBA PNG (320 MB at 16 bits); 160 MB more for the turned copy
// when it is not stored upright; about 45 MB between the two passes of
// scaling it to 2,048 pixels, and 12 MB for the result: some 280 MB at
// the most for a phone's JPEG. A 12 MP photo held upright allocates about
// 105 MB in all (BenchmarkReencodePhoto), one stored upright 58 MB. At
// most as many images as there are processors (GOMAXPROCS) are decoded at
// once; others wait their turn.
func ReencodeImage(file *filesystem.File, maxSide int) (*filesystem.File, error) {
	if file == nil || file.Reader == nil {
		return nil, fmt.Errorf("%w: no file", ErrImageUnreadable)
	}
	f, err := file.Reader.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrImageUnreadable, err)
	}
	defer f.Close()

	if _, err := CheckImage(f); err != nil {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewinding %s: %w", file.Name, err)
	}

	reencodeSlots <- struct{}{}
	defer func() { <-reencodeSlots }()

	img, err := imaging.Decode(bufio.NewReader(f), imaging.AutoOrientation(true))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrImageUnreadable, err)
	}
	if b := img.Bounds(); maxSide > 0 && (b.Dx() > maxSide || b.Dy() > maxSide) {
		img = imaging.Fit(img, maxSide, maxSide, imaging.Linear)
	}

	var buf bytes.Buffer
	format, ext := imaging.JPEG, ".jpg"
	if hasTransparency(img) {
		format, ext = imaging.PNG, ".png"
	}
	if err := imaging.Encode(&buf, img, format, imaging.JPEGQuality(ReencodeJPEGQuality)); err != nil {
		return nil, fmt.Errorf("encoding %s: %w", file.Name, err)
	}
	return &filesystem.File{
		Reader:       &reencodedReader{filesystem.BytesReader{Bytes: buf.Bytes()}},
		Name:         withExt(file.Name, ext),
		OriginalName: withExt(file.OriginalName, ext),
		Size:         int64(buf.Len()),
	}, nil
}

// hasTransparency reports whether img has a pixel that is not fully
// opaque; an image that cannot tell is taken to have one (PNG loses
// nothing).
func hasTransparency(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return !o.Opaque()
	}
	return true
}

// withExt returns name with its extension replaced by ext; "" stays "".
func withExt(name, ext string) string {
	if name == "" {
		return ""
	}
	return strings.TrimSuffix(name, filepath.Ext(name)) + ext
}

// ReencodeNewImages replaces every new file of record's file fields
// (those named, or all when none are named) that is, or claims by its
// name or content to be, an image with [ReencodeImage]'s result, in
// place, so the save stores the re-encoded file. Other files are left
// alone: the field's MimeTypes decide about them. An image over the
// limits or unreadable returns the same 400 about its field as the
// input rules of [GuardInput] (image_too_large, image_unreadable).
func ReencodeNewImages(record *core.Record, maxSide int, fields ...string) error {
	for _, field := range record.Collection().Fields {
		name := field.GetName()
		if field.Type() != core.FieldTypeFile || (len(fields) > 0 && !slices.Contains(fields, name)) {
			continue
		}
		for _, file := range record.GetUnsavedFiles(name) {
			if file == nil || file.Reader == nil {
				continue // nothing to upload: PocketBase refuses it itself
			}
			if _, done := file.Reader.(*reencodedReader); done {
				continue
			}
			isImage, err := claimsImageFile(file)
			if err != nil {
				return imageError(name, err)
			}
			if !isImage {
				continue
			}
			reencoded, err := ReencodeImage(file, maxSide)
			if err != nil {
				return imageError(name, err)
			}
			// the record holds the pointer: the save uploads the new file
			*file = *reencoded
		}
	}
	return nil
}

// claimsImageFile reports whether file presents itself, by its name or
// its first bytes, as an image of a format the server decodes.
func claimsImageFile(file *filesystem.File) (bool, error) {
	f, err := file.Reader.Open()
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrImageUnreadable, err)
	}
	defer f.Close()
	head := make([]byte, 3072) // what PocketBase sniffs the stored content type from
	n, _ := io.ReadFull(f, head)
	return claimsImage(file.Name, head[:n]), nil
}

// ReencodeUploads binds to app the re-encoding of the new images of
// collection's file fields (those named, or all) on every save that
// validates the record: the record API, batch requests, the dashboard
// and Go code calling app.Save (app.SaveNoValidate skips it, as it skips
// every validation). It runs after PocketBase has checked the files'
// sizes and types and before the write, so a photo is decoded outside the
// write's transaction on the record API; see [ReencodeNewImages].
func ReencodeUploads(app core.App, collection string, maxSide int, fields ...string) {
	app.OnRecordValidate(collection).BindFunc(func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return ReencodeNewImages(e.Record, maxSide, fields...)
	})
}
