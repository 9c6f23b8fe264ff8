package bob_test

import (
	"buurtplein/internal/testapp"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"
)

// The demo organisation's orders and their history lines (an order
// waiting for approval: created, proof; one in production: created, proof,
// approved, production).
const (
	demoOrders      = 2
	demoOrderEvents = 6
)

// noNewOrder checks that a refused create stored no order and no history.
func noNewOrder(t testing.TB, app *tests.TestApp, _ *http.Response) {
	t.Helper()
	if n, _ := app.CountRecords("orders"); n != demoOrders {
		t.Errorf("%d orders after a refused create, want the %d of the demo", n, demoOrders)
	}
	if n, _ := app.CountRecords("order_events"); n != demoOrderEvents {
		t.Errorf("%d history lines after a refused create, want the %d of the demo", n, demoOrderEvents)
	}
}

// TestOrderCreate checks a new order: a draft with the price of its tier
// and nothing of the server's filled in by the client, and each bad input
// refused with a code that says what to do, with nothing stored.
func TestOrderCreate(t *testing.T) {
	t.Parallel()
	f := newOrderFixture(t)
	create := func(name, token string, body map[string]any, status int, content ...string) tests.ApiScenario {
		s := tests.ApiScenario{
			Name: name, Method: http.MethodPost, URL: "/api/collections/orders/records",
			Headers: authHeader(token), Body: jsonOf(t, body), ExpectedStatus: status, ExpectedContent: content,
		}
		if status != 200 {
			s.AfterTestFunc = noNewOrder
		}
		return s
	}
	proofNew, proofNewHeaders := orderForm(t, f.bramT, f.posterBody(f.bram, nil), "proof", "proef.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF\n"))
	bomb, bombHeaders := orderForm(t, f.bramT, f.posterBody(f.bram, nil), "photo", "foto.png", "image/png", testapp.PNGBomb(60_000, 60_000))
	fakeJPEG, fakeHeaders := orderForm(t, f.bramT, f.posterBody(f.bram, nil), "photo", "foto.jpg", "image/jpeg",
		append([]byte("\xff\xd8\xff\xe0"), []byte(strings.Repeat("geen foto ", 100))...))
	batchBomb, batchBombHeaders := orderForm(t, f.bramT, map[string]any{"@jsonPayload": mustJSON(t, map[string]any{"requests": []any{
		map[string]any{"method": "POST", "url": "/api/collections/orders/records", "body": f.posterBody(f.bram, nil)},
	}})}, "requests.0.photo", "foto.png", "image/png", testapp.PNGBomb(60_000, 60_000))
	text, textHeaders := orderForm(t, f.bramT, f.posterBody(f.bram, nil), "photo", "foto.jpg", "image/jpeg", []byte(strings.Repeat("geen foto ", 100)))

	runScenarios(t, []tests.ApiScenario{
		{
			Name:   "bram orders posters: a draft with the tier's price; the server's fields are the server's",
			Method: http.MethodPost, URL: "/api/collections/orders/records", Headers: authHeader(f.bramT),
			Body: jsonOf(t, f.posterBody(f.bram, map[string]any{
				"status": "approved", "price": 1, "proof_revision": 7, "approved_by": f.anna, "remark": "zelf goedgekeurd",
			})),
			ExpectedStatus: 200,
			ExpectedContent: []string{`"status":"draft"`, `"price":3450`, `"proof_revision":0`, `"approved_by":""`, `"remark":""`,
				`"requested_by":"` + f.bram + `"`, `"proof":""`, `"print_file":""`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				order, err := app.FindFirstRecordByData("orders", "title", "Spreekuur")
				if err != nil {
					t.Fatal(err)
				}
				events, err := app.FindAllRecords("order_events")
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, e := range events {
					if e.GetString("order") == order.Id {
						n++
						if e.GetString("from") != "" || e.GetString("to") != "draft" || e.GetString("actor") != f.bram {
							t.Errorf("the new order's history line: %v", e.FieldsData())
						}
					}
				}
				if n != 1 {
					t.Errorf("%d history lines of a new order, want 1", n)
				}
			},
		},
		{
			Name: "a proof file sent with a new order is not kept", Method: http.MethodPost, URL: "/api/collections/orders/records",
			Body:            proofNew,
			Headers:         proofNewHeaders,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"proof":""`, `"status":"draft"`},
		},
		create("bram orders in anna's name", f.bramT, f.posterBody(f.anna, nil), 400, `"data":{}`),
		create("carla orders for Haarlem-Noord", f.carlaT, f.posterBody(f.carla, nil), 400, `"data":{}`),
		create("a format the product does not offer", f.bramT, f.posterBody(f.bram, map[string]any{"format": "A5"}), 400,
			`"code":"validation_orders_format_not_offered"`, `"offered":"A3, A2"`, `"format":"A5"`),
		create("a paper for an advertisement, which has none", f.bramT, f.posterBody(f.bram, map[string]any{
			"product": f.advert, "format": "2-kolom-100", "quantity": 1, "paper": "silk-170"}), 400,
			`"code":"validation_orders_paper_none"`),
		create("an advertisement without a paper", f.bramT, f.posterBody(f.bram, map[string]any{
			"product": f.advert, "format": "2-kolom-100", "quantity": 1, "paper": ""}), 200,
			`"price":9500`, `"status":"draft"`),
		create("a paper the product does not offer", f.bramT, f.posterBody(f.bram, map[string]any{"paper": "karton"}), 400,
			`"code":"validation_orders_paper_not_offered"`, `"offered":"silk-170, silk-250"`),
		create("quantity 0", f.bramT, f.posterBody(f.bram, map[string]any{"quantity": 0}), 400,
			`"code":"validation_orders_quantity_positive"`, `"offered":"10, 25, 50, 100"`),
		create("a negative quantity", f.bramT, f.posterBody(f.bram, map[string]any{"quantity": -25}), 400,
			`"code":"validation_orders_quantity_positive"`),
		create("over the maximum", f.bramT, f.posterBody(f.bram, map[string]any{"quantity": 5000}), 400,
			`"code":"validation_orders_quantity_over_max"`, `"max":100`, `"quantity":5000`),
		create("over the maximum of the format", f.bramT, f.posterBody(f.bram, map[string]any{"format": "A2", "quantity": 100}), 400,
			`"code":"validation_orders_quantity_over_max"`, `"max":50`, `"format":"A2"`),
		create("a quantity not offered", f.bramT, f.posterBody(f.bram, map[string]any{"quantity": 30}), 400,
			`"code":"validation_orders_quantity_not_offered"`, `"offered":"10, 25, 50, 100"`),
		create("a product that does not exist", f.bramT, f.posterBody(f.bram, map[string]any{"product": "bestaatniet0000"}), 400,
			`"product":{"code":"validation_missing_rel_records"`),
		{
			Name: "a photo that is a pixel bomb", Method: http.MethodPost, URL: "/api/collections/orders/records",
			Headers: bombHeaders, Body: bomb, ExpectedStatus: 400,
			ExpectedContent: []string{`"photo":{"code":"validation_image_too_large"`}, AfterTestFunc: noNewOrder,
		},
		{
			Name: "a photo that claims to be a JPEG and is not", Method: http.MethodPost, URL: "/api/collections/orders/records",
			Headers: fakeHeaders, Body: fakeJPEG, ExpectedStatus: 400,
			ExpectedContent: []string{`"photo":{"code":"validation_image_unreadable"`}, AfterTestFunc: noNewOrder,
		},
		{
			Name: "a text file named foto.jpg", Method: http.MethodPost, URL: "/api/collections/orders/records",
			Headers: textHeaders, Body: text, ExpectedStatus: 400,
			ExpectedContent: []string{`"photo":{"code":"validation_invalid_mime_type"`}, AfterTestFunc: noNewOrder,
		},
		{
			Name: "a pixel bomb in a batch", Method: http.MethodPost, URL: "/api/batch",
			Headers: batchBombHeaders, Body: batchBomb,
			ExpectedStatus: 400, ExpectedContent: []string{`validation_image_too_large`}, AfterTestFunc: noNewOrder,
		},
	})
}

// TestOrderDraftFields checks that what a team fills in changes only in
// draft, that the price follows it, and that the server's fields stay the
// server's on an update.
func TestOrderDraftFields(t *testing.T) {
	t.Parallel()
	f := newOrderFixture(t)
	proofUpload := func(id string) io.Reader {
		b, _ := orderForm(t, f.bramT, map[string]any{"title": "Met eigen proef"}, "proof", "proef.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF\n"))
		return b
	}
	_, proofHeaders := orderForm(t, f.bramT, nil, "proof", "proef.pdf", "application/pdf", nil)
	runOrderCases(t, f, []orderCase{
		{name: "bram changes the quantity of a draft: the price follows", status: "draft", token: f.bramT,
			body: map[string]any{"quantity": 50, "title": "Spreekuur op dinsdag"}, want: 200,
			content: []string{`"price":5900`, `"title":"Spreekuur op dinsdag"`}},
		{name: "bram sets the price, revision and approver of a draft: the server's are kept", status: "draft", token: f.bramT,
			body: map[string]any{"price": 1, "proof_revision": 9, "approved_by": f.bram, "remark": "x"}, want: 200,
			content: []string{`"price":3450`, `"proof_revision":0`, `"approved_by":""`, `"remark":""`}},
		{name: "bram uploads his own proof to a draft: not kept", status: "draft", headers: proofHeaders, raw: proofUpload, want: 200,
			content: []string{`"proof":""`, `"title":"Met eigen proef"`}},
		{name: "bram changes the title of an order in proof", status: "proof", token: f.bramT,
			body: map[string]any{"title": "Anders"}, want: 400,
			content: []string{`"title":{"code":"validation_orders_not_draft"`, `"status":"proof"`}},
		{name: "bo changes the quantity of an approved order", status: "approved", token: f.boT,
			body: map[string]any{"quantity": 100}, want: 400, content: []string{`"quantity":{"code":"validation_orders_not_draft"`}},
		{name: "IT changes the text of an order in production", status: "production", token: f.superuserT,
			body: map[string]any{"text": "Anders"}, want: 400, content: []string{`"text":{"code":"validation_orders_not_draft"`}},
		{name: "a draft with a format the product lacks", status: "draft", token: f.bramT,
			body: map[string]any{"format": "A0"}, want: 400, content: []string{`"code":"validation_orders_format_not_offered"`}},
		{name: "a draft with quantity 0", status: "draft", token: f.bramT,
			body: map[string]any{"quantity": 0}, want: 400, content: []string{`"code":"validation_orders_quantity_positive"`}},
		{name: "carla changes Haarlem-Noord's draft", status: "draft", token: f.carlaT,
			body: map[string]any{"title": "Van Schalkwijk"}, want: 404, content: []string{`"data":{}`}},
		{name: "bram moves the order to his other team", status: "draft", token: f.bramT,
			body: map[string]any{"team": f.schalkwijk}, want: 404, content: []string{`"data":{}`}},
	})
}
