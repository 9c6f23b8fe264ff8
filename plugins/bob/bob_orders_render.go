package bob

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io"
	"net/http"
	"strconv"

	"buurtplein/hooks"
	"buurtplein/plugins/bob/proof"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

const (
	// previewWidth is the width in pixels of an order's PNG preview, for
	// the proof viewer on a phone or a laptop.
	previewWidth = 1200

	// maxPhotoBytes bounds what is read of an order's photo: its field's
	// MaxSize.
	maxPhotoBytes = 25 << 20
	// maxLogoBytes bounds what is read of a team's logo: its field's
	// MaxSize.
	maxLogoBytes = 2 << 20
)

// RequestProof renders the proof of order (a draft): it checks what the
// product offers and that the texts fit (a 400 naming the field and by how
// many characters it is too long), renders the PDF with the "PROEF"
// watermark into proof and the PNG preview into preview, raises
// proof_revision and sets the status to proof. The caller saves order. It
// reads the photo, the team's logo and the organisation's colours with app.
//
// order must be as read from the database (app.FindRecordById): its
// Original is what the hooks compare the save with, and PocketBase does not
// bring a record's Original up to date when it saves it.
func RequestProof(app core.App, order *core.Record) error {
	format, content, err := orderLayout(app, order)
	if err != nil {
		return err
	}
	if overflows := proof.Check(format, content); len(overflows) > 0 {
		return errOverflow(overflows)
	}

	revision := order.GetInt("proof_revision") + 1
	// the PDF and the preview from one decoding of the photo
	result, err := proof.Render(format, content, proof.Options{Watermark: true}, previewWidth)
	if err != nil {
		return renderFailed(app, order, err)
	}
	pdfFile, err := filesystem.NewFileFromBytes(result.PDF, "proof-r"+strconv.Itoa(revision)+".pdf")
	if err != nil {
		return err
	}
	pngFile, err := filesystem.NewFileFromBytes(result.PNG, "preview-r"+strconv.Itoa(revision)+".png")
	if err != nil {
		return err
	}
	order.Set("proof", pdfFile)
	order.Set("preview", pngFile)
	order.Set("proof_revision", revision)
	order.Set("status", StatusProof)
	return nil
}

// ApproveProof renders the print file of order (a proof) without the
// watermark into print_file, and sets the status to approved and
// approved_by to approver, a member of the order's team. The caller saves
// order.
func ApproveProof(app core.App, order *core.Record, approver string) error {
	format, content, err := orderLayout(app, order)
	if err != nil {
		return err
	}
	result, err := proof.PDF(format, content, proof.Options{})
	if err != nil {
		return renderFailed(app, order, err)
	}
	file, err := filesystem.NewFileFromBytes(result.PDF, "print-r"+strconv.Itoa(order.GetInt("proof_revision"))+".pdf")
	if err != nil {
		return err
	}
	order.Set("print_file", file)
	order.Set("approved_by", approver)
	order.Set("status", StatusApproved)
	return nil
}

// renderFailed answers a 400 a person can act on for a proof that could
// not be rendered: the texts, the photo, or else (logged) the renderer.
func renderFailed(app core.App, order *core.Record, err error) error {
	var overflow *proof.OverflowError
	switch {
	case errors.As(err, &overflow):
		return errOverflow(overflow.Overflows)
	case errors.Is(err, proof.ErrPhotoTooLarge):
		return photoError(hooks.ErrImageTooLarge)
	case errors.Is(err, proof.ErrPhotoNotImage):
		return photoError(hooks.ErrImageUnreadable)
	}
	app.Logger().Error("Rendering an order's proof failed", "order", order.Id, "error", err)
	return hooks.Err(http.StatusBadRequest, "orders_render_failed", nil,
		"De proef kon niet worden gemaakt. Kies een andere foto (JPG, PNG of WebP) of probeer het later opnieuw.")
}

