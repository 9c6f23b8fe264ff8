package bob

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"buurtplein/hooks"
	"buurtplein/plugins/bob/proof"

	"github.com/pocketbase/pocketbase/core"
)

// draftFields are the fields a team fills in; they change only while the
// order is a draft.
var draftFields = []string{"product", "format", "paper", "quantity", "title", "text", "contact", "photo"}

// orderServerFields are the fields only the plugin sets: a client's value for
// them is replaced by the stored one (status and remark go through the
// transition table instead).
var orderServerFields = []string{"proof", "preview", "print_file", "proof_revision", "price", "approved_by"}

// orderWrites holds the orders requests are saving (their records, which
// are a request's own) with their orderWrite, for the model hook around
// the write.
var orderWrites sync.Map

// orderWrite is what the request hook of an order's save tells the model
// hook around its write: who makes the change.
type orderWrite struct {
	actor string // the employee, "" for a superuser
}

// bindOrders binds the orders: their workflow, history and proofs.
//
// Every save of an order, on any path, is validated (validateOrder): the
// format, paper and quantity the product offers, the price from its
// prices, draft fields changed only in draft, a status change only along
// the transition table, with the proof or print file rendered. A client's
// save (the record API, a batch, the dashboard) is checked before that for
// who makes it (the transition table's roles) and has the proof or print
// file rendered before the write transaction starts; Go code changing an
// order's status must render itself (see [RequestProof] and
// [ApproveProof]) or is refused. Each change of status, on every path,
// lands in order_events in the same transaction, and the requester hears
// of what BOB did.
func (p *plugin) bindOrders() error {
	person := []string{"name", "avatar"}
	hooks.PublishTo(p.app, OrdersCollection, hooks.Topics{Of: teamAndBOB("team"), Expand: map[string][]string{
		"requested_by": person, "approved_by": person, "team": {"name", "slug"},
	}})
	hooks.PublishTo(p.app, OrderEventsCollection, hooks.Topics{Of: hooks.Via("order"), Expand: map[string][]string{"actor": person}})

	// PocketBase's own validation first (relations exist, sizes), then
	// the workflow's
	p.app.OnRecordValidate(OrdersCollection).BindFunc(func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return validateOrder(e.App, e.Record)
	})
	p.app.OnRecordCreateRequest(OrdersCollection).BindFunc(p.orderCreateRequest)
	p.app.OnRecordUpdateRequest(OrdersCollection).BindFunc(p.orderUpdateRequest)
	p.app.OnRecordCreate(OrdersCollection).BindFunc(p.orderWritten)
	p.app.OnRecordUpdate(OrdersCollection).BindFunc(p.orderWritten)

	p.app.OnServe().BindFunc(p.bindOrderRoutes)
	return nil
}

// orderCreateRequest makes a client's new order a draft with nothing of
// the server's filled in.
func (p *plugin) orderCreateRequest(e *core.RecordRequestEvent) error {
	order := e.Record
	order.Set("status", StatusDraft)
	order.Set("remark", "")
	for _, field := range orderServerFields {
		order.Set(field, nil)
	}
	return p.inRequest(e, orderWrite{actor: actorOf(e.RequestEvent)})
}

// orderUpdateRequest keeps the server's fields, checks who changes the
// status and renders what the change needs, before the write.
func (p *plugin) orderUpdateRequest(e *core.RecordRequestEvent) error {
	order, old := e.Record, e.Record.Original()
	for _, field := range orderServerFields {
		order.Set(field, old.Get(field))
	}
	from, to := old.GetString("status"), order.GetString("status")
	if from == to {
		// the remark belongs to a change of status
		order.Set("remark", old.Get("remark"))
		return p.inRequest(e, orderWrite{actor: actorOf(e.RequestEvent)})
	}
	if info, err := e.RequestInfo(); err == nil {
		if _, sent := info.Body["remark"]; !sent {
			order.Set("remark", "")
		}
	}

	if err := checkTransition(from, to); err != nil {
		return err
	}
	actor := actorOf(e.RequestEvent)
	who, err := rolesOf(e.App, actor, order.GetString("team"))
	if err != nil {
		return err
	}
	if err := checkTransitionBy(from, to, who); err != nil {
		return err
	}

	switch to {
	case StatusProof:
		if err := RequestProof(e.App, order); err != nil {
			return err
		}
	case StatusApproved:
		if err := ApproveProof(e.App, order, actor); err != nil {
			return err
		}
	}
	return p.inRequest(e, orderWrite{actor: actor})
}

