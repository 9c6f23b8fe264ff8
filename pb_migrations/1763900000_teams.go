// Package migrations holds the one history of Buurtplein's schema: every
// collection, field, index, API rule and setting, as Go migrations.
package migrations

import (
	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// slugPattern is a lower-case, dash-separated slug ("haarlem-noord").
const slugPattern = `^[a-z0-9]+(-[a-z0-9]+)*$`

var imageTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp"}

func init() {
	m.Register(func(app core.App) error {
		if err := extendUsers(app); err != nil {
			return err
		}
		teams, err := createTeams(app)
		if err != nil {
			return err
		}
		if err := createMemberships(app, teams); err != nil {
			return err
		}

		// a team's coordinators keep its description and logo current; name,
		// slug and kind belong to IT (the rule needs memberships to exist)
		teams.UpdateRule = types.Pointer(hooks.SignedIn + " && " + hooks.CoordinatorOf("id") +
			" && @request.body.name:changed = false && @request.body.slug:changed = false && @request.body.kind:changed = false")
		return app.Save(teams)
	}, func(app core.App) error {
		return deleteCollections(app, "memberships", "teams")
	})
}

// extendUsers turns PocketBase's default users collection into the
// employee directory: every signed-in employee reads it, each edits only
// themselves, and only IT (or the CSV import) creates accounts.
func extendUsers(app core.App) error {
	users, err := app.FindCollectionByNameOrId(hooks.UsersCollection)
	if err != nil {
		return err
	}

	users.ListRule = types.Pointer(hooks.SignedIn)
	users.ViewRule = types.Pointer(hooks.SignedIn)
	users.CreateRule = nil
	users.UpdateRule = types.Pointer("id = @request.auth.id")
	users.DeleteRule = nil

	if f, ok := users.Fields.GetByName("name").(*core.TextField); ok {
		f.Required = true
		f.Max = 120
	}
	if f, ok := users.Fields.GetByName("avatar").(*core.FileField); ok {
		f.MimeTypes = imageTypes
		f.Thumbs = []string{"96x96", "256x256"}
		f.MaxSize = 5 << 20
	}
	users.Fields.Add(&core.TextField{Name: "discipline", Max: 80})
	users.Fields.Add(&core.SelectField{Name: "locale", Values: []string{"nl", "en"}, MaxSelect: 1})
	users.AddIndex("idx_users_name", false, "name", "")

	return app.Save(users)
}

func createTeams(app core.App) (*core.Collection, error) {
	teams := core.NewBaseCollection(hooks.TeamsCollection)
	teams.ListRule = types.Pointer(hooks.SignedIn)
	teams.ViewRule = types.Pointer(hooks.SignedIn)

	teams.Fields.Add(
		&core.TextField{Name: "name", Required: true, Max: 100, Presentable: true},
		&core.TextField{Name: "slug", Required: true, Max: 60, Pattern: slugPattern},
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{hooks.TeamKindBuurtteam, hooks.TeamKindBOB}},
		&core.TextField{Name: "area", Max: 200},
		&core.TextField{Name: "description", Max: 2000},
		&core.FileField{Name: "logo", MaxSelect: 1, MaxSize: 2 << 20, MimeTypes: imageTypes, Thumbs: []string{"96x96"}},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	teams.AddIndex("idx_teams_slug", true, "slug", "")

	return teams, app.Save(teams)
}

func createMemberships(app core.App, teams *core.Collection) error {
	memberships := core.NewBaseCollection(hooks.MembershipsCollection)
	// who is in which team is no secret: the directory shows it
	memberships.ListRule = types.Pointer(hooks.SignedIn)
	memberships.ViewRule = types.Pointer(hooks.SignedIn)
	memberships.CreateRule = types.Pointer(hooks.SignedIn + " && " + hooks.CoordinatorOf("team"))
	memberships.UpdateRule = types.Pointer(hooks.SignedIn + " && " + hooks.CoordinatorOf("team") +
		" && @request.body.team:changed = false && @request.body.user:changed = false")
	memberships.DeleteRule = types.Pointer(hooks.SignedIn + " && (user = @request.auth.id || " + hooks.CoordinatorOf("team") + ")")

	memberships.Fields.Add(
		&core.RelationField{Name: "team", Required: true, MaxSelect: 1, CollectionId: teams.Id, CascadeDelete: true},
		&core.RelationField{Name: "user", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_", CascadeDelete: true},
		&core.SelectField{Name: "role", Required: true, MaxSelect: 1, Values: []string{hooks.RoleMember, hooks.RoleCoordinator}},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	memberships.AddIndex("idx_memberships_team_user", true, "team, user", "")
	memberships.AddIndex("idx_memberships_user", false, "user", "")

	return app.Save(memberships)
}

// deleteCollections deletes the named collections, in order: a down
// migration removes what points at others first.
func deleteCollections(app core.App, names ...string) error {
	for _, name := range names {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return err
		}
		if err := app.Delete(c); err != nil {
			return err
		}
	}
	return nil
}
