package bob_test

import (
	"net/http"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// validProduct is a product body with changes.
func validProduct(changes map[string]any) map[string]any {
	p := map[string]any{
		"kind": "poster", "name": "Testposter", "active": true,
		"formats": []any{map[string]any{"code": "A3", "name": "A3", "width": 297, "height": 420}},
		"papers":  []any{map[string]any{"code": "silk-170", "name": "Silk 170"}},
		"prices":  []any{map[string]any{"format": "A3", "quantity": 25, "price": 3450}},
	}
	for k, v := range changes {
		p[k] = v
	}
	return p
}

func repeat(n int, item func(i int) any) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = item(i)
	}
	return out
}

// TestProductValidation saves products with bad catalogue data through Go
// (the hook holds on every path) and checks each is refused with the code
// a person can act on, and that a good one is saved.
func TestProductValidation(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	a3 := map[string]any{"code": "A3", "name": "A3", "width": 297, "height": 420}
	cases := []struct {
		name    string
		changes map[string]any
		code    string // "" for saved
	}{
		{"valid", nil, ""},
		{"round sticker", map[string]any{
			"formats": []any{map[string]any{"code": "rond-100", "name": "Rond", "width": 100, "height": 100, "round": true}},
			"prices":  []any{map[string]any{"format": "rond-100", "quantity": 50, "price": 0}},
		}, ""},
		{"formats not a list", map[string]any{"formats": map[string]any{"code": "A3"}}, "validation_product_not_a_list"},
		{"no formats", map[string]any{"formats": []any{}}, "validation_required"},
		{"21 formats", map[string]any{"formats": repeat(21, func(i int) any {
			return map[string]any{"code": "F" + string(rune('a'+i)), "name": "F", "width": 100, "height": 100}
		})}, "validation_product_too_many"},
		{"21 papers", map[string]any{"papers": repeat(21, func(i int) any {
			return map[string]any{"code": "P" + string(rune('a'+i)), "name": "P"}
		})}, "validation_product_too_many"},
		{"201 prices", map[string]any{"prices": repeat(201, func(i int) any {
			return map[string]any{"format": "A3", "quantity": i + 1, "price": 100}
		})}, "validation_product_too_many"},
		{"a width that is text", map[string]any{"formats": []any{map[string]any{"code": "A3", "name": "A3", "width": "breed", "height": 420}}}, "validation_product_invalid_item"},
		{"a code with a space", map[string]any{"formats": []any{map[string]any{"code": "A 3", "name": "A3", "width": 297, "height": 420}}}, "validation_product_code"},
		{"a code with a slash", map[string]any{"formats": []any{map[string]any{"code": "../A3", "name": "A3", "width": 297, "height": 420}}}, "validation_product_code"},
		{"two formats A3", map[string]any{"formats": []any{a3, a3}}, "validation_product_duplicate_code"},
		{"a format without a name", map[string]any{"formats": []any{map[string]any{"code": "A3", "width": 297, "height": 420}}}, "validation_product_name"},
		{"a format of 10 mm", map[string]any{"formats": []any{map[string]any{"code": "A3", "name": "A3", "width": 10, "height": 420}}}, "validation_product_size"},
		{"a format of 2 m", map[string]any{"formats": []any{map[string]any{"code": "A3", "name": "A3", "width": 297, "height": 2000}}}, "validation_product_size"},
		{"a round format that is not square", map[string]any{"formats": []any{map[string]any{"code": "A3", "name": "A3", "width": 297, "height": 420, "round": true}}}, "validation_product_round"},
		{"a paper with a bad code", map[string]any{"papers": []any{map[string]any{"code": "", "name": "Silk"}}}, "validation_product_code"},
		{"two papers alike", map[string]any{"papers": []any{map[string]any{"code": "silk", "name": "Silk"}, map[string]any{"code": "SILK", "name": "Silk"}}}, "validation_product_duplicate_code"},
		{"a price of a format it lacks", map[string]any{"prices": []any{map[string]any{"format": "A2", "quantity": 25, "price": 3450}}}, "validation_product_price_format"},
		{"quantity 0", map[string]any{"prices": []any{map[string]any{"format": "A3", "quantity": 0, "price": 3450}}}, "validation_product_price_quantity"},
		{"a negative price", map[string]any{"prices": []any{map[string]any{"format": "A3", "quantity": 25, "price": -1}}}, "validation_product_price_amount"},
		{"two prices for 25 x A3", map[string]any{"prices": []any{
			map[string]any{"format": "A3", "quantity": 25, "price": 3450}, map[string]any{"format": "A3", "quantity": 25, "price": 3000},
		}}, "validation_product_price_duplicate"},
	}
	collection, err := app.FindCollectionByNameOrId("products")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		product := core.NewRecord(collection)
		product.Load(validProduct(c.changes))
		err := app.Save(product)
		code, _ := hooks.CodeOf(err)
		switch {
		case c.code == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.code != "" && code != c.code:
			t.Errorf("%s: code %q (%v), want %q", c.name, code, err, c.code)
		}
	}
}

