package bob

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"buurtplein/hooks"
	"buurtplein/plugins/bob/proof"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The bounds of a product's catalogue data: what one product may offer.
const (
	maxFormats = 20
	maxPapers  = 20
	maxPrices  = 200

	// minFormatSide and maxFormatSide bound a format's width and height in
	// millimetres: from a small sticker to an A0 poster and a bit.
	minFormatSide = 20
	maxFormatSide = 1000

	// maxQuantity is the largest quantity a price tier may name.
	maxQuantity = 100_000
	// maxPrice is the highest price of one tier, in euro cents.
	maxPrice = 10_000_000
)

// codePattern is what a format's or paper's code looks like: it goes into
// file names and an order's format field.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$`)

// paper is one paper a product is printed on.
type paper struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// price is the price of quantity pieces of a product in a format, in euro
// cents.
type price struct {
	Format   string `json:"format"`
	Quantity int    `json:"quantity"`
	Price    int    `json:"price"`
}

// catalogue is what a product offers: its formats, papers and prices.
type catalogue struct {
	Formats []proof.Format
	Papers  []paper
	Prices  []price
}

// bindCatalogue binds the catalogue: the products and their formats,
// papers and prices. The JSON is checked on every save, whoever makes it
// (BOB staff in the PWA, the BOB lead in the dashboard, Go code); products
// are published on the organisation's topic while active and on BOB's
// while not (the rules show an inactive product to BOB alone).
func (p *plugin) bindCatalogue() error {
	// PocketBase's own validation first: the fields' MaxSize bounds the
	// JSON before it is decoded here
	p.app.OnRecordValidate(ProductsCollection).BindFunc(func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		_, err := productCatalogue(e.Record)
		return err
	})
	hooks.PublishTo(p.app, ProductsCollection, hooks.Topics{Of: productTopics})
	return nil
}

// productTopics puts an active product on the organisation's topic, an
// inactive one on BOB's alone.
func productTopics(app core.App, product *core.Record) ([]string, error) {
	if product.GetBool("active") {
		return []string{hooks.OrganisationTopic}, nil
	}
	return bobTopics(app)
}

// productCatalogue reads and checks the formats, papers and prices of
// product; the error is a 400 naming the field and what is wrong.
func productCatalogue(product *core.Record) (*catalogue, error) {
	c := &catalogue{}
	if err := decodeList(product, "formats", maxFormats, &c.Formats); err != nil {
		return nil, err
	}
	if len(c.Formats) == 0 {
		return nil, hooks.FieldError("formats", "product_no_formats", "Geef het product ten minste één formaat.")
	}
	if err := decodeList(product, "papers", maxPapers, &c.Papers); err != nil {
		return nil, err
	}
	if err := decodeList(product, "prices", maxPrices, &c.Prices); err != nil {
		return nil, err
	}
	if len(c.Prices) == 0 {
		return nil, hooks.FieldError("prices", "product_no_prices", "Geef het product ten minste één prijs (formaat, aantal, prijs).")
	}
	if err := checkFormats(c.Formats); err != nil {
		return nil, err
	}
	if err := checkPapers(c.Papers); err != nil {
		return nil, err
	}
	if err := checkPrices(c.Prices, c.Formats); err != nil {
		return nil, err
	}
	return c, nil
}

// decodeList decodes the JSON list in field into out, refusing more than
// max items. The field's MaxSize bounds the bytes before this runs.
func decodeList(product *core.Record, field string, max int, out any) error {
	raw, _ := product.GetRaw(field).(types.JSONRaw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return hooks.FieldError(field, "product_not_a_list",
			fmt.Sprintf("%q moet een lijst zijn (JSON [...]).", field), hooks.Params{"field": field})
	}
	if len(items) > max {
		return hooks.FieldError(field, "product_too_many",
			fmt.Sprintf("%q heeft %d regels; ten hoogste %d.", field, len(items), max),
			hooks.Params{"field": field, "count": len(items), "max": max})
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return hooks.FieldError(field, "product_invalid_item",
			fmt.Sprintf("Een regel van %q heeft niet de juiste velden of waarden: %v", field, err), hooks.Params{"field": field})
	}
	return nil
}

// maxNameLength bounds the name of a format or a paper.
const maxNameLength = 80

func checkFormats(formats []proof.Format) error {
	seen := map[string]bool{}
	for i, f := range formats {
		if err := checkCodeAndName("formats", i, f.Code, f.Name, seen); err != nil {
			return err
		}
		if !sideInRange(f.Width) || !sideInRange(f.Height) {
			return hooks.FieldError("formats", "product_size",
				fmt.Sprintf("Formaat %q: breedte en hoogte liggen tussen %d en %d mm.", f.Code, minFormatSide, maxFormatSide),
				hooks.Params{"code": f.Code, "min": minFormatSide, "max": maxFormatSide})
		}
		if f.Round && f.Width != f.Height {
			return hooks.FieldError("formats", "product_round",
				fmt.Sprintf("Formaat %q is rond: breedte en hoogte zijn dan gelijk (de doorsnede).", f.Code), hooks.Params{"code": f.Code})
		}
	}
	return nil
}

