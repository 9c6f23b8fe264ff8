package bob

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// demoProduct is a product of the demo catalogue.
type demoProduct struct {
	kind, name, description string
	formats                 []map[string]any
	papers                  []map[string]any
	prices                  []map[string]any
}

func format(code, name string, width, height float64, round bool) map[string]any {
	return map[string]any{"code": code, "name": name, "width": width, "height": height, "round": round}
}

func paperOf(code, name string) map[string]any { return map[string]any{"code": code, "name": name} }

// tiers returns the prices of format: quantity, price in cents, ...
func tiers(format string, pairs ...int) []map[string]any {
	var out []map[string]any
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, map[string]any{"format": format, "quantity": pairs[i], "price": pairs[i+1]})
	}
	return out
}

func join[T any](lists ...[]T) []T {
	var out []T
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// Names of the demo products the demo orders use.
const (
	demoPosterName = "Poster"
	demoFlyerName  = "Flyer"
)

var demoCatalogue = []demoProduct{
	{
		kind: "poster", name: demoPosterName,
		description: "Een poster voor het prikbord van de huisarts, de bibliotheek of het buurthuis.",
		formats:     []map[string]any{format("A3", "A3", 297, 420, false), format("A2", "A2", 420, 594, false)},
		papers:      []map[string]any{paperOf("silk-170", "Silk mc 170 g/m²"), paperOf("silk-250", "Silk mc 250 g/m²")},
		prices:      join(tiers("A3", 10, 1850, 25, 3450, 50, 5900, 100, 9900), tiers("A2", 10, 2950, 25, 5450, 50, 8900)),
	},
	{
		kind: "flyer", name: demoFlyerName,
		description: "Een flyer om uit te delen of in de bus te doen.",
		formats:     []map[string]any{format("A5", "A5", 148, 210, false), format("A4", "A4", 210, 297, false)},
		papers:      []map[string]any{paperOf("silk-135", "Silk mc 135 g/m²"), paperOf("silk-170", "Silk mc 170 g/m²")},
		prices:      join(tiers("A5", 100, 2450, 250, 3950, 500, 5450, 1000, 7950), tiers("A4", 100, 3450, 250, 5950, 500, 8450)),
	},
	{
		kind: "advertisement", name: "Advertentie in de wijkkrant",
		description: "Een advertentie in de wijkkrant: BOB levert het bestand aan de krant.",
		formats: []map[string]any{
			format("kwart-pagina", "1/4 pagina (130 x 190 mm)", 130, 190, false),
			format("2-kolom-100", "2 kolommen x 100 mm (81 x 100 mm)", 81, 100, false),
		},
		prices: join(tiers("kwart-pagina", 1, 24500), tiers("2-kolom-100", 1, 9500)),
	},
	{
		kind: "sticker", name: "Sticker rond",
		description: "Een ronde sticker van 10 cm, voor de deur van het buurtteam of de fiets.",
		formats:     []map[string]any{format("rond-100", "Rond 100 mm", 100, 100, true)},
		papers:      []map[string]any{paperOf("vinyl-wit", "Wit vinyl, mat")},
		prices:      tiers("rond-100", 50, 3450, 100, 4950, 250, 8950),
	},
	{
		kind: "brochure", name: "Brochure",
		description: "Een A4, gevouwen tot A5: vier pagina's over wat het buurtteam doet.",
		formats:     []map[string]any{format("A4-gevouwen", "A4 gevouwen tot A5", 148, 210, false)},
		papers:      []map[string]any{paperOf("silk-135", "Silk mc 135 g/m²")},
		prices:      tiers("A4-gevouwen", 50, 6450, 100, 8950, 250, 15950),
	},
	{
		kind: "flyer", name: "Visitekaartjes",
		description: "Visitekaartjes van 85 x 55 mm met de gegevens van het buurtteam.",
		formats:     []map[string]any{format("85x55", "85 x 55 mm", 85, 55, false)},
		papers:      []map[string]any{paperOf("silk-350", "Silk mc 350 g/m²")},
		prices:      tiers("85x55", 100, 2450, 250, 3450, 500, 4950),
	},
}

// seedCatalogue seeds the demo catalogue: posters, flyers, a newspaper
// advertisement, a round sticker, a brochure and business cards, with
// their papers and price tiers. A product whose name exists is left alone.
func seedCatalogue(app core.App) error {
	return app.RunInTransaction(func(txApp core.App) error {
		collection, err := txApp.FindCollectionByNameOrId(ProductsCollection)
		if err != nil {
			return err
		}
		for _, d := range demoCatalogue {
			_, err := txApp.FindFirstRecordByData(collection, "name", d.name)
			if err == nil {
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("looking up demo product %q: %w", d.name, err)
			}
			product := core.NewRecord(collection)
			product.Set("kind", d.kind)
			product.Set("name", d.name)
			product.Set("description", d.description)
			product.Set("formats", d.formats)
			product.Set("papers", d.papers)
			product.Set("prices", d.prices)
			product.Set("active", true)
			if err := txApp.Save(product); err != nil {
				return fmt.Errorf("demo product %q: %w", d.name, err)
			}
		}
		return nil
	})
}

// demoOrder is an order of the demo organisation.
type demoOrder struct {
	team, requester, product, format, paper string
	quantity                                int
	title, text, contact                    string
	// path is the statuses it goes through after draft, with who moves it
	// (the e-mail address of a demo account)
	path []demoStep
}

type demoStep struct{ status, by string }

var demoOrders = []demoOrder{
	{
		team: "haarlem-noord", requester: "anna@buurtplein.test", product: demoPosterName, format: "A3", paper: "silk-170", quantity: 25,
		title:   "Spreekuur in het buurthuis",
		text:    "Elke dinsdag van 10 tot 12 uur staat Buurtteam Haarlem-Noord klaar voor al uw vragen over zorg, welzijn en wonen. Loop gerust binnen, ook zonder afspraak. Koffie en thee staan klaar.",
		contact: "Buurthuis De Ĳsbrand · Kleverparkweg 12 · 023 555 01 23",
		path:    []demoStep{{StatusProof, "anna@buurtplein.test"}},
	},
	{
		team: "heemstede", requester: "eva@buurtplein.test", product: demoFlyerName, format: "A5", paper: "silk-135", quantity: 250,
		title:   "Samen koken in Heemstede",
		text:    "Kook mee met buren en het buurtteam: iedere eerste vrijdag van de maand in het wijkcentrum. Aanmelden is niet nodig; neem gerust een buurvrouw of buurman mee.",
		contact: "Buurtteam Heemstede · 023 555 07 89",
		path: []demoStep{
			{StatusProof, "eva@buurtplein.test"},
			{StatusApproved, "eva@buurtplein.test"},
			{StatusProduction, "bo@buurtplein.test"},
		},
	},
}

// seedOrders seeds the demo orders: a poster in Haarlem-Noord waiting for
// the team's approval (a rendered proof) and a flyer of Heemstede in
// production. An order whose title its team has is left alone.
func seedOrders(app core.App) error {
	return app.RunInTransaction(func(txApp core.App) error {
		for _, d := range demoOrders {
			if err := seedOrder(txApp, d); err != nil {
				return err
			}
		}
		return nil
	})
}

func seedOrder(app core.App, d demoOrder) error {
	team, err := app.FindFirstRecordByData(hooks.TeamsCollection, "slug", d.team)
	if err != nil {
		return fmt.Errorf("demo team %s: %w", d.team, err)
	}
	_, err = app.FindFirstRecordByFilter(OrdersCollection, "team = {:team} && title = {:title}",
		dbx.Params{"team": team.Id, "title": d.title})
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("looking up demo order %q: %w", d.title, err)
	}
	product, err := app.FindFirstRecordByData(ProductsCollection, "name", d.product)
	if err != nil {
		return fmt.Errorf("demo product %q: %w", d.product, err)
	}
	requester, err := app.FindAuthRecordByEmail(hooks.UsersCollection, d.requester)
	if err != nil {
		return fmt.Errorf("demo account %s: %w", d.requester, err)
	}
	photo, err := demoPhoto()
	if err != nil {
		return err
	}

	collection, err := app.FindCollectionByNameOrId(OrdersCollection)
	if err != nil {
		return err
	}
	order := core.NewRecord(collection)
	order.Load(map[string]any{
		"team": team.Id, "requested_by": requester.Id, "product": product.Id, "format": d.format, "paper": d.paper,
		"quantity": d.quantity, "title": d.title, "text": d.text, "contact": d.contact, "photo": photo,
	})
	if err := saveOrderAs(app, order, requester.Id); err != nil {
		return fmt.Errorf("demo order %q: %w", d.title, err)
	}
	for _, step := range d.path {
		// a saved record keeps what it was loaded as for its Original:
		// read it again, as each step's hooks compare with what is stored
		if order, err = app.FindRecordById(OrdersCollection, order.Id); err != nil {
			return err
		}
		by, err := app.FindAuthRecordByEmail(hooks.UsersCollection, step.by)
		if err != nil {
			return fmt.Errorf("demo account %s: %w", step.by, err)
		}
		switch step.status {
		case StatusProof:
			err = RequestProof(app, order)
		case StatusApproved:
			err = ApproveProof(app, order, by.Id)
		default:
			order.Set("status", step.status)
		}
		if err == nil {
			err = saveOrderAs(app, order, by.Id)
		}
		if err != nil {
			return fmt.Errorf("demo order %q to %s: %w", d.title, step.status, err)
		}
	}
	return nil
}

