package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The channel list shows whether an unread message mentions the reader.
// Few messages mention anyone, so an index of only those, by channel and
// time, answers that with a handful of rows even for a channel whose
// reader never read its million messages. The query names the index and
// repeats its condition word for word (SQLite uses a partial index only
// then).

const chatMentionsIndex = "idx_messages_mentioning"

func init() {
	m.Register(func(app core.App) error {
		messages, err := app.FindCollectionByNameOrId("messages")
		if err != nil {
			return err
		}
		messages.AddIndex(chatMentionsIndex, false, "channel, created", "mention_all != '' OR mentions != '[]'")
		return app.Save(messages)
	}, func(app core.App) error {
		messages, err := app.FindCollectionByNameOrId("messages")
		if err != nil {
			return err
		}
		messages.RemoveIndex(chatMentionsIndex)
		return app.Save(messages)
	})
}
