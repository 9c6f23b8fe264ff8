package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A team's questions go with the team when IT deletes it, as its tasks and
// posts do (their replies follow their question): the required relation
// without a cascade made every team that ever asked BOB something
// impossible to delete.

func init() {
	m.Register(func(app core.App) error {
		return setQuestionsTeamCascade(app, true)
	}, func(app core.App) error {
		return setQuestionsTeamCascade(app, false)
	})
}

func setQuestionsTeamCascade(app core.App, cascade bool) error {
	questions, err := app.FindCollectionByNameOrId("questions")
	if err != nil {
		return err
	}
	questions.Fields.GetByName("team").(*core.RelationField).CascadeDelete = cascade
	return app.Save(questions)
}