// rolesOf returns the roles of the employee actor ("" for a superuser)
// towards an order of team.
func rolesOf(app core.App, actor, team string) (role, error) {
	if actor == "" {
		return roleIT, nil
	}
	var who role
	member, err := hooks.IsMember(app, actor, team)
	if err != nil {
		return 0, err
	}
	if member {
		who |= roleTeam
	}
	staff, err := hooks.IsBOBStaff(app, actor)
	if err != nil {
		return 0, err
	}
	if staff {
		who |= roleBOB
	}
	return who, nil
}

// inRequest marks the order a request saves as that request's, for the
// model hook around its write (orderWritten).
func (p *plugin) inRequest(e *core.RecordRequestEvent, w orderWrite) error {
	orderWrites.Store(e.Record, w)
	defer orderWrites.Delete(e.Record)
	return e.Next()
}

// orderWritten writes an order with what must land with it, in one
// transaction: the history line of a change of status and the
// notification of the requester.
func (p *plugin) orderWritten(e *core.RecordEvent) error {
	var w orderWrite
	if marked, ok := orderWrites.Load(e.Record); ok {
		w = marked.(orderWrite)
	}
	order := e.Record
	if order.IsNew() && order.GetString("status") == "" {
		order.Set("status", StatusDraft) // as validateOrder would
	}
	from := ""
	if !order.IsNew() {
		from = order.Original().GetString("status")
	}
	to := order.GetString("status")
	if from == to {
		return e.Next()
	}

	app := e.App
	err := app.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		if err := e.Next(); err != nil {
			return err
		}
		if err := recordOrderEvent(txApp, order, w.actor, from, to); err != nil {
			return err
		}
		return notifyOrderStatus(txApp, order, w.actor, from, to)
	})
	// PocketBase runs the success hooks (realtime) on the event's app
	// after this returns: the app, not the ended transaction
	e.App = app
	return err
}

// recordOrderEvent adds the line of a change of status to an order's
// history.
func recordOrderEvent(app core.App, order *core.Record, actor, from, to string) error {
	collection, err := app.FindCachedCollectionByNameOrId(OrderEventsCollection)
	if err != nil {
		return fmt.Errorf("order history: %w", err)
	}
	event := core.NewRecord(collection)
	event.Set("order", order.Id)
	event.Set("actor", actor)
	event.Set("from", from)
	event.Set("to", to)
	event.Set("remark", order.GetString("remark"))
	event.Set("proof_revision", order.GetInt("proof_revision"))
	if err := app.Save(event); err != nil {
		return fmt.Errorf("order history %s→%s of %s: %w", from, to, order.Id, err)
	}
	return nil
}

// actorOf returns the id of the signed-in employee behind a request, or ""
// for a superuser (IT).
func actorOf(e *core.RequestEvent) string {
	if e.Auth == nil || e.Auth.Collection().Name != hooks.UsersCollection {
		return ""
	}
	return e.Auth.Id
}

// validateOrder holds the rules every save of an order meets, whoever
// makes it: what the product offers, the price, draft fields in draft
// only, and a status changed only along the transition table with what
// the change renders.
func validateOrder(app core.App, order *core.Record) error {
	old := order.Original()
	status := order.GetString("status")
	if order.IsNew() && status == "" {
		status = StatusDraft
		order.Set("status", status)
	}
	from := ""
	if !order.IsNew() {
		from = old.GetString("status")
	}

	changed := changedDraftFields(order)
	if !order.IsNew() && from != StatusDraft && len(changed) > 0 {
		return hooks.FieldError(changed[0], "orders_not_draft",
			fmt.Sprintf("%q verandert alleen zolang de bestelling een concept is. Deze is %s; laat de proef afkeuren om hem te wijzigen.",
				changed[0], statusWord(from)),
			hooks.Params{"field": changed[0], "status": from})
	}

	if order.IsNew() {
		if status != StatusDraft {
			return hooks.FieldError("status", "orders_new_not_draft", "Een nieuwe bestelling begint als concept.")
		}
	} else if from != status {
		if err := checkTransition(from, status); err != nil {
			return err
		}
		if err := checkRendered(order, from, status); err != nil {
			return err
		}
	}

	// what the product offers counts while the team fills the order in
	// and when it asks for a proof; after that the order is what was
	// agreed, whatever the catalogue says now
	if !order.IsNew() && (from != StatusDraft || (status != StatusDraft && status != StatusProof)) {
		return nil
	}
	product, c, err := orderProduct(app, order)
	if err != nil {
		return err
	}
	if !product.GetBool("active") && (order.IsNew() || slices.Contains(changed, "product") || status == StatusProof) {
		return hooks.FieldError("product", "orders_product_inactive",
			fmt.Sprintf("%q wordt niet meer aangeboden. Kies een ander product.", product.GetString("name")),
			hooks.Params{"name": product.GetString("name")})
	}
	return checkOffer(order, c)
}

