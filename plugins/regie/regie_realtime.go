package regie

import "buurtplein/hooks"

// bindRealtime puts the team's templates on its topic, and of client data
// only the id and collection: a subscriber reads the record through the
// API, where the read is logged.
func (p *plugin) bindRealtime() {
	hooks.PublishTo(p.app, TemplatesCollection, hooks.Topics{Of: hooks.ByTeam("team")})
	for _, collection := range ClientData {
		hooks.PublishTo(p.app, collection, hooks.Topics{Of: hooks.ByTeam("team"), IdOnly: true})
	}
}
