package bob

import (
	"buurtplein/plugins/search"

	"github.com/pocketbase/pocketbase/core"
)

// searchKinds make the questions desk searchable (plugins/search) for the
// asking team's members, as the read rules say: a question (its subject
// and text) and its public replies (with the question's scope). An
// internal note's text is never indexed: its row holds no text, so no
// search finds it, whoever searches. BOB staff find questions through
// their queue (filter and sort on the record API), not the search: the
// index scopes a record to one team, the asking one.
var searchKinds = []search.Kind{
	{
		Collection: QuestionsCollection,
		Title:      func(r *core.Record) string { return r.GetString("subject") },
		Text:       func(r *core.Record) string { return r.GetString("body") },
		Scope:      func(r *core.Record) search.Scope { return search.Scope{Team: r.GetString("team")} },
	},
	{
		Collection: RepliesCollection,
		Text:       replySearchText,
		Parent:     &search.Parent{Collection: QuestionsCollection, Field: "question"},
	},
}

// replySearchText is a public reply's body, and nothing of an internal
// note.
func replySearchText(r *core.Record) string {
	if r.GetBool("internal") {
		return ""
	}
	return r.GetString("body")
}
