package bob_test

import (
	"bytes"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/bob"
)

// TestDemoCatalogueAndOrders checks the demo: the catalogue's products
// with their formats, an order of Haarlem-Noord waiting for approval with
// a rendered proof, one of Heemstede in production with its print file;
// and that seeding again adds nothing.
func TestDemoCatalogueAndOrders(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)

	products, err := app.FindAllRecords("products")
	if err != nil {
		t.Fatal(err)
	}
	formats := map[string]bool{}
	for _, p := range products {
		if !p.GetBool("active") {
			t.Errorf("demo product %q is inactive", p.GetString("name"))
		}
		for _, code := range []string{"A3", "A2", "A5", "A4", "kwart-pagina", "2-kolom-100", "rond-100", "A4-gevouwen", "85x55"} {
			if bytes.Contains([]byte(p.GetString("formats")), []byte(`"code":"`+code+`"`)) {
				formats[code] = true
			}
		}
	}
	if len(products) != 6 || len(formats) != 9 {
		t.Errorf("%d products with formats %v; want 6 with 9 formats", len(products), formats)
	}

	haarlem, err := app.FindFirstRecordByData("orders", "title", "Spreekuur in het buurthuis")
	if err != nil {
		t.Fatal(err)
	}
	if haarlem.GetString("status") != "proof" || haarlem.GetString("proof") == "" || haarlem.GetString("preview") == "" ||
		haarlem.GetInt("proof_revision") != 1 || haarlem.GetInt("price") != 3450 {
		t.Errorf("Haarlem-Noord's demo order: %v", haarlem.FieldsData())
	}
	if pdf := storedFile(t, app, haarlem, "proof"); !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Error("the demo proof is no PDF")
	}
	heemstede, err := app.FindFirstRecordByData("orders", "title", "Samen koken in Heemstede")
	if err != nil {
		t.Fatal(err)
	}
	if heemstede.GetString("status") != "production" || heemstede.GetString("print_file") == "" || heemstede.GetString("approved_by") == "" {
		t.Errorf("Heemstede's demo order: %v", heemstede.FieldsData())
	}
	if n := countEvents(t, app, heemstede.Id); n != 4 {
		t.Errorf("Heemstede's demo order has %d history lines, want 4", n)
	}

	events, _ := app.CountRecords("order_events")
	if err := bob.SeedDemo(app); err != nil {
		t.Fatalf("seeding again: %v", err)
	}
	for collection, want := range map[string]int64{"products": 6, "orders": 2, "order_events": events} {
		if n, _ := app.CountRecords(collection); n != want {
			t.Errorf("%d %s after seeding again, want %d", n, collection, want)
		}
	}
}
