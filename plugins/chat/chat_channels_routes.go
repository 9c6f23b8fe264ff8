package chat

import (
	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// bindRoutes adds the channels' routes, for employees only (a superuser
// gets 403, as on search):
//
//	GET  /api/buurtplein/chat/channels              the caller's channels, newest activity first
//	GET  /api/buurtplein/chat/channels/{id}/members who is in a channel
//	POST /api/buurtplein/chat/channels/{id}/read    {"message": id}: read up to that message
//	GET  /api/buurtplein/chat/channels/{id}/messages a page of the conversation, newest first
func (p *plugin) bindRoutes(se *core.ServeEvent) error {
	g := se.Router.Group("/api/buurtplein/chat/channels")
	g.Bind(apis.RequireAuth(hooks.UsersCollection))
	g.GET("", p.listChannels)
	g.GET("/{id}/members", p.listMembers)
	g.POST("/{id}/read", p.markRead)
	g.GET("/{id}/messages", p.listMessages)
	return se.Next()
}
