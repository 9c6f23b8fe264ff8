package chat

import "github.com/pocketbase/pocketbase/core"

// seedChat seeds the demo conversations.
func seedChat(app core.App) error {
	return nil
}
