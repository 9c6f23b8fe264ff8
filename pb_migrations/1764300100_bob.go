package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// BOB, the support bureau: its questions desk, its catalogue of printed
// material and the teams' orders, as the bob plugin runs them.
//
//   - questions: asked by an employee on behalf of one of their teams; that
//     team's members follow it, BOB staff (members of the team of kind
//     "bob") see every question. The rules keep the scope; the plugin's
//     hooks decide who may set status, assignee and the times on every
//     write path, and set first_response, closed and flagged (a question
//     without a first response in time) themselves. No one deletes one.
//   - question_replies: a reply to a question, or an internal note
//     (internal = true) that only BOB staff read on any path. Replies are
//     not changed or deleted: the conversation is a record.
//   - saved_replies: BOB's standard answers ("standaardantwoorden"),
//     BOB's alone.
//   - products: the catalogue (posters, flyers, ads, stickers, brochures):
//     its formats, papers and prices as JSON the plugin validates; every
//     employee reads the active ones, BOB keeps them (the BOB lead also in
//     the dashboard). A product is made inactive, not deleted: orders point
//     at it.
//   - orders: a team's order of printed material, from draft through proof,
//     approval, production and shipping to delivery (or cancelled before
//     production). The team's members and BOB staff read it; the plugin's
//     hooks decide each transition, render the proof (proof, preview,
//     proof_revision) and the print file, and set the price. No one
//     deletes one.
//   - order_events: an order's history, one per transition, written by the
//     plugin only; read as the order is.
//   - organisation_settings: the organisation's colours for the proofs and
//     the working hours a question may wait for its first response.

const (
	bobSignedIn = `@request.auth.collectionName = "users"`
	bobStaff    = `@request.auth.memberships_via_user.team.kind ?= "bob"`

	bobQuestionsRead   = bobSignedIn + ` && (@request.auth.memberships_via_user.team ?= team || ` + bobStaff + `)`
	bobQuestionsCreate = bobSignedIn + ` && asker = @request.auth.id && @request.auth.memberships_via_user.team ?= team`
	bobQuestionsUpdate = bobQuestionsRead + ` && @request.body.team:changed = false && @request.body.asker:changed = false`

	bobRepliesRead   = bobSignedIn + ` && (` + bobStaff + ` || (internal = false && @request.auth.memberships_via_user.team ?= question.team))`
	bobRepliesCreate = bobSignedIn + ` && author = @request.auth.id && (` + bobStaff + ` || (internal = false && @request.auth.memberships_via_user.team ?= question.team))`

	bobOnly = bobSignedIn + ` && ` + bobStaff

	bobProductsRead = bobSignedIn + ` && (active = true || ` + bobStaff + `)`

	bobOrdersRead   = bobSignedIn + ` && (@request.auth.memberships_via_user.team ?= team || ` + bobStaff + `)`
	bobOrdersCreate = bobSignedIn + ` && requested_by = @request.auth.id && @request.auth.memberships_via_user.team ?= team`
	bobOrdersUpdate = bobOrdersRead + ` && @request.body.team:changed = false && @request.body.requested_by:changed = false`

	bobOrderEventsRead = bobSignedIn + ` && (@request.auth.memberships_via_user.team ?= order.team || ` + bobStaff + `)`
)

var bobCategories = []string{"planning", "financien", "pr", "communicatie", "ict", "overig"}

func init() {
	m.Register(func(app core.App) error {
		teams, err := app.FindCollectionByNameOrId("teams")
		if err != nil {
			return err
		}
		questions, err := createBOBQuestions(app, teams)
		if err != nil {
			return err
		}
		if err := createBOBReplies(app, questions); err != nil {
			return err
		}
		if err := createBOBSavedReplies(app); err != nil {
			return err
		}
		products, err := createBOBProducts(app)
		if err != nil {
			return err
		}
		orders, err := createBOBOrders(app, teams, products)
		if err != nil {
			return err
		}
		if err := createBOBOrderEvents(app, orders); err != nil {
			return err
		}
		return extendSettingsForBOB(app)
	}, func(app core.App) error {
		settings, err := app.FindCollectionByNameOrId("organisation_settings")
		if err != nil {
			return err
		}
		for _, name := range []string{"colour_primary", "colour_accent", "bob_response_hours"} {
			settings.Fields.RemoveByName(name)
		}
		if err := app.Save(settings); err != nil {
			return err
		}
		return deleteCollections(app, "order_events", "orders", "products", "saved_replies", "question_replies", "questions")
	})
}

