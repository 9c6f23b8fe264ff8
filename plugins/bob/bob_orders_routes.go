package bob

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"buurtplein/hooks"
	"buurtplein/plugins/bob/proof"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

const (
	// previewRouteWidth is the width of the live preview's image: the order
	// form's preview pane on a phone.
	previewRouteWidth = 480

	// previewThumb is the thumb of an order's photo the live preview draws:
	// a 12-megapixel photo decoded for every pause in typing would cost
	// the server more than the preview is worth.
	previewThumb = "480x0"
)

// previewForm is the body of POST /api/buurtplein/orders/preview.
type previewForm struct {
	Team    string `json:"team"`
	Product string `json:"product"`
	Format  string `json:"format"`
	Title   string `json:"title"`
	Text    string `json:"text"`
	Contact string `json:"contact"`
	// Order is an order of Team whose photo the preview shows.
	Order string `json:"order"`
}

// previewAnswer is the answer of the live preview.
type previewAnswer struct {
	// Image is a data: URL of the PNG.
	Image    string           `json:"image"`
	Overflow []proof.Overflow `json:"overflow"`
	Warnings []proof.Warning  `json:"warnings"`
}

// bindOrderRoutes adds the live preview of the order form.
func (p *plugin) bindOrderRoutes(se *core.ServeEvent) error {
	g := se.Router.Group("/api/buurtplein/orders")
	// the body is bounded for every API route (hooks.JSONBodyLimit, 128 kB,
	// with a coded 413) before this reads it; the texts then by their
	// fields' maxima
	g.Bind(apis.RequireAuth(hooks.UsersCollection))
	g.POST("/preview", p.preview)
	return se.Next()
}

// preview renders page 1 of what the order form holds as a PNG at most
// 480 pixels wide, with the text fields that do not fit and the warnings
// about the photo, for the form's live preview. The caller must be a
// member of team; an order, if given, must be team's (its photo is drawn
// from its 480-pixel thumb). Nothing is stored.
func (p *plugin) preview(e *core.RequestEvent) error {
	var form previewForm
	if err := e.BindBody(&form); err != nil {
		return hooks.Err(http.StatusBadRequest, "request_invalid_json", nil, "De aanvraag is geen geldige JSON.")
	}
	if err := form.checkLengths(); err != nil {
		return err
	}

	leave, ok := previewGateOf(e.App).enter(e.Auth.Id)
	if !ok {
		return hooks.Err(http.StatusTooManyRequests, "orders_preview_busy", nil,
			"Het vorige voorbeeld wordt nog gemaakt. Wacht even en probeer het opnieuw.")
	}
	defer leave()

	member, err := hooks.IsMember(e.App, e.Auth.Id, form.Team)
	if err != nil {
		return err
	}
	if !member {
		return hooks.Err(http.StatusForbidden, "orders_preview_not_member", nil,
			"Je maakt alleen een voorbeeld voor een team waar je lid van bent.")
	}

	product, c, err := p.previewProduct(e, form.Product)
	if err != nil {
		return err
	}
	format, ok := c.format(form.Format)
	if !ok {
		return hooks.FieldError("format", "orders_format_not_offered",
			fmt.Sprintf("Dit product is er niet in %q; kies uit %s.", form.Format, strings.Join(c.formatCodes(), ", ")),
			hooks.Params{"format": form.Format, "offered": strings.Join(c.formatCodes(), ", ")})
	}

	content := proof.Content{Kind: product.GetString("kind"), Title: form.Title, Text: form.Text, Contact: form.Contact}
	if err := addTeamAndColours(e.App, &content, form.Team); err != nil {
		return err
	}
	var original image.Config
	if form.Order != "" {
		photo, config, err := previewPhoto(e.App, form.Order, form.Team)
		if err != nil {
			return err
		}
		content.Photo, original = photo, config
	}

	// a text that does not fit is drawn cut to what fits, so the form
	// shows the layout while the person shortens it
	overflow := proof.Check(format, content)
	png, err := previewPNG(format, content, overflow)
	if err != nil {
		e.App.Logger().Error("Rendering a live preview failed", "error", err)
		return hooks.Err(http.StatusBadRequest, "orders_render_failed", nil,
			"De proef kon niet worden gemaakt. Kies een andere foto (JPG, PNG of WebP) of probeer het later opnieuw.")
	}
	answer := previewAnswer{
		Image:    "data:image/png;base64," + base64.StdEncoding.EncodeToString(png),
		Overflow: overflow,
		Warnings: photoWarnings(format, cutToFit(content, overflow), original),
	}
	if answer.Overflow == nil {
		answer.Overflow = []proof.Overflow{}
	}
	return e.JSON(http.StatusOK, answer)
}

// previewPNG renders content with the texts of overflow cut to fit; a cut
// text that still does not fit (a line break costs a line) is cut again,
// a few times at most.
func previewPNG(format proof.Format, content proof.Content, overflow []proof.Overflow) ([]byte, error) {
	for range 3 {
		content = cutToFit(content, overflow)
		png, err := proof.PNG(format, content, proof.Options{Watermark: true}, previewRouteWidth)
		var more *proof.OverflowError
		if !errors.As(err, &more) {
			return png, err
		}
		overflow = more.Overflows
	}
	return nil, fmt.Errorf("preview: the texts still do not fit after cutting")
}

