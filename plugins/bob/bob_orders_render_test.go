package bob_test

import (
	"bytes"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/bob"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// storedFile returns the bytes of a stored file of record.
func storedFile(t testing.TB, app core.App, record *core.Record, field string) []byte {
	t.Helper()
	name := record.GetString(field)
	if name == "" {
		t.Fatalf("%s has no %s", record.Id, field)
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	r, err := fsys.GetReader(record.BaseFilesPath() + "/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestOrderProofTooLong asks for proofs of texts that do not fit an
// advertisement of 81 x 100 mm: a 400 naming the field and by how many
// characters, and nothing changed.
func TestOrderProofTooLong(t *testing.T) {
	t.Parallel()
	f := newOrderFixture(t)
	advert := map[string]any{"product": f.advert, "format": "2-kolom-100", "paper": "", "quantity": 1}
	with := func(field, value string) map[string]any {
		fields := map[string]any{field: value}
		for k, v := range advert {
			fields[k] = v
		}
		return fields
	}
	runOrderCases(t, f, []orderCase{
		{name: "a text of 3000 characters on a small advertisement", status: "draft", token: f.bramT,
			fields: with("text", strings.Repeat("Buurtteam helpt. ", 176)), body: map[string]any{"status": "proof"}, want: 400,
			content: []string{`"text":{"code":"validation_orders_text_too_long"`, `"field":"text"`, `"length":2992`, `"limit":`, `"over":`}},
		{name: "a title of 200 characters", status: "draft", token: f.bramT,
			fields: with("title", strings.Repeat("Spreekuur ", 20)), body: map[string]any{"status": "proof"}, want: 400,
			content: []string{`"title":{"code":"validation_orders_text_too_long"`, `"length":200`}},
		{name: "the same in a batch", status: "draft", token: f.bramT, method: http.MethodPost, url: "/api/batch",
			fields: with("text", strings.Repeat("Buurtteam helpt. ", 176)),
			body: map[string]any{"requests": []any{map[string]any{
				"method": "PATCH", "url": "/api/collections/orders/records/{id}", "body": map[string]any{"status": "proof"},
			}}},
			want: 400, content: []string{`"code":"validation_orders_text_too_long"`, `"field":"text"`}},
	})
}

// TestOrderProofPhoto asks for a proof with a new photo in the same
// request: a pixel bomb is refused before anything decodes it, and a
// real photo lands in the proof.
func TestOrderProofPhoto(t *testing.T) {
	t.Parallel()
	f := newOrderFixture(t)
	bomb, headers := orderForm(t, f.bramT, map[string]any{"status": "proof"}, "photo", "foto.png", "image/png", testapp.PNGBomb(60_000, 60_000))
	photo, _ := orderForm(t, f.bramT, map[string]any{"status": "proof"}, "photo", "foto.png", "image/png", pngBytes(t, 900, 600))
	runOrderCases(t, f, []orderCase{
		{name: "a pixel bomb with the request for a proof", status: "draft", headers: headers,
			raw: func(string) io.Reader { return bytes.NewReader(bomb.Bytes()) }, want: 400,
			content: []string{`"photo":{"code":"validation_image_too_large"`}},
		{name: "a photo with the request for a proof", status: "draft", headers: headers,
			raw: func(string) io.Reader { return bytes.NewReader(photo.Bytes()) }, want: 200,
			content: []string{`"status":"proof"`, `"proof_revision":1`},
			after: func(t testing.TB, app core.App, id string) {
				order, err := app.FindRecordById("orders", id)
				if err != nil {
					t.Fatal(err)
				}
				if order.GetString("photo") == "" {
					t.Error("the photo was not kept")
				}
			}},
	})
}

// TestOrderProofRevisions goes through a proof, its return with a
// remark, a second proof and the approval: the files are named by
// revision, the PDF is a PDF, the preview 1200 pixels wide, the print
// file another PDF than the proof; the history has each step.
func TestOrderProofRevisions(t *testing.T) {
	t.Parallel()
	f := newOrderFixture(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	order := newOrder(t, app, f, f.haarlem, f.bram, "draft")
	url := server.URL + "/api/collections/orders/records/" + order.Id

	// the team's logo goes on the proof
	team, err := app.FindRecordById("teams", f.haarlem)
	if err != nil {
		t.Fatal(err)
	}
	logo, err := filesystem.NewFileFromBytes(pngBytes(t, 200, 120), "logo.png")
	if err != nil {
		t.Fatal(err)
	}
	team.Set("logo", logo)
	if err := app.Save(team); err != nil {
		t.Fatal(err)
	}

	step := func(token string, body map[string]any) *core.Record {
		t.Helper()
		if code, res := testapp.Do(t, http.MethodPatch, url, token, body); code != 200 {
			t.Fatalf("%v: %d %s", body, code, res)
		}
		fresh, err := app.FindRecordById("orders", order.Id)
		if err != nil {
			t.Fatal(err)
		}
		return fresh
	}

	first := step(f.bramT, map[string]any{"status": "proof"})
	if !strings.HasPrefix(first.GetString("proof"), "proof_r1") || !strings.HasPrefix(first.GetString("preview"), "preview_r1") {
		t.Errorf("the first proof's files: %q %q", first.GetString("proof"), first.GetString("preview"))
	}
	if pdf := storedFile(t, app, first, "proof"); !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("the proof is no PDF: %q", pdf[:min(20, len(pdf))])
	}
	preview, err := png.DecodeConfig(bytes.NewReader(storedFile(t, app, first, "preview")))
	if err != nil || preview.Width != 1200 {
		t.Errorf("the preview: %+v %v, want 1200 pixels wide", preview, err)
	}

	step(f.boT, map[string]any{"status": "draft", "remark": "Het logo mag groter"})
	step(f.annaT, map[string]any{"title": "Spreekuur op dinsdag"})
	second := step(f.annaT, map[string]any{"status": "proof"})
	if second.GetInt("proof_revision") != 2 || !strings.HasPrefix(second.GetString("proof"), "proof_r2") {
		t.Errorf("the second proof: revision %d, %q", second.GetInt("proof_revision"), second.GetString("proof"))
	}

	approved := step(f.bramT, map[string]any{"status": "approved"})
	if approved.GetString("approved_by") != f.bram || !strings.HasPrefix(approved.GetString("print_file"), "print_r2") {
		t.Errorf("the approval: by %q, print file %q", approved.GetString("approved_by"), approved.GetString("print_file"))
	}
	print := storedFile(t, app, approved, "print_file")
	if !bytes.HasPrefix(print, []byte("%PDF-")) || bytes.Equal(print, storedFile(t, app, approved, "proof")) {
		t.Error("the print file is no PDF, or the proof itself")
	}

	events, err := app.FindRecordsByFilter("order_events", "order = {:id}", "created,id", 0, 0, map[string]any{"id": order.Id})
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, e := range events {
		steps = append(steps, e.GetString("from")+">"+e.GetString("to"))
	}
	if got := strings.Join(steps, " "); got != ">draft draft>proof proof>draft draft>proof proof>approved" {
		t.Errorf("the history: %s", got)
	}
}

// TestOrderGoSave checks what Go code may do with an order's status: the
// table holds, a proof or approval must be rendered (RequestProof,
// ApproveProof), and each change lands in the history without a name.
func TestOrderGoSave(t *testing.T) {
	t.Parallel()
	f := newOrderFixture(t)
	app := testapp.New(t)
	reload := func(id string) *core.Record {
		t.Helper()
		r, err := app.FindRecordById("orders", id)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	order := reload(newOrder(t, app, f, f.haarlem, f.bram, "draft").Id)
	order.Set("status", "proof")
	if code, _ := hooks.CodeOf(app.Save(order)); code != "orders_not_rendered" {
		t.Errorf("a proof without rendering: code %q, want orders_not_rendered", code)
	}

	order = reload(order.Id)
	if err := bob.RequestProof(app, order); err != nil {
		t.Fatal(err)
	}
	if err := app.Save(order); err != nil {
		t.Fatalf("a rendered proof: %v", err)
	}
	order = reload(order.Id)
	order.Set("status", "approved")
	order.Set("approved_by", f.bram)
	if code, _ := hooks.CodeOf(app.Save(order)); code != "orders_not_rendered" {
		t.Errorf("an approval without a print file: code %q, want orders_not_rendered", code)
	}
	order = reload(order.Id)
	if err := bob.ApproveProof(app, order, f.bram); err != nil {
		t.Fatal(err)
	}
	if err := app.Save(order); err != nil {
		t.Fatalf("a rendered approval: %v", err)
	}

	for _, to := range []string{"production", "cancelled"} {
		order = reload(order.Id)
		order.Set("status", to)
		err := app.Save(order)
		if to == "production" && err != nil {
			t.Errorf("to production: %v", err)
		}
		if code, _ := hooks.CodeOf(err); to == "cancelled" && code != "orders_cancel_in_production" {
			t.Errorf("cancelled in production: code %q", code)
		}
	}
	if n := countEvents(t, app, order.Id); n != 4 {
		t.Errorf("%d history lines, want 4 (created, proof, approved, production)", n)
	}
	last, err := app.FindFirstRecordByFilter("order_events", "order = {:id} && to = 'production'", map[string]any{"id": order.Id})
	if err != nil || last.GetString("actor") != "" {
		t.Errorf("the line of Go's change: %v %v", last, err)
	}
}