func createBOBQuestions(app core.App, teams *core.Collection) (*core.Collection, error) {
	pages, err := app.FindCollectionByNameOrId("wiki_pages")
	if err != nil {
		return nil, err
	}

	questions := core.NewBaseCollection("questions")
	questions.ListRule = types.Pointer(bobQuestionsRead)
	questions.ViewRule = types.Pointer(bobQuestionsRead)
	questions.CreateRule = types.Pointer(bobQuestionsCreate)
	questions.UpdateRule = types.Pointer(bobQuestionsUpdate)
	questions.DeleteRule = nil

	questions.Fields.Add(
		&core.RelationField{Name: "team", Required: true, MaxSelect: 1, CollectionId: teams.Id},
		&core.RelationField{Name: "asker", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.SelectField{Name: "category", Required: true, MaxSelect: 1, Values: bobCategories},
		&core.TextField{Name: "subject", Required: true, Max: 200},
		&core.TextField{Name: "body", Required: true, Max: 10000},
		&core.FileField{Name: "attachments", MaxSelect: 5, MaxSize: 20 << 20, Protected: true,
			MimeTypes: []string{"application/pdf", "image/jpeg", "image/png", "image/webp"}, Thumbs: []string{"480x0"}},
		&core.SelectField{Name: "status", MaxSelect: 1, Values: []string{"new", "in_progress", "waiting", "answered", "closed"}},
		&core.RelationField{Name: "assignee", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.DateField{Name: "first_response"},
		&core.DateField{Name: "closed"},
		&core.DateField{Name: "flagged"},
		&core.RelationField{Name: "wiki_page", MaxSelect: 1, CollectionId: pages.Id},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	// BOB's queue: by status and category, newest activity first; a team's
	// own questions; the questions waiting for a first response
	questions.AddIndex("idx_questions_status_updated", false, "status, updated", "")
	questions.AddIndex("idx_questions_category_status", false, "category, status, updated", "")
	questions.AddIndex("idx_questions_team_updated", false, "team, updated", "")
	questions.AddIndex("idx_questions_assignee_status", false, "assignee, status", "")
	questions.AddIndex("idx_questions_unanswered", false, "created", "first_response = ''")
	return questions, app.Save(questions)
}

func createBOBReplies(app core.App, questions *core.Collection) error {
	replies := core.NewBaseCollection("question_replies")
	replies.ListRule = types.Pointer(bobRepliesRead)
	replies.ViewRule = types.Pointer(bobRepliesRead)
	replies.CreateRule = types.Pointer(bobRepliesCreate)
	replies.UpdateRule = nil
	replies.DeleteRule = nil

	replies.Fields.Add(
		&core.RelationField{Name: "question", Required: true, MaxSelect: 1, CollectionId: questions.Id, CascadeDelete: true},
		&core.RelationField{Name: "author", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.TextField{Name: "body", Required: true, Max: 10000},
		&core.BoolField{Name: "internal"},
		&core.FileField{Name: "attachments", MaxSelect: 5, MaxSize: 20 << 20, Protected: true,
			MimeTypes: []string{"application/pdf", "image/jpeg", "image/png", "image/webp"}, Thumbs: []string{"480x0"}},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	replies.AddIndex("idx_question_replies_question_created", false, "question, created", "")
	return app.Save(replies)
}

func createBOBSavedReplies(app core.App) error {
	saved := core.NewBaseCollection("saved_replies")
	saved.ListRule = types.Pointer(bobOnly)
	saved.ViewRule = types.Pointer(bobOnly)
	saved.CreateRule = types.Pointer(bobOnly)
	saved.UpdateRule = types.Pointer(bobOnly)
	saved.DeleteRule = types.Pointer(bobOnly)

	saved.Fields.Add(
		&core.TextField{Name: "title", Required: true, Max: 120},
		&core.TextField{Name: "body", Required: true, Max: 10000},
		&core.SelectField{Name: "category", MaxSelect: 1, Values: bobCategories},
		&core.RelationField{Name: "created_by", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	return app.Save(saved)
}

func createBOBProducts(app core.App) (*core.Collection, error) {
	products := core.NewBaseCollection("products")
	products.ListRule = types.Pointer(bobProductsRead)
	products.ViewRule = types.Pointer(bobProductsRead)
	products.CreateRule = types.Pointer(bobOnly)
	products.UpdateRule = types.Pointer(bobOnly)
	products.DeleteRule = nil

	products.Fields.Add(
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"poster", "flyer", "advertisement", "sticker", "brochure"}},
		&core.TextField{Name: "name", Required: true, Max: 120},
		&core.TextField{Name: "description", Max: 2000},
		// [{"code": "A3", "name": "A3", "width": 297, "height": 420, "round": false}], millimetres
		&core.JSONField{Name: "formats", Required: true, MaxSize: 16 << 10},
		// [{"code": "silk-170", "name": "Silk mc 170 g/m²"}]
		&core.JSONField{Name: "papers", MaxSize: 8 << 10},
		// [{"format": "A3", "quantity": 25, "price": 3450}], price in euro cents
		&core.JSONField{Name: "prices", Required: true, MaxSize: 32 << 10},
		&core.BoolField{Name: "active"},
		&core.FileField{Name: "image", MaxSelect: 1, MaxSize: 5 << 20,
			MimeTypes: []string{"image/jpeg", "image/png", "image/webp"}, Thumbs: []string{"480x0"}},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	return products, app.Save(products)
}

func createBOBOrders(app core.App, teams, products *core.Collection) (*core.Collection, error) {
	orders := core.NewBaseCollection("orders")
	orders.ListRule = types.Pointer(bobOrdersRead)
	orders.ViewRule = types.Pointer(bobOrdersRead)
	orders.CreateRule = types.Pointer(bobOrdersCreate)
	orders.UpdateRule = types.Pointer(bobOrdersUpdate)
	orders.DeleteRule = nil

	orders.Fields.Add(
		&core.RelationField{Name: "team", Required: true, MaxSelect: 1, CollectionId: teams.Id},
		&core.RelationField{Name: "requested_by", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.RelationField{Name: "product", Required: true, MaxSelect: 1, CollectionId: products.Id},
		&core.TextField{Name: "format", Required: true, Max: 40},
		&core.TextField{Name: "paper", Max: 40},
		&core.NumberField{Name: "quantity", OnlyInt: true},
		&core.TextField{Name: "title", Max: 200},
		&core.TextField{Name: "text", Max: 5000},
		&core.TextField{Name: "contact", Max: 300},
		&core.FileField{Name: "photo", MaxSelect: 1, MaxSize: 25 << 20, Protected: true,
			MimeTypes: []string{"image/jpeg", "image/png", "image/webp"}, Thumbs: []string{"480x0"}},
		&core.SelectField{Name: "status", MaxSelect: 1, Values: []string{"draft", "proof", "approved", "production", "shipped", "delivered", "cancelled"}},
		&core.TextField{Name: "remark", Max: 1000},
		&core.FileField{Name: "proof", MaxSelect: 1, MaxSize: 50 << 20, Protected: true, MimeTypes: []string{"application/pdf"}},
		&core.FileField{Name: "preview", MaxSelect: 1, MaxSize: 10 << 20, Protected: true, MimeTypes: []string{"image/png"}},
		&core.FileField{Name: "print_file", MaxSelect: 1, MaxSize: 50 << 20, Protected: true, MimeTypes: []string{"application/pdf"}},
		&core.NumberField{Name: "proof_revision", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.NumberField{Name: "price", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.RelationField{Name: "approved_by", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	orders.AddIndex("idx_orders_team_updated", false, "team, updated", "")
	orders.AddIndex("idx_orders_status_updated", false, "status, updated", "")
	return orders, app.Save(orders)
}

func createBOBOrderEvents(app core.App, orders *core.Collection) error {
	events := core.NewBaseCollection("order_events")
	events.ListRule = types.Pointer(bobOrderEventsRead)
	events.ViewRule = types.Pointer(bobOrderEventsRead)
	events.CreateRule = nil
	events.UpdateRule = nil
	events.DeleteRule = nil

	events.Fields.Add(
		&core.RelationField{Name: "order", Required: true, MaxSelect: 1, CollectionId: orders.Id, CascadeDelete: true},
		&core.RelationField{Name: "actor", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.TextField{Name: "from", Max: 20},
		&core.TextField{Name: "to", Required: true, Max: 20},
		&core.TextField{Name: "remark", Max: 1000},
		&core.NumberField{Name: "proof_revision", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	events.AddIndex("idx_order_events_order_created", false, "`order`, created", "")
	return app.Save(events)
}

func extendSettingsForBOB(app core.App) error {
	settings, err := app.FindCollectionByNameOrId("organisation_settings")
	if err != nil {
		return err
	}
	settings.Fields.Add(
		&core.TextField{Name: "colour_primary", Max: 7, Pattern: `^#[0-9a-fA-F]{6}$`},
		&core.TextField{Name: "colour_accent", Max: 7, Pattern: `^#[0-9a-fA-F]{6}$`},
		&core.NumberField{Name: "bob_response_hours", OnlyInt: true, Min: types.Pointer(1.0), Max: types.Pointer(400.0)},
	)
	if err := app.Save(settings); err != nil {
		return err
	}

	// the colours of the demo organisation's house style and one working
	// day for a first response, until IT sets its own
	records, err := app.FindAllRecords(settings)
	if err != nil {
		return err
	}
	for _, r := range records {
		r.Set("colour_primary", "#0b6e4f")
		r.Set("colour_accent", "#f2a541")
		r.Set("bob_response_hours", 8)
		if err := app.SaveNoValidate(r); err != nil {
			return err
		}
	}
	return nil
}