// changedDraftFields returns the draft fields a save of order changes.
func changedDraftFields(order *core.Record) []string {
	if order.IsNew() {
		return nil
	}
	old := order.Original()
	var changed []string
	for _, field := range draftFields {
		if order.GetString(field) != old.GetString(field) || len(order.GetUnsavedFiles(field)) > 0 {
			changed = append(changed, field)
		}
	}
	return changed
}

// checkRendered refuses a change to proof or approved that did not render
// what it needs: a client's change renders in the request hook, Go code
// calls RequestProof or ApproveProof.
func checkRendered(order *core.Record, from, to string) error {
	old := order.Original()
	rendered := true
	switch to {
	case StatusProof:
		rendered = len(order.GetUnsavedFiles("proof")) == 1 && order.GetInt("proof_revision") == old.GetInt("proof_revision")+1
	case StatusApproved:
		rendered = len(order.GetUnsavedFiles("print_file")) == 1 && order.GetString("approved_by") != ""
	}
	if !rendered {
		return hooks.Err(http.StatusBadRequest, "orders_not_rendered", hooks.Params{"from": from, "to": to},
			"Deze statuswijziging maakt een proef of drukbestand; dat is niet gebeurd. Vraag de proef aan of keur hem goed via Buurtplein.")
	}
	if to == StatusDraft && strings.TrimSpace(order.GetString("remark")) == "" {
		return hooks.FieldError("remark", "orders_remark_required",
			"Schrijf erbij wat er aan de proef moet veranderen.")
	}
	return nil
}

// orderProduct returns the product of order with what it offers.
func orderProduct(app core.App, order *core.Record) (*core.Record, *catalogue, error) {
	product, err := app.FindRecordById(ProductsCollection, order.GetString("product"))
	if err != nil {
		return nil, nil, hooks.FieldError("product", "orders_product_unknown", "Kies een product uit de catalogus.")
	}
	c, err := productCatalogue(product)
	if err != nil {
		return nil, nil, fmt.Errorf("product %s: %w", product.Id, err)
	}
	return product, c, nil
}

// checkOffer checks the format, paper and quantity of order against what
// its product offers, and sets the price.
func checkOffer(order *core.Record, c *catalogue) error {
	format := order.GetString("format")
	if _, ok := c.format(format); !ok {
		offered := strings.Join(c.formatCodes(), ", ")
		return hooks.FieldError("format", "orders_format_not_offered",
			fmt.Sprintf("Dit product is er niet in %q; kies uit %s.", format, offered),
			hooks.Params{"format": format, "offered": offered})
	}
	papers := c.paperCodes()
	if len(papers) == 0 && order.GetString("paper") != "" {
		return hooks.FieldError("paper", "orders_paper_none",
			"Dit product wordt niet op papier van je keuze gedrukt: laat de papiersoort leeg.",
			hooks.Params{"paper": order.GetString("paper")})
	}
	if len(papers) > 0 && !slices.Contains(papers, order.GetString("paper")) {
		offered := strings.Join(papers, ", ")
		return hooks.FieldError("paper", "orders_paper_not_offered",
			fmt.Sprintf("Kies een papiersoort van dit product: %s.", offered),
			hooks.Params{"paper": order.GetString("paper"), "offered": offered})
	}

	quantity := order.GetInt("quantity")
	quantities := c.quantities(format)
	if quantity <= 0 {
		return hooks.FieldError("quantity", "orders_quantity_positive",
			"Bestel ten minste één stuk: kies een van de aantallen.", hooks.Params{"quantity": quantity, "offered": joinInts(quantities)})
	}
	if max := quantities[len(quantities)-1]; quantity > max {
		return hooks.FieldError("quantity", "orders_quantity_over_max",
			fmt.Sprintf("%d is meer dan het maximum van %d voor %s.", quantity, max, format),
			hooks.Params{"quantity": quantity, "max": max, "format": format})
	}
	amount, ok := c.price(format, quantity)
	if !ok {
		return hooks.FieldError("quantity", "orders_quantity_not_offered",
			fmt.Sprintf("%d stuks worden niet aangeboden in %s; kies uit %s.", quantity, format, joinInts(quantities)),
			hooks.Params{"quantity": quantity, "format": format, "offered": joinInts(quantities)})
	}
	order.Set("price", amount)
	return nil
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// errOverflow is the 400 of texts that do not fit their frames: it names
// the first field and by how many characters it is too long.
func errOverflow(overflows []proof.Overflow) error {
	o := overflows[0]
	over := o.Length - o.Limit
	return hooks.FieldError(o.Field, "orders_text_too_long",
		fmt.Sprintf("Het veld %s past niet op dit formaat: %d tekens, ten hoogste %d. Maak de tekst %d tekens korter of kies een groter formaat.",
			o.Field, o.Length, o.Limit, over),
		hooks.Params{"field": o.Field, "length": o.Length, "limit": o.Limit, "over": over})
}
