package migrations

import (
	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId(hooks.UsersCollection)
		if err != nil {
			return err
		}

		// a disabled ("geblokkeerd") account keeps its name in the directory
		// and on its posts and tasks, but cannot sign in: PocketBase checks
		// the auth rule on every sign-in method and on auth-refresh
		users.Fields.Add(&core.BoolField{Name: "disabled"})
		users.AuthRule = types.Pointer("disabled = false")

		// employees still edit their own profile, but only IT and their
		// coordinators (through the sessions routes) block or unblock them
		users.UpdateRule = types.Pointer("id = @request.auth.id && @request.body.disabled:changed = false")

		return app.Save(users)
	}, func(app core.App) error {
		users, err := app.FindCollectionByNameOrId(hooks.UsersCollection)
		if err != nil {
			return err
		}
		users.Fields.RemoveByName("disabled")
		users.AuthRule = types.Pointer("")
		users.UpdateRule = types.Pointer("id = @request.auth.id")
		return app.Save(users)
	})
}
