package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The directory listed every blocked account to every employee. Now a
// blocked account is listed only to IT and to the coordinators of one of
// its teams (and to the person, who cannot sign in anyway). Filters that
// reach users through a relation (memberships' user.name, tasks'
// assignee.name) get the same rule from PocketBase, so blocked colleagues
// drop out of the pickers that filter that way too.
//
// The view rule stays: posts, comments and task history keep showing who
// wrote them, also after a block. plugins/sessions hides the "disabled"
// flag from everyone but IT, the person and their coordinators.

func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.ListRule = types.Pointer(`@request.auth.collectionName = "users" && (disabled = false || id = @request.auth.id || (@request.auth.memberships_via_user.team ?= memberships_via_user.team && @request.auth.memberships_via_user.role ?= "coordinator"))`)
		return app.Save(users)
	}, func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.ListRule = types.Pointer(`@request.auth.collectionName = "users"`)
		return app.Save(users)
	})
}
