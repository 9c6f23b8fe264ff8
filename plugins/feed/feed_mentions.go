package feed

import (
	"buurtplein/plugins/teams"

	"github.com/pocketbase/pocketbase/core"
)

// mentioned returns the ids of the colleagues text mentions, each once, in
// the order of their first mention (see [teams.Mentioned]: the chat reads
// mentions the same way).
func (p *plugin) mentioned(app core.App, text string) ([]string, error) {
	return teams.Mentioned(app, text, p.config.MaxMentions, nil)
}
