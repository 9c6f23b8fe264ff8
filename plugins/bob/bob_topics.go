package bob

import (
	"fmt"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// bobTopics returns the topics of BOB's teams (the teams of kind "bob"):
// BOB staff follow every question and order there.
func bobTopics(app core.App) ([]string, error) {
	var ids []string
	err := app.DB().Select("id").From(hooks.TeamsCollection).
		Where(dbx.HashExp{"kind": hooks.TeamKindBOB}).
		Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("BOB's teams: %w", err)
	}
	topics := make([]string, len(ids))
	for i, id := range ids {
		topics[i] = hooks.TeamTopic(id)
	}
	return topics, nil
}

// teamAndBOB returns a [hooks.TopicsFunc] that puts a record on the topic
// of the team its field names and on BOB's.
func teamAndBOB(field string) hooks.TopicsFunc {
	return hooks.AllOf(hooks.ByTeam(field), func(app core.App, _ *core.Record) ([]string, error) {
		return bobTopics(app)
	})
}
