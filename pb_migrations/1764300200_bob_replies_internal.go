package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The create rule of question_replies lets the asking team's members
// through with internal = true, so that the bob plugin's hook (which runs
// after the rule) answers a team member's internal note with its own
// 403 and code instead of the rule's wordless 400. The hook refuses such
// a note on every path (the record API, a batch, Go code); the read
// rules, which keep notes BOB's, do not change.

func init() {
	m.Register(func(app core.App) error {
		return setReplyCreateRule(app, `@request.auth.collectionName = "users" && author = @request.auth.id && (@request.auth.memberships_via_user.team.kind ?= "bob" || @request.auth.memberships_via_user.team ?= question.team)`)
	}, func(app core.App) error {
		return setReplyCreateRule(app, `@request.auth.collectionName = "users" && author = @request.auth.id && (@request.auth.memberships_via_user.team.kind ?= "bob" || (internal = false && @request.auth.memberships_via_user.team ?= question.team))`)
	})
}

func setReplyCreateRule(app core.App, rule string) error {
	replies, err := app.FindCollectionByNameOrId("question_replies")
	if err != nil {
		return err
	}
	replies.CreateRule = types.Pointer(rule)
	return app.Save(replies)
}