// cutToFit returns content with each field of overflows cut to the
// characters that fit.
func cutToFit(content proof.Content, overflows []proof.Overflow) proof.Content {
	for _, o := range overflows {
		cut := func(s string) string {
			r := []rune(s)
			return string(r[:max(0, min(len(r), o.Limit))])
		}
		switch o.Field {
		case "title":
			content.Title = cut(content.Title)
		case "text":
			content.Text = cut(content.Text)
		case "contact":
			content.Contact = cut(content.Contact)
		}
	}
	return content
}

// previewGate lets each employee have one live preview rendered at a
// time: a phone typing fast, or a script, waits for its previous one
// instead of taking the server's processors with a queue of them (the
// general rate limit counts requests, not their cost).
type previewGate struct{ busy sync.Map }

// previewGateOf returns app's gate.
func previewGateOf(app core.App) *previewGate {
	return app.Store().GetOrSet("bob.previewGate", func() any { return &previewGate{} }).(*previewGate)
}

// enter marks user's preview as under way and returns the function that
// ends it, or false when one is under way already.
func (g *previewGate) enter(user string) (leave func(), ok bool) {
	if _, busy := g.busy.LoadOrStore(user, struct{}{}); busy {
		return nil, false
	}
	return func() { g.busy.Delete(user) }, true
}

// checkLengths refuses texts longer than an order's fields hold, before
// anything lays them out.
func (f previewForm) checkLengths() error {
	for _, field := range []struct {
		name, value string
		max         int
	}{{"title", f.Title, 200}, {"text", f.Text, 5000}, {"contact", f.Contact, 300}} {
		if n := utf8.RuneCountInString(field.value); n > field.max {
			return hooks.FieldError(field.name, "max_text_constraint",
				fmt.Sprintf("%q heeft ten hoogste %d tekens.", field.name, field.max), hooks.Params{"max": field.max})
		}
	}
	return nil
}

// previewProduct returns a product the caller may read (an active one, or
// any for BOB staff) with what it offers; a 404 otherwise.
func (p *plugin) previewProduct(e *core.RequestEvent, id string) (*core.Record, *catalogue, error) {
	notFound := hooks.Err(http.StatusNotFound, "orders_product_not_found", nil,
		"Dit product bestaat niet (meer) of wordt niet meer aangeboden.")
	product, err := e.App.FindRecordById(ProductsCollection, id)
	if err != nil {
		return nil, nil, notFound
	}
	if !product.GetBool("active") {
		staff, err := hooks.IsBOBStaff(e.App, e.Auth.Id)
		if err != nil {
			return nil, nil, err
		}
		if !staff {
			return nil, nil, notFound
		}
	}
	c, err := productCatalogue(product)
	if err != nil {
		return nil, nil, fmt.Errorf("product %s: %w", product.Id, err)
	}
	return product, c, nil
}

// previewPhoto returns the 480-pixel thumb of the photo of the order with
// id, which must be team's, and the size of the photo itself; nil when it
// has no photo. The thumb is made once, as PocketBase makes thumbs, from a
// photo whose header is checked first.
func previewPhoto(app core.App, id, team string) ([]byte, image.Config, error) {
	var config image.Config
	order, err := app.FindRecordById(OrdersCollection, id)
	if err != nil || order.GetString("team") != team {
		return nil, config, hooks.Err(http.StatusNotFound, "orders_preview_order_not_found", nil,
			"Deze bestelling bestaat niet (meer) of hoort niet bij dit team.")
	}
	name := order.GetString("photo")
	if name == "" {
		return nil, config, nil
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, config, err
	}
	defer fsys.Close()

	base := order.BaseFilesPath()
	original, err := fsys.GetReader(base + "/" + name)
	if err != nil {
		return nil, config, fmt.Errorf("the photo of order %s: %w", id, err)
	}
	config, err = hooks.CheckImage(original)
	original.Close()
	if err != nil {
		return nil, config, photoError(err)
	}
	thumb := base + "/thumbs_" + name + "/" + previewThumb + "_" + name
	if exists, _ := fsys.Exists(thumb); !exists {
		if err := fsys.CreateThumb(base+"/"+name, thumb, previewThumb); err != nil {
			return nil, config, fmt.Errorf("the thumb of the photo of order %s: %w", id, err)
		}
	}
	data, err := readStored(app, thumb, maxPhotoBytes)
	if err != nil {
		return nil, config, fmt.Errorf("the thumb of the photo of order %s: %w", id, err)
	}
	if _, err := hooks.CheckImage(bytes.NewReader(data)); err != nil {
		return nil, config, photoError(err)
	}
	return data, config, nil
}

// photoWarnings returns the warning the proof would give about a photo of
// the size original (its resolution at print size under proof.PrintDPI):
// the preview draws the thumb, whose own resolution says nothing.
func photoWarnings(format proof.Format, content proof.Content, original image.Config) []proof.Warning {
	warnings := []proof.Warning{}
	layout, err := proof.NewLayout(format, content)
	if err != nil {
		return warnings
	}
	if dpi := layout.PhotoDPI(original.Width, original.Height); dpi > 0 && dpi < proof.PrintDPI {
		warnings = append(warnings, proof.Warning{Code: "photo_low_resolution", DPI: dpi})
	}
	return warnings
}
