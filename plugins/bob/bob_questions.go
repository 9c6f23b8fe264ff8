package bob

import "github.com/pocketbase/pocketbase/core"

// bindQuestions binds the questions desk: questions, replies and internal
// notes, saved replies.
func (p *plugin) bindQuestions() error { return nil }

// seedQuestions seeds the demo questions.
func seedQuestions(app core.App) error { return nil }