func sideInRange(mm float64) bool { return mm >= minFormatSide && mm <= maxFormatSide }

func checkPapers(papers []paper) error {
	seen := map[string]bool{}
	for i, pp := range papers {
		if err := checkCodeAndName("papers", i, pp.Code, pp.Name, seen); err != nil {
			return err
		}
	}
	return nil
}

// checkCodeAndName checks the code and name of item i of field (formats
// or papers): a code of codePattern that seen (the codes before it, in
// any case) does not hold, and a name.
func checkCodeAndName(field string, i int, code, name string, seen map[string]bool) error {
	if !codePattern.MatchString(code) {
		return hooks.FieldError(field, "product_code",
			fmt.Sprintf("Regel %d van %q heeft geen geldige code %q: letters, cijfers, - _ en ., ten hoogste 40 tekens.", i+1, field, code),
			hooks.Params{"field": field, "index": i + 1, "code": code})
	}
	if seen[strings.ToLower(code)] {
		return hooks.FieldError(field, "product_duplicate_code",
			fmt.Sprintf("De code %q komt twee keer voor in %q.", code, field), hooks.Params{"field": field, "code": code})
	}
	seen[strings.ToLower(code)] = true
	if strings.TrimSpace(name) == "" || len([]rune(name)) > maxNameLength {
		return hooks.FieldError(field, "product_name",
			fmt.Sprintf("%q heeft een naam nodig van 1 tot %d tekens.", code, maxNameLength),
			hooks.Params{"field": field, "code": code, "max": maxNameLength})
	}
	return nil
}

func checkPrices(prices []price, formats []proof.Format) error {
	type tier struct {
		format   string
		quantity int
	}
	seen := map[tier]bool{}
	for _, pr := range prices {
		if !slices.ContainsFunc(formats, func(f proof.Format) bool { return f.Code == pr.Format }) {
			return hooks.FieldError("prices", "product_price_format",
				fmt.Sprintf("Een prijs noemt het formaat %q, dat het product niet heeft.", pr.Format), hooks.Params{"format": pr.Format})
		}
		if pr.Quantity < 1 || pr.Quantity > maxQuantity {
			return hooks.FieldError("prices", "product_price_quantity",
				fmt.Sprintf("Een prijs voor %q heeft aantal %d; het aantal ligt tussen 1 en %d.", pr.Format, pr.Quantity, maxQuantity),
				hooks.Params{"format": pr.Format, "quantity": pr.Quantity, "max": maxQuantity})
		}
		if pr.Price < 0 || pr.Price > maxPrice {
			return hooks.FieldError("prices", "product_price_amount",
				fmt.Sprintf("De prijs van %d x %q ligt tussen 0 en %d cent.", pr.Quantity, pr.Format, maxPrice),
				hooks.Params{"format": pr.Format, "quantity": pr.Quantity, "max": maxPrice})
		}
		t := tier{pr.Format, pr.Quantity}
		if seen[t] {
			return hooks.FieldError("prices", "product_price_duplicate",
				fmt.Sprintf("Er zijn twee prijzen voor %d x %q.", pr.Quantity, pr.Format), hooks.Params{"format": pr.Format, "quantity": pr.Quantity})
		}
		seen[t] = true
	}
	return nil
}

// format returns the format with code, or false.
func (c *catalogue) format(code string) (proof.Format, bool) {
	i := slices.IndexFunc(c.Formats, func(f proof.Format) bool { return f.Code == code })
	if i < 0 {
		return proof.Format{}, false
	}
	return c.Formats[i], true
}

// formatCodes returns the codes of the formats, in the catalogue's order.
func (c *catalogue) formatCodes() []string {
	codes := make([]string, len(c.Formats))
	for i, f := range c.Formats {
		codes[i] = f.Code
	}
	return codes
}

// paperCodes returns the codes of the papers.
func (c *catalogue) paperCodes() []string {
	codes := make([]string, len(c.Papers))
	for i, pp := range c.Papers {
		codes[i] = pp.Code
	}
	return codes
}

// quantities returns the quantities offered in format, ascending.
func (c *catalogue) quantities(format string) []int {
	var qs []int
	for _, pr := range c.Prices {
		if pr.Format == format {
			qs = append(qs, pr.Quantity)
		}
	}
	slices.Sort(qs)
	return qs
}

// price returns the price of quantity pieces in format, or false.
func (c *catalogue) price(format string, quantity int) (int, bool) {
	for _, pr := range c.Prices {
		if pr.Format == format && pr.Quantity == quantity {
			return pr.Price, true
		}
	}
	return 0, false
}
