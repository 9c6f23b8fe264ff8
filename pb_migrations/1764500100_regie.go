package migrations

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Regie, as the regie and audit plugins run it: a team's cases around a
// client (melding → gesprek → regie, or the steps the team chose), and the
// NEN 7513 access log of every access to them.
//
//   - process_templates: one per buurtteam, made by the server with the
//     team (and here for the teams there are), edited by its coordinators.
//     steps is the ordered list of the team's steps; each has a key, a
//     name, the form it fills in ("referral", "conversation", "plan" or
//     "none"), its own fields (answered when the case leaves the step),
//     a deadline in working days, the steps it may go on to (next; none
//     for an end step) and those it may send a case back to (back).
//   - clients: the case of one client of one team: a code, initials, a
//     year of birth, a neighbourhood and contact preferences; no BSN and
//     no diagnosis. step, step_since, step_due, status and overdue_step
//     are the server's: a case moves only through case_steps. No one
//     deletes a client through the API: erasure is its own route, logged.
//   - referrals (melding), conversations (gesprek, with protected
//     attachments) and plans (regie: goals, agreed actions, the
//     regisseur, a review date) belong to a client and carry its team,
//     which the server copies from the client.
//   - case_steps: the case's history, append-only: a record created moves
//     the case (forward, back with a reason, close, reopen), with the
//     answers to the fields of the step it leaves.
//   - access_log: one entry per access to client data (create, read,
//     update, delete, export, print, erase, and refused attempts), chained
//     by hash (seq, prev_hash, hash). The audit plugin alone writes it,
//     with SQL, in the transaction of the access; no API, no dashboard and
//     no Go save changes or deletes an entry. Only superusers read it, in
//     the dashboard; user, team, client and record are plain text so the
//     entries outlive what they name.
//   - tasks: plan, the id of the plan whose agreed action the task is (a
//     plain text field, not a relation: no filter or expand on tasks
//     reaches into a plan).
//
// Every client-data collection is readable and writable by the members of
// the client's team alone; BOB staff are members of no buurtteam.

const (
	regieSignedIn = `@request.auth.collectionName = "users"`
	regieMember   = regieSignedIn + ` && @request.auth.memberships_via_user.team ?= team`
	regieCoord    = regieSignedIn + ` && (@request.auth.memberships_via_user.team ?= team && @request.auth.memberships_via_user.role ?= "coordinator")`

	regieTemplatesUpdate = regieCoord + ` && @request.body.team:changed = false`

	regieClientsCreate = regieMember
	regieClientsUpdate = regieMember + ` && @request.body.team:changed = false`

	regiePartCreate = regieSignedIn + ` && @request.auth.memberships_via_user.team ?= client.team`
	regiePartUpdate = regieMember + ` && @request.body.client:changed = false && @request.body.team:changed = false`
	regiePartDelete = regieCoord

	// regieDefaultSteps is the template a team starts with.
	regieDefaultSteps = `[` +
		`{"key":"melding","name":"Melding","form":"referral","deadline_days":2,"fields":[],"next":["gesprek"],"back":[]},` +
		`{"key":"gesprek","name":"Gesprek","form":"conversation","deadline_days":5,"fields":[],"next":["regie"],"back":["melding"]},` +
		`{"key":"regie","name":"Regie","form":"plan","deadline_days":10,"fields":[],"next":[],"back":["gesprek"]}` +
		`]`
)

func init() {
	m.Register(func(app core.App) error {
		templates, err := createProcessTemplates(app)
		if err != nil {
			return err
		}
		clients, err := createClients(app)
		if err != nil {
			return err
		}
		if err := createReferrals(app, clients); err != nil {
			return err
		}
		if err := createConversations(app, clients); err != nil {
			return err
		}
		if err := createPlans(app, clients); err != nil {
			return err
		}
		if err := createCaseSteps(app, clients); err != nil {
			return err
		}
		if err := createAccessLog(app); err != nil {
			return err
		}
		if err := addTaskPlan(app); err != nil {
			return err
		}
		return createTeamTemplates(app, templates)
	}, func(app core.App) error {
		tasks, err := app.FindCollectionByNameOrId("tasks")
		if err != nil {
			return err
		}
		tasks.Fields.RemoveByName("plan")
		tasks.RemoveIndex("idx_tasks_plan")
		if err := app.Save(tasks); err != nil {
			return err
		}
		return deleteCollections(app, "access_log", "case_steps", "plans", "conversations", "referrals", "clients", "process_templates")
	})
}

