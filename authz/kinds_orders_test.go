package authz_test

import (
	"testing"

	"buurtplein/plugins/bob"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The kinds of BOB's catalogue and orders (products, orders,
// order_events), after every other kind.
func init() {
	kinds = append(kinds,
		product("products/org", true),
		product("products/inactive", false),
		order("orders/own", "haarlem-noord", "bram", "draft", true),
		order("orders/other", "schalkwijk", "carla", "draft", true),
		order("orders/removed", "haarlem-noord", "fenna", "draft", true),
		// an order waiting for approval, without a photo: its first file
		// is the proof; an approved one whose proof and preview are gone:
		// its first file is the print file
		order("orders/own-proof", "haarlem-noord", "bram", "proof", false),
		order("orders/own-print", "haarlem-noord", "bram", "approved", false),
		order("orders/other-proof", "schalkwijk", "carla", "proof", false),
		orderEvent("order_events/own", "orders/own", "bram"),
		orderEvent("order_events/other", "orders/other", "carla"),
	)
	routeBodies["/api/buurtplein/orders/preview"] = func(f *fixture, target *core.Record) map[string]any {
		return map[string]any{
			"team": target.GetString("team"), "product": target.GetString("product"), "format": target.GetString("format"),
			"title": "Authz: voorbeeld", "order": target.Id,
		}
	}
}

// productBody is a product of the catalogue.
func productBody(active bool) map[string]any {
	return map[string]any{
		"kind": "poster", "name": unique("Authz poster "), "active": active,
		"formats": []any{map[string]any{"code": "A3", "name": "A3", "width": 297, "height": 420}},
		"prices":  []any{map[string]any{"format": "A3", "quantity": 25, "price": 3450}},
	}
}

// product is a kind of product, active or not, with a (public) image.
func product(name string, active bool) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			body := productBody(active)
			body["image"] = photo(t, "product.png")
			return f.save(t, "products", body)
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any { return productBody(active) },
		update: map[string]any{"description": "Authz: bijgewerkt."},
	}
}

// orderBody is a new order of a demo poster for team by requester.
func orderBody(f *fixture, t testing.TB, team, requester string) map[string]any {
	return map[string]any{
		"team": f.team[team], "requested_by": requester, "product": f.find(t, "products", "name", "Poster").Id,
		"format": "A3", "paper": "silk-170", "quantity": 25, "title": "Authz bestelling", "text": "Authz: een poster.",
	}
}

// order is a kind of order of team by requester in status (draft, proof
// or approved, rendered as the plugin renders), with a photo or without.
func order(name, team, requester, status string, withPhoto bool) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			body := orderBody(f, t, team, f.user[requester])
			if withPhoto {
				body["photo"] = photo(t, "foto.png")
			}
			o := f.save(t, "orders", body)
			if status == "draft" {
				return f.reload(t, o)
			}
			o = f.reload(t, o)
			if err := bob.RequestProof(f.app, o); err != nil {
				t.Fatal(err)
			}
			f.set(t, o, nil)
			if status == "approved" {
				o = f.reload(t, o)
				if err := bob.ApproveProof(f.app, o, f.user[requester]); err != nil {
					t.Fatal(err)
				}
				f.set(t, o, nil)
				f.set(t, f.reload(t, o), map[string]any{"proof": "", "preview": ""})
			}
			return f.reload(t, o)
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any { return orderBody(f, t, team, me) },
		update: map[string]any{"title": "Authz: bijgewerkt"},
	}
}

// orderEvent is a kind of history line of the shared order of kind order.
func orderEvent(name, order, actor string) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			return f.save(t, "order_events", map[string]any{"order": f.shared[order].Id, "actor": f.user[actor], "from": "draft", "to": "proof"})
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"order": f.shared[order].Id, "actor": me, "from": "proof", "to": "approved"}
		},
		update: map[string]any{"remark": "Authz: bijgewerkt"},
	}
}

// reload reads a record again: a saved record keeps what it was loaded as
// for its Original, which the order hooks compare with.
func (f *fixture) reload(t testing.TB, record *core.Record) *core.Record {
	t.Helper()
	fresh, err := f.app.FindRecordById(record.Collection(), record.Id)
	if err != nil {
		t.Fatal(err)
	}
	return fresh
}

// decideOrders is who may read BOB's catalogue and orders: every employee
// the active products, BOB staff all of them; an order and its history
// its team's members and BOB staff.
func (o *oracle) decideOrders(user string, r *core.Record) bool {
	switch r.Collection().Name {
	case "products":
		return r.GetBool("active") || o.bobMember(user)
	case "orders":
		return o.member(user, r.GetString("team")) || o.bobMember(user)
	case "order_events":
		return o.readable(user, "orders", r.GetString("order"))
	}
	return false
}

// bobMember reports whether user is BOB staff (a member of a team of kind
// "bob").
func (o *oracle) bobMember(user string) bool {
	var n int
	err := o.app.DB().NewQuery(`SELECT count(*) FROM memberships m JOIN teams t ON t.id = m.team
		WHERE m.user = {:user} AND t.kind = 'bob'`).Bind(dbx.Params{"user": user}).Row(&n)
	return err == nil && n > 0
}
