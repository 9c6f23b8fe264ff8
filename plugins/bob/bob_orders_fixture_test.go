package bob_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// orderFixture holds the ids and tokens the order scenarios need. The test
// apps are copies of one seeded data dir, so ids and tokens hold in each.
type orderFixture struct {
	haarlem, schalkwijk, bob              string // team ids
	anna, bram, carla, bo                 string // user ids
	annaT, bramT, carlaT, boT, superuserT string // tokens
	poster, flyer, advert                 string // demo product ids
}

func newOrderFixture(t testing.TB) orderFixture {
	t.Helper()
	app := testapp.New(t)
	user := func(email string) string { return testapp.Id(t, app, "users", "email", email+"@buurtplein.test") }
	team := func(slug string) string { return testapp.Id(t, app, "teams", "slug", slug) }
	product := func(name string) string { return testapp.Id(t, app, "products", "name", name) }
	return orderFixture{
		haarlem:    team("haarlem-noord"),
		schalkwijk: team("schalkwijk"),
		bob:        team("bob"),
		anna:       user("anna"),
		bram:       user("bram"),
		carla:      user("carla"),
		bo:         user("bo"),
		annaT:      testapp.Token(t, app, "anna@buurtplein.test"),
		bramT:      testapp.Token(t, app, "bram@buurtplein.test"),
		carlaT:     testapp.Token(t, app, "carla@buurtplein.test"),
		boT:        testapp.Token(t, app, "bo@buurtplein.test"),
		superuserT: testapp.Token(t, app, "it@buurtplein.test"),
		poster:     product("Poster"),
		flyer:      product("Flyer"),
		advert:     product("Advertentie in de wijkkrant"),
	}
}

func authHeader(token string) map[string]string { return map[string]string{"Authorization": token} }

// jsonOf encodes v as a request body.
func jsonOf(t testing.TB, v any) *bytes.Reader {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// runScenarios runs the scenarios, each on a fresh copy of the demo
// organisation.
func runScenarios(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

// posterBody is the body of a new A3 poster order of Haarlem-Noord by
// requester, with changes.
func (f orderFixture) posterBody(requester string, changes map[string]any) map[string]any {
	body := map[string]any{
		"team": f.haarlem, "requested_by": requester, "product": f.poster, "format": "A3", "paper": "silk-170",
		"quantity": 25, "title": "Spreekuur", "text": "Elke dinsdag in het buurthuis.", "contact": "023 555 01 23",
	}
	for k, v := range changes {
		body[k] = v
	}
	return body
}

// newOrder saves an order of team by requester in status, through Go:
// the statuses after draft are set without validation (no rendering), as
// a fixture for the transitions out of them.
func newOrder(t testing.TB, app core.App, f orderFixture, team, requester, status string) *core.Record {
	t.Helper()
	return newOrderWith(t, app, f, requester, status, map[string]any{"team": team})
}

// newOrderWith is newOrder with fields besides posterBody's.
func newOrderWith(t testing.TB, app core.App, f orderFixture, requester, status string, fields map[string]any) *core.Record {
	t.Helper()
	collection, err := app.FindCollectionByNameOrId("orders")
	if err != nil {
		t.Fatal(err)
	}
	order := core.NewRecord(collection)
	order.Load(f.posterBody(requester, fields))
	if err := app.Save(order); err != nil {
		t.Fatalf("saving a new order: %v", err)
	}
	if status != "draft" {
		order.Set("status", status)
		order.Set("proof_revision", 1)
		if err := app.SaveNoValidate(order); err != nil {
			t.Fatalf("setting the order's status %s: %v", status, err)
		}
	}
	return order
}

// orderState is what a refused request must leave unchanged: the order's
// row and its history.
func orderState(t testing.TB, app core.App, id string) string {
	t.Helper()
	var b strings.Builder
	var rows []dbx.NullStringMap
	if err := app.DB().NewQuery("SELECT * FROM orders WHERE id = {:id}").Bind(dbx.Params{"id": id}).All(&rows); err != nil {
		t.Fatal(err)
	}
	if err := app.DB().NewQuery("SELECT * FROM order_events WHERE [[order]] = {:id} ORDER BY id").Bind(dbx.Params{"id": id}).All(&rows); err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		data, _ := json.Marshal(row)
		b.Write(data)
		b.WriteByte('\n')
	}
	return b.String()
}

// countEvents returns how many history lines the order has.
func countEvents(t testing.TB, app core.App, id string) int {
	t.Helper()
	n, err := app.CountRecords("order_events", dbx.HashExp{"order": id})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// pngBytes returns a w x h PNG.
func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// orderCase is a request about an order that BeforeTestFunc makes first,
// in status, on the scenario's fresh app: "{id}" in url and body is its
// id.
type orderCase struct {
	name    string
	status  string         // of the order before the request
	team    string         // the order's team; Haarlem-Noord when ""
	fields  map[string]any // of the order, besides posterBody's
	method  string         // PATCH when ""
	url     string         // the order's record URL when ""
	token   string
	body    map[string]any
	headers map[string]string // instead of the token's, with raw
	raw     func(id string) io.Reader
	want    int
	content []string
	// after checks the app after the request; a refused request (not
	// 200) is also checked to leave the order and its history as they
	// were
	after func(t testing.TB, app core.App, id string)
}

// runOrderCases runs each case as an ApiScenario on a fresh copy of the
// demo organisation.
func runOrderCases(t *testing.T, f orderFixture, cases []orderCase) {
	t.Helper()
	for _, c := range cases {
		var id, before string
		s := tests.ApiScenario{
			Name: c.name, Method: c.method, Headers: authHeader(c.token),
			ExpectedStatus: c.want, ExpectedContent: c.content, TestAppFactory: testapp.Factory,
		}
		if s.Method == "" {
			s.Method = http.MethodPatch
		}
		if c.headers != nil {
			s.Headers = c.headers
		}
		s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
			team := c.team
			if team == "" {
				team = f.haarlem
			}
			fields := map[string]any{"team": team}
			for k, v := range c.fields {
				fields[k] = v
			}
			id = newOrderWith(t, app, f, f.bram, c.status, fields).Id
			before = orderState(t, app, id)
			s.URL = strings.ReplaceAll(c.url, "{id}", id)
			if c.url == "" {
				s.URL = "/api/collections/orders/records/" + id
			}
			switch {
			case c.raw != nil:
				s.Body = c.raw(id)
			case c.body != nil:
				data, _ := json.Marshal(c.body)
				s.Body = strings.NewReader(strings.ReplaceAll(string(data), "{id}", id))
			}
		}
		s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if c.want != http.StatusOK {
				if after := orderState(t, app, id); after != before {
					t.Errorf("a refused request changed the order or its history:\nbefore %s\nafter  %s", before, after)
				}
			}
			if c.after != nil {
				c.after(t, app, id)
			}
		}
		s.Test(t)
	}
}

// mustJSON returns v as JSON text.
func mustJSON(t testing.TB, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// orderForm returns a multipart body with fields and one file in field
// (such as "photo"), and the headers to send it with token.
func orderForm(t testing.TB, token string, fields map[string]any, field, fileName, contentType string, photo []byte) (*bytes.Buffer, map[string]string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	// one boundary for every form, so headers made for one fit another
	if err := w.SetBoundary("buurtplein-order-form"); err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		if err := w.WriteField(k, fmt.Sprint(v)); err != nil {
			t.Fatal(err)
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+field+`"; filename="`+fileName+`"`)
	h.Set("Content-Type", contentType)
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(photo)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &b, map[string]string{"Authorization": token, "Content-Type": w.FormDataContentType()}
}
