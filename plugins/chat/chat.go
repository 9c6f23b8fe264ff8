// Package chat adds chat to Buurtplein: a channel for every team, open
// organisation channels, direct chats between two colleagues and group
// chats of chosen colleagues from any teams, with messages, replies,
// mentions, reactions, photos and files, and read state.
//
// A message is read only by its channel's members, on every path: list,
// view, expand, filter, batch, realtime, file downloads and search. A
// team channel's members are its team's, an organisation channel's are
// those who joined it (a channel_reads row), a direct or group channel's
// are listed on it. Realtime goes through the scoped topics alone: a team
// channel's on its team's topic, an organisation channel's on the
// organisation topic (narrowed to its members), a direct or group
// channel's on each member's own topic.
//
// The client may pick a message's id, so a message written offline and
// sent again after a lost answer is stored once. Photos are re-encoded on
// upload: turned upright, without EXIF or GPS, at most 2,048 pixels.
//
// Example usage:
//
//	chat.MustRegister(app, chat.Config{})
//
// [SeedDemo] seeds the demo conversations (the registry in plugins runs it
// with --demo).
package chat

import (
	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
)

// Collection names of the chat plugin.
const (
	ChannelsCollection = "channels"
	MessagesCollection = "messages"
	ReadsCollection    = "channel_reads"
)

// Collections are the collections the chat plugin owns.
var Collections = []string{ChannelsCollection, MessagesCollection, ReadsCollection}

// The kinds of channel.
const (
	KindTeam         = "team"
	KindOrganisation = "organisation"
	KindDirect       = "direct"
	KindGroup        = "group"
)

// Config defines the config options of the chat plugin.
type Config struct {
	// EveryoneLimit is the most members a channel may have for "@team" and
	// "@iedereen" to notify all of them (BOB staff may in organisation
	// channels of any size). Default: 50.
	EveryoneLimit int

	// ReadByLimit is the most members a direct or group channel may have
	// for its messages to show who read them. Default: 20.
	ReadByLimit int

	// PhotoMaxSide is the most pixels a stored photo has in either
	// direction; a larger one is scaled down on upload. Default: 2048.
	PhotoMaxSide int
}

type plugin struct {
	app    core.App
	config Config
}

// MustRegister registers the chat plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the chat plugin to app.
func Register(app core.App, config Config) error {
	p := &plugin{app: app, config: config}
	if p.config.EveryoneLimit <= 0 {
		p.config.EveryoneLimit = 50
	}
	if p.config.ReadByLimit <= 0 {
		p.config.ReadByLimit = 20
	}
	if p.config.PhotoMaxSide <= 0 {
		p.config.PhotoMaxSide = 2048
	}

	hooks.GuardScoped(app, ChannelsCollection, MessagesCollection, ReadsCollection)
	p.bindTopics()

	for _, bind := range []func() error{
		p.bindChannels,
		p.bindReads,
		p.bindMessages,
		p.bindAttachments,
		p.bindSearch,
	} {
		if err := bind(); err != nil {
			return err
		}
	}
	return nil
}

// SeedDemo seeds the demo organisation's conversations; it only adds what
// is missing.
func SeedDemo(app core.App) error {
	return seedChat(app)
}
