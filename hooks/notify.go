package hooks

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// NotificationsCollection holds the in-app notifications the PWA shows live.
const NotificationsCollection = "notifications"

// Notify creates an in-app notification for userId. Call it with the
// transaction's app, so the notification is written with the change it is
// about, or not at all.
func Notify(app core.App, userId, kind, title, link string) error {
	if userId == "" {
		return nil
	}
	collection, err := app.FindCachedCollectionByNameOrId(NotificationsCollection)
	if err != nil {
		return fmt.Errorf("notifications collection: %w", err)
	}
	n := core.NewRecord(collection)
	n.Set("user", userId)
	n.Set("kind", kind)
	n.Set("title", title)
	n.Set("link", link)
	if err := app.Save(n); err != nil {
		return fmt.Errorf("notifying %s: %w", userId, err)
	}
	return nil
}
