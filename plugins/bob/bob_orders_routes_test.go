package bob_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/tests"
)

// previewImage decodes the answer of the live preview and returns the
// width of its image.
func previewImage(t testing.TB, body []byte) (int, map[string]any) {
	t.Helper()
	var answer struct {
		Image    string           `json:"image"`
		Overflow []map[string]any `json:"overflow"`
		Warnings []map[string]any `json:"warnings"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		t.Fatalf("the answer: %v %s", err, body)
	}
	data, ok := strings.CutPrefix(answer.Image, "data:image/png;base64,")
	if !ok {
		t.Fatalf("the image is no PNG data URL: %.40s", answer.Image)
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	config, err := png.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return config.Width, map[string]any{"overflow": answer.Overflow, "warnings": answer.Warnings}
}

// TestOrderPreview checks the live preview: a PNG at most 480 pixels wide
// with the fields that do not fit, for members of the team only, an
// order's photo only of that team's orders.
func TestOrderPreview(t *testing.T) {
	t.Parallel()
	f := newOrderFixture(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	url := server.URL + "/api/buurtplein/orders/preview"
	haarlemOrder := testapp.Id(t, app, "orders", "title", "Spreekuur in het buurthuis")
	body := func(changes map[string]any) map[string]any {
		b := map[string]any{"team": f.haarlem, "product": f.poster, "format": "A3", "title": "Spreekuur",
			"text": "Elke dinsdag in het buurthuis.", "contact": "023 555 01 23"}
		for k, v := range changes {
			b[k] = v
		}
		return b
	}

	code, res := testapp.Do(t, http.MethodPost, url, f.bramT, body(nil))
	if code != 200 {
		t.Fatalf("bram's preview: %d %s", code, res)
	}
	if width, rest := previewImage(t, res); width > 480 || width < 200 || len(rest["overflow"].([]map[string]any)) != 0 {
		t.Errorf("bram's preview: %d pixels wide, %v", width, rest)
	}

	code, res = testapp.Do(t, http.MethodPost, url, f.bramT, body(map[string]any{
		"product": f.advert, "format": "2-kolom-100", "text": strings.Repeat("Buurtteam helpt. ", 176),
	}))
	if _, rest := previewImage(t, res); code != 200 || !strings.Contains(string(res), `"field":"text","length":2992`) {
		t.Errorf("a text too long: %d %v", code, rest)
	}

	// the demo photo is 1800 pixels wide: under 300 dpi on an A3 poster
	code, res = testapp.Do(t, http.MethodPost, url, f.annaT, body(map[string]any{"order": haarlemOrder}))
	if code != 200 || !strings.Contains(string(res), `"code":"photo_low_resolution"`) {
		t.Errorf("a preview with the order's photo: %d %.300s", code, res)
	}
}

// TestOrderPreviewRefused checks who may not use the live preview, and
// bad bodies.
func TestOrderPreviewRefused(t *testing.T) {
	t.Parallel()
	f := newOrderFixture(t)
	app := testapp.New(t)
	heemstedeOrder := testapp.Id(t, app, "orders", "title", "Samen koken in Heemstede")
	body := func(changes map[string]any) *bytes.Reader {
		b := map[string]any{"team": f.haarlem, "product": f.poster, "format": "A3", "title": "Spreekuur"}
		for k, v := range changes {
			b[k] = v
		}
		return jsonOf(t, b)
	}
	url := "/api/buurtplein/orders/preview"
	runScenarios(t, []tests.ApiScenario{
		{Name: "anonymous", Method: http.MethodPost, URL: url, Body: body(nil), ExpectedStatus: 401, ExpectedContent: []string{`"status":401`}},
		{Name: "IT (no team)", Method: http.MethodPost, URL: url, Headers: authHeader(f.superuserT), Body: body(nil),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "carla for Haarlem-Noord", Method: http.MethodPost, URL: url, Headers: authHeader(f.carlaT), Body: body(nil),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"orders_preview_not_member"`}},
		{Name: "bram with Heemstede's order's photo", Method: http.MethodPost, URL: url, Headers: authHeader(f.bramT),
			Body: body(map[string]any{"order": heemstedeOrder}), ExpectedStatus: 404,
			ExpectedContent: []string{`"code":"orders_preview_order_not_found"`}},
		{Name: "a format the product lacks", Method: http.MethodPost, URL: url, Headers: authHeader(f.bramT),
			Body: body(map[string]any{"format": "A5"}), ExpectedStatus: 400,
			ExpectedContent: []string{`"code":"validation_orders_format_not_offered"`, `"offered":"A3, A2"`}},
		{Name: "a product that does not exist", Method: http.MethodPost, URL: url, Headers: authHeader(f.bramT),
			Body: body(map[string]any{"product": "bestaatniet0000"}), ExpectedStatus: 404,
			ExpectedContent: []string{`"code":"orders_product_not_found"`}},
		{Name: "a text over the field's maximum", Method: http.MethodPost, URL: url, Headers: authHeader(f.bramT),
			Body: body(map[string]any{"text": strings.Repeat("x", 5001)}), ExpectedStatus: 400,
			ExpectedContent: []string{`"text":{"code":"validation_max_text_constraint"`}},
		{Name: "a body over 128 kB", Method: http.MethodPost, URL: url, Headers: authHeader(f.bramT),
			Body: body(map[string]any{"text": strings.Repeat("x", 200<<10)}), ExpectedStatus: 413,
			ExpectedContent: []string{`"code":"body_too_large"`}},
		{Name: "not JSON", Method: http.MethodPost, URL: url, Headers: authHeader(f.bramT),
			Body: strings.NewReader(`{"team":`), ExpectedStatus: 400, ExpectedContent: []string{`"code":"request_invalid_json"`}},
	})
}
