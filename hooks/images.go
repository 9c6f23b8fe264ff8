package hooks

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // the formats PocketBase makes thumbnails of, and imaging decodes
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gabriel-vasile/mimetype"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/hook"
	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

// A thumbnail decodes the whole image into memory, at four bytes a pixel
// and more: a 3.5 MB PNG declaring 60,000 x 60,000 pixels asks for 14 GB.
// Images are refused above these limits at upload, and never decoded for a
// thumbnail when stored before the limits held.
const (
	// MaxImagePixels is the most pixels (width x height) an image may have:
	// 40 megapixels, about 160 MB decoded, more than any phone photo needs.
	MaxImagePixels = 40_000_000

	// MaxImageSide is the most pixels an image may have in either direction,
	// so a long strip stays within bounds as well.
	MaxImageSide = 12_000

	// imageHeaderLimit bounds what the header check reads: a JPEG may carry
	// its size after some EXIF and colour profile segments, never this far.
	imageHeaderLimit = 1 << 20
)

var (
	// ErrImageTooLarge is returned by [CheckImage] for an image over
	// [MaxImagePixels] or [MaxImageSide].
	ErrImageTooLarge = errors.New("image too large")

	// ErrImageUnreadable is returned by [CheckImage] for data whose header
	// no registered image decoder reads.
	ErrImageUnreadable = errors.New("image header unreadable")
)

// decodableTypes are the content types of the image formats registered
// with package image in this binary.
var decodableTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/tiff"}

// decodableExts are the file name extensions of those formats.
var decodableExts = []string{".png", ".apng", ".jpg", ".jpeg", ".jpe", ".jfif", ".gif", ".webp", ".bmp", ".tif", ".tiff"}

// thumbContentTypes are the stored content types PocketBase makes
// thumbnails of (apis/file.go).
var thumbContentTypes = []string{"image/png", "image/jpg", "image/jpeg", "image/gif", "image/webp"}

// CheckImage reads the header of an image from r, and no more than 1 MiB
// of it, and returns its size. It returns an error wrapping
// [ErrImageUnreadable] when no registered decoder reads the header, and
// [ErrImageTooLarge] when the image exceeds [MaxImagePixels] or
// [MaxImageSide]. The pixels themselves are never decoded.
func CheckImage(r io.Reader) (image.Config, error) {
	config, _, err := image.DecodeConfig(bufio.NewReader(io.LimitReader(r, imageHeaderLimit)))
	if err != nil {
		return config, fmt.Errorf("%w: %w", ErrImageUnreadable, err)
	}
	return config, checkImageSize(config)
}

func checkImageSize(config image.Config) error {
	w, h := int64(config.Width), int64(config.Height)
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%w: %d x %d pixels", ErrImageUnreadable, w, h)
	}
	if w > MaxImageSide || h > MaxImageSide || w*h > MaxImagePixels {
		return fmt.Errorf("%w: %d x %d pixels", ErrImageTooLarge, w, h)
	}
	return nil
}

// checkNewImages returns a 400 naming the file field of record with a new
// file that is, or claims by its content or name to be, an image the
// server could decode, and whose header is unreadable or over the limits.
func checkNewImages(record *core.Record) error {
	for _, field := range record.Collection().Fields {
		if field.Type() != core.FieldTypeFile {
			continue
		}
		name := field.GetName()
		for _, file := range record.GetUnsavedFiles(name) {
			if file == nil || file.Reader == nil {
				continue // nothing to upload: PocketBase refuses it itself
			}
			if err := checkUpload(file.Reader, file.Name); err != nil {
				return imageError(name, err)
			}
		}
	}
	return nil
}

// checkUpload checks one new file. A file that is no image, by its
// content and its name, passes: the field's MimeTypes decide about it.
func checkUpload(reader filesystem.FileReader, name string) error {
	f, err := reader.Open()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrImageUnreadable, err)
	}
	defer f.Close()

	br := bufio.NewReaderSize(f, 4096)
	head, _ := br.Peek(3072) // what PocketBase sniffs the stored content type from
	claimed := claimsImage(name, head)

	config, format, err := image.DecodeConfig(io.LimitReader(br, imageHeaderLimit))
	switch {
	case errors.Is(err, image.ErrFormat) && !claimed:
		return nil
	case err != nil:
		return fmt.Errorf("%w: %s: %w", ErrImageUnreadable, format, err)
	}
	return checkImageSize(config)
}