// saveOrderAs saves order as a change by actor: its history names them.
func saveOrderAs(app core.App, order *core.Record, actor string) error {
	orderWrites.Store(order, orderWrite{actor: actor})
	defer orderWrites.Delete(order)
	return app.Save(order)
}

// demoPhoto draws a photo for the demo orders: a sky over a row of
// houses, 1800 x 1200 pixels, as a JPEG.
func demoPhoto() (*filesystem.File, error) {
	const w, h = 1800, 1200
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(90 + y*100/h), uint8(150 + y*60/h), 230, 255}
			// houses: blocks with pointed roofs along the bottom third
			house := x / 300
			left, top := house*300+30, 700-(house%3)*60
			inX := x >= left && x < left+240
			roof := top - 120 + abs(x-(left+120))
			switch {
			case inX && y >= top:
				c = color.RGBA{uint8(150 + house*15), 70, 50, 255}
				if (x-left)%80 > 25 && (x-left)%80 < 55 && (y-top)%120 > 30 && (y-top)%120 < 80 {
					c = color.RGBA{250, 230, 150, 255} // a lit window
				}
			case inX && y >= roof && y < top:
				c = color.RGBA{60, 60, 70, 255}
			case y > 1100:
				c = color.RGBA{80, 140, 70, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, fmt.Errorf("the demo photo: %w", err)
	}
	return filesystem.NewFileFromBytes(buf.Bytes(), "buurthuis.jpg")
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