// orderLayout returns the format of order and what its proof shows.
func orderLayout(app core.App, order *core.Record) (proof.Format, proof.Content, error) {
	product, c, err := orderProduct(app, order)
	if err != nil {
		return proof.Format{}, proof.Content{}, err
	}
	if err := checkOffer(order, c); err != nil {
		return proof.Format{}, proof.Content{}, err
	}
	format, _ := c.format(order.GetString("format"))

	photo, err := orderPhoto(app, order)
	if err != nil {
		return proof.Format{}, proof.Content{}, err
	}
	content := proof.Content{
		Kind:    product.GetString("kind"),
		Title:   order.GetString("title"),
		Text:    order.GetString("text"),
		Contact: order.GetString("contact"),
		Photo:   photo,
	}
	if err := addTeamAndColours(app, &content, order.GetString("team")); err != nil {
		return proof.Format{}, proof.Content{}, err
	}
	return format, content, nil
}

// addTeamAndColours fills in the team's name and logo and the
// organisation's colours. A logo that cannot be read leaves the proof
// without one: the team's order does not fail on it.
func addTeamAndColours(app core.App, content *proof.Content, teamId string) error {
	team, err := app.FindRecordById(hooks.TeamsCollection, teamId)
	if err != nil {
		return fmt.Errorf("the team %s of an order: %w", teamId, err)
	}
	content.TeamName = team.GetString("name")
	if logo := team.GetString("logo"); logo != "" {
		data, err := readStored(app, team.BaseFilesPath()+"/"+logo, maxLogoBytes)
		if err == nil {
			_, err = hooks.CheckImage(bytes.NewReader(data))
		}
		if err != nil {
			app.Logger().Warn("A team's logo left off a proof", "team", teamId, "error", err)
		} else {
			content.Logo = data
		}
	}
	content.Primary, content.Accent = organisationColours(app)
	return nil
}

// organisationColours returns the organisation's colours from its
// settings; zero for a colour it has not set (package proof then uses its
// own).
func organisationColours(app core.App) (primary, accent color.RGBA) {
	settings, err := app.FindFirstRecordByFilter("organisation_settings", "id != ''")
	if err != nil {
		return primary, accent
	}
	if c, ok := parseColour(settings.GetString("colour_primary")); ok {
		primary = c
	}
	if c, ok := parseColour(settings.GetString("colour_accent")); ok {
		accent = c
	}
	return primary, accent
}

// parseColour parses "#rrggbb".
func parseColour(s string) (color.RGBA, bool) {
	if len(s) != 7 || s[0] != '#' {
		return color.RGBA{}, false
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.RGBA{}, false
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}, true
}

// orderPhoto returns the bytes of order's photo: a new one the save brings,
// or the stored one; nil for none. Its header is checked (an image within
// the pixel limits) before anything decodes it.
func orderPhoto(app core.App, order *core.Record) ([]byte, error) {
	var data []byte
	var err error
	if files := order.GetUnsavedFiles("photo"); len(files) > 0 {
		data, err = readFile(files[0], maxPhotoBytes)
	} else if name := order.GetString("photo"); name != "" {
		data, err = readStored(app, order.BaseFilesPath()+"/"+name, maxPhotoBytes)
	} else {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("the photo of order %s: %w", order.Id, err)
	}
	if _, err := hooks.CheckImage(bytes.NewReader(data)); err != nil {
		return nil, photoError(err)
	}
	return data, nil
}

// photoError is the 400 about a photo that is no image or too large.
func photoError(err error) error {
	if errors.Is(err, hooks.ErrImageTooLarge) {
		return hooks.FieldError("photo", "image_too_large",
			"De foto is te groot. Kies er een van ten hoogste 40 megapixel en 12.000 pixels breed of hoog, of verklein hem eerst.",
			hooks.Params{"field": "photo"})
	}
	return hooks.FieldError("photo", "image_unreadable",
		"De foto is niet te lezen. Kies een JPG, PNG of WebP.", hooks.Params{"field": "photo"})
}

// errTooLarge is returned for a file over the bound it is read with.
var errTooLarge = errors.New("file over its size bound")

// readFile reads a new file, at most max bytes.
func readFile(file *filesystem.File, max int64) ([]byte, error) {
	r, err := file.Reader.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return readBounded(r, max)
}

// readStored reads a stored file, at most max bytes.
func readStored(app core.App, path string, max int64) ([]byte, error) {
	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	r, err := fsys.GetReader(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return readBounded(r, max)
}

func readBounded(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", errTooLarge, max)
	}
	return data, nil
}