// claimsImage reports whether a file, by its name or its first bytes,
// presents itself as an image of a format the server decodes.
func claimsImage(name string, head []byte) bool {
	if slices.Contains(decodableExts, strings.ToLower(filepath.Ext(name))) {
		return true
	}
	for m := mimetype.Detect(head); m != nil; m = m.Parent() {
		if slices.Contains(decodableTypes, m.String()) {
			return true
		}
	}
	return false
}

func imageError(field string, err error) error {
	if errors.Is(err, ErrImageTooLarge) {
		return FieldError(field, "image_too_large", fmt.Sprintf(
			"De afbeelding bij %q is te groot (%s). Kies er een van ten hoogste 40 megapixel en 12.000 pixels breed of hoog, of verklein hem eerst.",
			field, strings.TrimPrefix(err.Error(), ErrImageTooLarge.Error()+": ")), Params{"field": field})
	}
	return FieldError(field, "image_unreadable", fmt.Sprintf(
		"Het bestand bij %q lijkt een afbeelding maar is niet te lezen. Kies een JPG, PNG, GIF of WebP.", field), Params{"field": field})
}

// bindThumbGuard answers a thumbnail request for a stored image that is
// unreadable or over the limits with a 404 before PocketBase decodes it:
// PocketBase makes the thumbnail before any download hook runs, and does
// not remember a failed one, so every view of a directory would decode the
// image again. Serving the original instead would hand the decoding to
// the colleagues' phones.
func bindThumbGuard(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "buurtpleinThumbGuard",
		Func: func(se *core.ServeEvent) error {
			se.Router.BindFunc(func(e *core.RequestEvent) error {
				if e.Request.Method != http.MethodGet && e.Request.Method != http.MethodHead {
					return e.Next()
				}
				thumb := e.Request.URL.Query().Get("thumb")
				if thumb == "" {
					return e.Next()
				}
				collection, recordId, filename, ok := filePath(e.Request.URL.Path)
				if !ok {
					return e.Next()
				}
				if err := checkStoredImage(e.App, collection, recordId, filename, thumb); err != nil {
					e.App.Logger().Warn("Refused a thumbnail of an image over the limits",
						"collection", collection, "record", recordId, "file", filename, "error", err)
					return Err(http.StatusNotFound, "image_thumb_refused", nil,
						"Van deze afbeelding wordt geen verkleinde versie gemaakt: hij is te groot of niet te lezen.")
				}
				return e.Next()
			})
			return se.Next()
		},
	})
}

// filePath splits a file download path
// ("/api/files/{collection}/{recordId}/{filename}").
func filePath(path string) (collection, recordId, filename string, ok bool) {
	rest, found := strings.CutPrefix(path, "/api/files/")
	if !found {
		return "", "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// checkStoredImage returns an error when PocketBase would decode the stored
// file for a thumb of size thumb and its header is unreadable or over the
// limits. Whatever PocketBase answers itself (an unknown record, a file
// that is no image, a thumbnail made before) passes.
func checkStoredImage(app core.App, collectionName, recordId, filename, thumb string) error {
	collection, err := app.FindCachedCollectionByNameOrId(collectionName)
	if err != nil {
		return nil
	}
	record, err := app.FindRecordById(collection, recordId)
	if err != nil {
		return nil
	}
	field := record.FindFileFieldByFile(filename)
	if field == nil || (thumb != "100x100" && !slices.Contains(field.Thumbs, thumb)) {
		return nil
	}
	base := record.BaseFilesPath()
	if collection.IsView() {
		source, err := app.FindRecordByViewFile(collection.Id, field.Name, filename)
		if err != nil {
			return nil
		}
		base = source.BaseFilesPath()
	}

	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil
	}
	defer fsys.Close()

	if exists, _ := fsys.Exists(base + "/thumbs_" + filename + "/" + thumb + "_" + filename); exists {
		return nil
	}
	r, err := fsys.GetReader(base + "/" + filename)
	if err != nil {
		return nil
	}
	defer r.Close()
	if !slices.Contains(thumbContentTypes, r.ContentType()) {
		return nil
	}
	_, err = CheckImage(r)
	return err
}