// TestProductsAPI checks who keeps the catalogue, that its checks hold on
// the record API and in a batch, and that an inactive product is BOB's
// alone to see and cannot be ordered.
func TestProductsAPI(t *testing.T) {
	t.Parallel()
	f := newOrderFixture(t)
	badPrice := validProduct(map[string]any{"prices": []any{map[string]any{"format": "A4", "quantity": 25, "price": 3450}}})
	deactivate := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		product, err := app.FindRecordById("products", f.poster)
		if err != nil {
			t.Fatal(err)
		}
		product.Set("active", false)
		if err := app.Save(product); err != nil {
			t.Fatal(err)
		}
	}
	noNewProduct := func(t testing.TB, app *tests.TestApp, res *http.Response) {
		if n, _ := app.CountRecords("products", nil); n != 6 {
			t.Errorf("%d products after a refused create, want the 6 of the demo", n)
		}
	}
	runScenarios(t, []tests.ApiScenario{
		{
			Name: "BOB adds a product", Method: http.MethodPost, URL: "/api/collections/products/records",
			Headers: authHeader(f.boT), Body: jsonOf(t, validProduct(nil)),
			ExpectedStatus: 200, ExpectedContent: []string{`"name":"Testposter"`},
		},
		{
			Name: "IT adds a product in the dashboard", Method: http.MethodPost, URL: "/api/collections/products/records",
			Headers: authHeader(f.superuserT), Body: jsonOf(t, validProduct(nil)),
			ExpectedStatus: 200, ExpectedContent: []string{`"name":"Testposter"`},
		},
		{
			Name: "a team member cannot add a product", Method: http.MethodPost, URL: "/api/collections/products/records",
			Headers: authHeader(f.annaT), Body: jsonOf(t, validProduct(nil)),
			ExpectedStatus: 400, ExpectedContent: []string{`"data":{}`}, AfterTestFunc: noNewProduct,
		},
		{
			Name: "a team member cannot change a product", Method: http.MethodPatch, URL: "/api/collections/products/records/" + f.poster,
			Headers: authHeader(f.bramT), Body: strings.NewReader(`{"name":"Gratis posters"}`),
			ExpectedStatus: 404, ExpectedContent: []string{`"data":{}`},
		},
		{
			Name: "BOB's product with a price of a format it lacks", Method: http.MethodPost, URL: "/api/collections/products/records",
			Headers: authHeader(f.boT), Body: jsonOf(t, badPrice),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"validation_product_price_format"`, `"format":"A4"`},
			AfterTestFunc: noNewProduct,
		},
		{
			Name: "the same in a batch", Method: http.MethodPost, URL: "/api/batch",
			Headers: authHeader(f.boT),
			Body: jsonOf(t, map[string]any{"requests": []any{
				map[string]any{"method": "POST", "url": "/api/collections/products/records", "body": badPrice},
			}}),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"validation_product_price_format"`},
			AfterTestFunc: noNewProduct,
		},
		{
			Name: "IT's edit in the dashboard is checked too", Method: http.MethodPatch, URL: "/api/collections/products/records/" + f.poster,
			Headers: authHeader(f.superuserT), Body: strings.NewReader(`{"formats":[{"code":"A3","name":"A3","width":297,"height":420,"round":true}]}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"validation_product_round"`},
		},
		{
			Name: "an inactive product is hidden from a team member", Method: http.MethodGet, URL: "/api/collections/products/records?perPage=100",
			Headers: authHeader(f.bramT), BeforeTestFunc: deactivate,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":5`}, NotExpectedContent: []string{f.poster},
		},
		{
			Name: "BOB sees an inactive product", Method: http.MethodGet, URL: "/api/collections/products/records/" + f.poster,
			Headers: authHeader(f.boT), BeforeTestFunc: deactivate,
			ExpectedStatus: 200, ExpectedContent: []string{`"active":false`},
		},
		{
			Name: "an inactive product cannot be ordered", Method: http.MethodPost, URL: "/api/collections/orders/records",
			Headers: authHeader(f.bramT), Body: jsonOf(t, f.posterBody(f.bram, nil)), BeforeTestFunc: deactivate,
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"validation_orders_product_inactive"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if n, _ := app.CountRecords("orders", nil); n != 2 {
					t.Errorf("%d orders, want the 2 of the demo", n)
				}
			},
		},
	})
}
