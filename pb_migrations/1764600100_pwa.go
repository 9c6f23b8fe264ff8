package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The app on the phone, as the push plugin and the PWA run it.
//
//   - push_subscriptions: one browser's Web Push subscription of one
//     person (the push service's endpoint and the keys that encrypt the
//     payload for it, RFC 8291). A person lists, makes and deletes their
//     own and nobody else's; no one changes one (a browser with new keys
//     subscribes again). The endpoint is unique: the same browser signed
//     in by another person takes it over (the plugin deletes the old row
//     in the create's transaction), so a shared phone never shows the
//     previous person's notifications. The server deletes a subscription
//     when its push service answers 404 or 410 (gone), and all of a
//     person's when the account is blocked.
//   - users: phone and contact_email, how colleagues reach the person (the
//     directory's tap to call and to mail), set by the person and by IT.
//     contact_email is not the sign-in address, which stays private.

const (
	pwaPushOwn    = `@request.auth.collectionName = "users" && user = @request.auth.id`
	pwaPushCreate = `@request.auth.collectionName = "users" && user = @request.auth.id`
)

func init() {
	m.Register(func(app core.App) error {
		if err := createPushSubscriptions(app); err != nil {
			return err
		}
		return addContactFields(app)
	}, func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.Fields.RemoveByName("phone")
		users.Fields.RemoveByName("contact_email")
		if err := app.Save(users); err != nil {
			return err
		}
		return deleteCollections(app, "push_subscriptions")
	})
}

func createPushSubscriptions(app core.App) error {
	subs := core.NewBaseCollection("push_subscriptions")
	subs.ListRule = types.Pointer(pwaPushOwn)
	subs.ViewRule = types.Pointer(pwaPushOwn)
	subs.CreateRule = types.Pointer(pwaPushCreate)
	subs.UpdateRule = nil
	subs.DeleteRule = types.Pointer(pwaPushOwn)

	subs.Fields.Add(
		&core.RelationField{Name: "user", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_", CascadeDelete: true},
		// the push service's URL; the plugin accepts https endpoints of
		// the known push services only (the server posts to it)
		&core.URLField{Name: "endpoint", Required: true},
		// the browser's P-256 public key and auth secret, base64url
		&core.TextField{Name: "p256dh", Required: true, Max: 100, Pattern: `^[A-Za-z0-9_-]+={0,2}$`},
		&core.TextField{Name: "auth", Required: true, Max: 40, Pattern: `^[A-Za-z0-9_-]+={0,2}$`},
		// the device, as the person recognises it in the profile
		&core.TextField{Name: "device", Max: 120},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	subs.AddIndex("idx_push_subscriptions_endpoint", true, "endpoint", "")
	subs.AddIndex("idx_push_subscriptions_user", false, "user", "")
	return app.Save(subs)
}

func addContactFields(app core.App) error {
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	users.Fields.Add(
		&core.TextField{Name: "phone", Max: 30, Pattern: `^\+?[0-9][0-9 ()-]{5,28}$`},
		&core.EmailField{Name: "contact_email"},
	)
	return app.Save(users)
}
