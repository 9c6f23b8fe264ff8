package bob_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
)

// TestOrdersRealtime checks that an order's change of status reaches its
// team's topic and BOB's, with its history line, and no other team's:
// bram (Haarlem-Noord) and bo (BOB) hear Haarlem-Noord's proof sent back;
// carla (Schalkwijk) hears only her own team's new order, which comes
// after it and after Heemstede's order shipped (had those reached her,
// they would have come first). Products go on the organisation's topic.
func TestOrdersRealtime(t *testing.T) {
	t.Parallel()
	f := newOrderFixture(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	haarlemOrder := testapp.Id(t, app, "orders", "title", "Spreekuur in het buurthuis")
	heemstedeOrder := testapp.Id(t, app, "orders", "title", "Samen koken in Heemstede")

	subscribe := func(token string, topics ...string) *testapp.RealtimeClient {
		c, status := testapp.ConnectRealtime(t, server.URL, token, topics...)
		if status != http.StatusNoContent {
			t.Fatalf("subscribing to %v: status %d", topics, status)
		}
		return c
	}
	bram := subscribe(f.bramT, hooks.TeamTopic(f.haarlem))
	bo := subscribe(f.boT, hooks.TeamTopic(f.bob))
	carla := subscribe(f.carlaT, hooks.TeamTopic(f.schalkwijk), "orders", "order_events")
	org := subscribe(f.carlaT, hooks.OrganisationTopic)
	if _, status := testapp.ConnectRealtime(t, server.URL, f.carlaT, hooks.TeamTopic(f.haarlem)); status != http.StatusForbidden {
		t.Errorf("carla subscribing to Haarlem-Noord's topic: status %d, want 403", status)
	}

	patch := func(collection, id, token string, body map[string]any) {
		t.Helper()
		if code, res := testapp.Do(t, http.MethodPatch, server.URL+"/api/collections/"+collection+"/records/"+id, token, body); code != 200 {
			t.Fatalf("PATCH %s %s: %d %s", collection, id, code, res)
		}
	}
	patch("orders", haarlemOrder, f.boT, map[string]any{"status": "draft", "remark": "Geheim: de foto is te klein"})
	patch("orders", heemstedeOrder, f.boT, map[string]any{"status": "shipped"})
	code, res := testapp.Do(t, http.MethodPost, server.URL+"/api/collections/orders/records", f.carlaT,
		f.posterBody(f.carla, map[string]any{"team": f.schalkwijk, "title": "Voor Schalkwijk"}))
	if code != 200 {
		t.Fatalf("carla's order: %d %s", code, res)
	}

	for name, c := range map[string]*testapp.RealtimeClient{"bram": bram, "bo": bo} {
		var order, event bool
		for _, ev := range c.Receive(t, 2) {
			order = order || strings.Contains(ev.Data, `"collectionName":"orders"`) && strings.Contains(ev.Data, `"status":"draft"`)
			event = event || strings.Contains(ev.Data, `"collectionName":"order_events"`) && strings.Contains(ev.Data, `"to":"draft"`)
		}
		if !order || !event {
			t.Errorf("%s: the order's change %v, its history line %v", name, order, event)
		}
	}
	// bo hears Heemstede's order shipped too; bram does not
	var shipped int
	for _, ev := range bo.Receive(t, 2) {
		if strings.Contains(ev.Data, heemstedeOrder) {
			shipped++
		}
	}
	if shipped != 2 {
		t.Errorf("bo heard %d events of Heemstede's order shipped, want 2", shipped)
	}
	// her team's topic and PocketBase's own subscriptions, two each
	for _, ev := range carla.Receive(t, 4) {
		if !strings.Contains(ev.Data, "Voor Schalkwijk") && !strings.Contains(ev.Data, `"to":"draft"`) || strings.Contains(ev.Data, "Geheim") ||
			strings.Contains(ev.Data, heemstedeOrder) || strings.Contains(ev.Data, haarlemOrder) {
			t.Errorf("carla received an event not about her team's order: %s %s", ev.Name, ev.Data)
		}
	}

	// the catalogue is everyone's
	patch("products", f.poster, f.boT, map[string]any{"description": "Nu ook op A2."})
	if ev := org.Next(t, 10*time.Second); !strings.Contains(ev.Data, "Nu ook op A2.") {
		t.Errorf("the organisation's topic: %s", ev.Data)
	}

	select {
	case ev := <-carla.Events:
		t.Errorf("carla received a further event: %s %s", ev.Name, ev.Data)
	case ev := <-bram.Events:
		t.Errorf("bram received a further event: %s %s", ev.Name, ev.Data)
	default:
	}
}

// TestOrderNotifications checks that the requester hears what BOB does
// with the order, and not what they did themselves.
func TestOrderNotifications(t *testing.T) {
	t.Parallel()
	f := newOrderFixture(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	url := server.URL + "/api/collections/orders/records/"
	haarlemOrder := testapp.Id(t, app, "orders", "title", "Spreekuur in het buurthuis") // anna's
	heemstedeOrder := testapp.Id(t, app, "orders", "title", "Samen koken in Heemstede") // eva's
	eva := testapp.Id(t, app, "users", "email", "eva@buurtplein.test")

	kinds := func(user, order string) []string {
		t.Helper()
		records, err := app.FindRecordsByFilter("notifications", "user = {:user} && subject = {:order}", "created", 0, 0,
			map[string]any{"user": user, "order": order})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range records {
			out = append(out, r.GetString("kind"))
		}
		return out
	}
	do := func(id, token string, body map[string]any) {
		t.Helper()
		if code, res := testapp.Do(t, http.MethodPatch, url+id, token, body); code != 200 {
			t.Fatalf("%v: %d %s", body, code, res)
		}
	}

	do(haarlemOrder, f.boT, map[string]any{"status": "draft", "remark": "De foto is te klein"})
	if got := kinds(f.anna, haarlemOrder); len(got) != 1 || got[0] != "order_sent_back" {
		t.Errorf("anna's notifications after bo sent her proof back: %v", got)
	}
	n, _ := app.FindFirstRecordByFilter("notifications", "user = {:user} && kind = 'order_sent_back'", map[string]any{"user": f.anna})
	if n == nil || !strings.Contains(n.GetString("params"), `"actor":"Bo Meijer"`) || !strings.Contains(n.GetString("params"), "Spreekuur in het buurthuis") {
		t.Errorf("the notification's params: %v", n)
	}
	do(haarlemOrder, f.annaT, map[string]any{"status": "cancelled"})
	if got := kinds(f.anna, haarlemOrder); len(got) != 1 {
		t.Errorf("anna was notified of her own cancellation: %v", got)
	}

	// the demo order went into production by bo's hand
	do(heemstedeOrder, f.boT, map[string]any{"status": "shipped"})
	do(heemstedeOrder, f.superuserT, map[string]any{"status": "delivered"})
	if got := strings.Join(kinds(eva, heemstedeOrder), " "); got != "order_production order_shipped order_delivered" {
		t.Errorf("eva's notifications: %s", got)
	}
}
