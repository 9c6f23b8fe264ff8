package bob_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"
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
	collection, err := app.FindCollectionByNameOrId("orders")
	if err != nil {
		t.Fatal(err)
	}
	order := core.NewRecord(collection)
	body := f.posterBody(requester, map[string]any{"team": team})
	order.Load(body)
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

// pngFile returns a w x h PNG as a file to upload.
func pngFile(t testing.TB, name string, w, h int) *filesystem.File {
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
	file, err := filesystem.NewFileFromBytes(buf.Bytes(), name)
	if err != nil {
		t.Fatal(err)
	}
	return file
}
