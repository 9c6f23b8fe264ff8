package chat_test

import (
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/chat"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// org holds the demo organisation's ids and tokens for the chat's tests.
// anna and bram are in haarlem-noord, carla in schalkwijk, dirk in both,
// eva in heemstede, bo in BOB.
type org struct {
	app                                    *tests.TestApp
	haarlem, schalkwijk, heemstede, bob    string // team ids
	anna, bram, carla, dirk, eva, bo       string // user ids
	annaT, bramT, carlaT, dirkT, evaT, boT string // tokens
	superT                                 string
}

// newOrg returns a fresh test app on the demo organisation.
func newOrg(t testing.TB) org {
	t.Helper()
	app := testapp.New(t)
	user := func(name string) string { return testapp.Id(t, app, "users", "email", name+"@buurtplein.test") }
	team := func(slug string) string { return testapp.Id(t, app, "teams", "slug", slug) }
	token := func(name string) string { return testapp.Token(t, app, name+"@buurtplein.test") }
	return org{
		app:     app,
		haarlem: team("haarlem-noord"), schalkwijk: team("schalkwijk"), heemstede: team("heemstede"), bob: team("bob"),
		anna: user("anna"), bram: user("bram"), carla: user("carla"), dirk: user("dirk"), eva: user("eva"), bo: user("bo"),
		annaT: token("anna"), bramT: token("bram"), carlaT: token("carla"), dirkT: token("dirk"), evaT: token("eva"), boT: token("bo"),
		superT: token("it"),
	}
}

// teamChannel returns the team channel of teamId, making it when it is
// missing.
func teamChannel(t testing.TB, app core.App, teamId string) *core.Record {
	t.Helper()
	channel, err := app.FindFirstRecordByFilter(chat.ChannelsCollection, "kind = 'team' && team = {:team}", dbx.Params{"team": teamId})
	if err == nil {
		return channel
	}
	return saveChannel(t, app, map[string]any{"kind": chat.KindTeam, "team": teamId})
}

// saveChannel saves a new channel with fields as Go code does (no request
// hooks).
func saveChannel(t testing.TB, app core.App, fields map[string]any) *core.Record {
	t.Helper()
	return saveRecord(t, app, chat.ChannelsCollection, fields)
}

// saveMessage saves a new message as Go code does.
func saveMessage(t testing.TB, app core.App, channelId, authorId, body string) *core.Record {
	t.Helper()
	return saveRecord(t, app, chat.MessagesCollection, map[string]any{"channel": channelId, "author": authorId, "body": body})
}

// join makes userId a member of the organisation channel channelId.
func join(t testing.TB, app core.App, channelId, userId string) *core.Record {
	t.Helper()
	return saveRecord(t, app, chat.ReadsCollection, map[string]any{"channel": channelId, "user": userId})
}

func saveRecord(t testing.TB, app core.App, collection string, fields map[string]any) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	record := core.NewRecord(c)
	for k, v := range fields {
		record.Set(k, v)
	}
	if err := app.Save(record); err != nil {
		t.Fatalf("saving %s %v: %v", collection, fields, err)
	}
	return record
}