func createProcessTemplates(app core.App) (*core.Collection, error) {
	teams, err := app.FindCollectionByNameOrId("teams")
	if err != nil {
		return nil, err
	}
	templates := core.NewBaseCollection("process_templates")
	templates.ListRule = types.Pointer(regieMember)
	templates.ViewRule = types.Pointer(regieMember)
	templates.CreateRule = nil
	templates.UpdateRule = types.Pointer(regieTemplatesUpdate)
	templates.DeleteRule = nil

	templates.Fields.Add(
		&core.RelationField{Name: "team", Required: true, MaxSelect: 1, CollectionId: teams.Id, CascadeDelete: true},
		&core.TextField{Name: "name", Max: 80},
		&core.JSONField{Name: "steps", MaxSize: 65536},
		&core.RelationField{Name: "updated_by", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	templates.AddIndex("idx_process_templates_team", true, "team", "")
	return templates, app.Save(templates)
}

func createClients(app core.App) (*core.Collection, error) {
	teams, err := app.FindCollectionByNameOrId("teams")
	if err != nil {
		return nil, err
	}
	clients := core.NewBaseCollection("clients")
	clients.ListRule = types.Pointer(regieMember)
	clients.ViewRule = types.Pointer(regieMember)
	clients.CreateRule = types.Pointer(regieClientsCreate)
	clients.UpdateRule = types.Pointer(regieClientsUpdate)
	clients.DeleteRule = nil

	clients.Fields.Add(
		// a team with clients cannot be deleted: erase them first
		&core.RelationField{Name: "team", Required: true, MaxSelect: 1, CollectionId: teams.Id},
		&core.TextField{Name: "code", Required: true, Max: 20, Pattern: `^[A-Z0-9][A-Z0-9-]{2,19}$`, Presentable: true},
		&core.TextField{Name: "initials", Required: true, Max: 12},
		&core.NumberField{Name: "birth_year", OnlyInt: true, Min: types.Pointer(1900.0), Max: types.Pointer(2100.0)},
		&core.TextField{Name: "neighbourhood", Max: 100},
		&core.SelectField{Name: "contact_preference", MaxSelect: 1, Values: []string{"phone", "visit", "mail", "relative"}},
		&core.TextField{Name: "contact_notes", Max: 500},
		&core.TextField{Name: "step", Max: 40},
		&core.DateField{Name: "step_since"},
		&core.DateField{Name: "step_due"},
		&core.SelectField{Name: "status", MaxSelect: 1, Values: []string{"open", "closed"}},
		// the step the regisseur was told is overdue, so it is told once
		&core.TextField{Name: "overdue_step", Max: 40},
		&core.RelationField{Name: "created_by", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	clients.AddIndex("idx_clients_code", true, "code", "")
	clients.AddIndex("idx_clients_team_status_due", false, "team, status, step_due", "")
	clients.AddIndex("idx_clients_overdue", false, "step_due", "status = 'open'")
	return clients, app.Save(clients)
}

// newClientPart returns a collection of client data belonging to a
// client, with the rules and fields all of them share.
func newClientPart(name string, clients *core.Collection) *core.Collection {
	part := core.NewBaseCollection(name)
	part.ListRule = types.Pointer(regieMember)
	part.ViewRule = types.Pointer(regieMember)
	part.CreateRule = types.Pointer(regiePartCreate)
	part.UpdateRule = types.Pointer(regiePartUpdate)
	part.DeleteRule = types.Pointer(regiePartDelete)
	part.Fields.Add(
		&core.RelationField{Name: "client", Required: true, MaxSelect: 1, CollectionId: clients.Id, CascadeDelete: true},
		// the client's team, copied by the server
		&core.RelationField{Name: "team", Required: true, MaxSelect: 1, CollectionId: clients.Fields.GetByName("team").(*core.RelationField).CollectionId},
	)
	return part
}

func createReferrals(app core.App, clients *core.Collection) error {
	referrals := newClientPart("referrals", clients)
	referrals.Fields.Add(
		&core.SelectField{Name: "source", Required: true, MaxSelect: 1, Values: []string{"gp", "hospital", "client", "carer", "social_team", "municipality", "other"}},
		&core.TextField{Name: "reason", Required: true, Max: 2000},
		&core.SelectField{Name: "urgency", Required: true, MaxSelect: 1, Values: []string{"green", "orange", "red"}},
		&core.DateField{Name: "received", Required: true},
		&core.RelationField{Name: "author", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	referrals.AddIndex("idx_referrals_client", false, "client", "")
	referrals.AddIndex("idx_referrals_team", false, "team", "")
	return app.Save(referrals)
}

func createConversations(app core.App, clients *core.Collection) error {
	conversations := newClientPart("conversations", clients)
	conversations.Fields.Add(
		&core.DateField{Name: "date", Required: true},
		&core.TextField{Name: "participants", Max: 500},
		&core.TextField{Name: "notes", Max: 10000},
		&core.TextField{Name: "outcome", Max: 2000},
		&core.FileField{Name: "attachments", MaxSelect: 5, MaxSize: 10 << 20, Protected: true,
			MimeTypes: []string{"application/pdf", "image/jpeg", "image/png", "image/webp"},
			Thumbs:    []string{"100x100", "600x0"}},
		&core.RelationField{Name: "author", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	conversations.AddIndex("idx_conversations_client", false, "client", "")
	conversations.AddIndex("idx_conversations_team", false, "team", "")
	return app.Save(conversations)
}

func createPlans(app core.App, clients *core.Collection) error {
	plans := newClientPart("plans", clients)
	plans.Fields.Add(
		&core.TextField{Name: "goals", Max: 5000},
		// [{"id", "text", "assignee", "due", "task"}]: each agreed action
		// becomes a task of the team (task is its id)
		&core.JSONField{Name: "actions", MaxSize: 32768},
		&core.RelationField{Name: "regisseur", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.DateField{Name: "review_date"},
		&core.RelationField{Name: "author", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	plans.AddIndex("idx_plans_client", false, "client", "")
	plans.AddIndex("idx_plans_team", false, "team", "")
	plans.AddIndex("idx_plans_regisseur", false, "regisseur", "")
	return app.Save(plans)
}

func createCaseSteps(app core.App, clients *core.Collection) error {
	steps := newClientPart("case_steps", clients)
	steps.UpdateRule = nil
	steps.DeleteRule = nil
	steps.Fields.Add(
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"start", "forward", "back", "close", "reopen"}},
		&core.TextField{Name: "from", Max: 40},
		&core.TextField{Name: "to", Max: 40},
		&core.TextField{Name: "reason", Max: 1000},
		&core.JSONField{Name: "answers", MaxSize: 16384},
		&core.RelationField{Name: "actor", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	steps.AddIndex("idx_case_steps_client", false, "client, created", "")
	steps.AddIndex("idx_case_steps_team", false, "team", "")
	return app.Save(steps)
}

func createAccessLog(app core.App) error {
	log := core.NewBaseCollection("access_log")
	log.ListRule = nil
	log.ViewRule = nil
	log.CreateRule = nil
	log.UpdateRule = nil
	log.DeleteRule = nil

	log.Fields.Add(
		&core.NumberField{Name: "seq", OnlyInt: true, Min: types.Pointer(1.0)},
		&core.SelectField{Name: "action", Required: true, MaxSelect: 1, Values: []string{"create", "read", "update", "delete", "export", "print", "erase", "refused"}},
		&core.TextField{Name: "user", Max: 40},
		&core.TextField{Name: "user_name", Max: 200},
		&core.TextField{Name: "role", Max: 40},
		&core.TextField{Name: "team", Max: 40},
		&core.TextField{Name: "on_behalf_of", Max: 200},
		&core.TextField{Name: "client", Max: 40},
		&core.TextField{Name: "client_code", Max: 20},
		&core.TextField{Name: "record", Max: 2000},
		&core.TextField{Name: "ip", Max: 64},
		&core.TextField{Name: "user_agent", Max: 300},
		&core.TextField{Name: "details", Max: 500},
		&core.TextField{Name: "prev_hash", Max: 64},
		&core.TextField{Name: "hash", Max: 64},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	log.AddIndex("idx_access_log_seq", true, "seq", "")
	log.AddIndex("idx_access_log_client", false, "client, seq", "")
	log.AddIndex("idx_access_log_created", false, "created", "")
	return app.Save(log)
}

func addTaskPlan(app core.App) error {
	tasks, err := app.FindCollectionByNameOrId("tasks")
	if err != nil {
		return err
	}
	tasks.Fields.Add(&core.TextField{Name: "plan", Max: 15})
	tasks.AddIndex("idx_tasks_plan", false, "plan", "plan != ''")
	return app.Save(tasks)
}

// createTeamTemplates gives every buurtteam there is the default template;
// the plugin makes one with each new buurtteam.
func createTeamTemplates(app core.App, templates *core.Collection) error {
	var teamIds []string
	if err := app.DB().Select("id").From("teams").Where(dbx.HashExp{"kind": "buurtteam"}).Column(&teamIds); err != nil {
		return err
	}
	for _, id := range teamIds {
		template := core.NewRecord(templates)
		template.Set("team", id)
		template.Set("name", "Melding, gesprek, regie")
		template.Set("steps", regieDefaultSteps)
		if err := app.Save(template); err != nil {
			return err
		}
	}
	return nil
}
