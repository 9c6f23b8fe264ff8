package chat_test

import (
	"net/http"
	"testing"
	"time"

	"buurtplein/plugins/chat"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"
)

const readsURL = "/api/collections/channel_reads/records"

// lastRead returns userId's last_read in channelId, or the zero time.
func lastRead(t testing.TB, app core.App, channelId, userId string) types.DateTime {
	t.Helper()
	read, err := app.FindFirstRecordByFilter(chat.ReadsCollection, "channel = {:c} && user = {:u}", dbx.Params{"c": channelId, "u": userId})
	if err != nil {
		return types.DateTime{}
	}
	return read.GetDateTime("last_read")
}

func TestReadsRecordAPI(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	scholing := demoChannel(t, o, chat.KindOrganisation, "Scholing & intervisie") // bo, anna, eva, carla
	wondzorg := demoChannel(t, o, chat.KindGroup, "Wondzorg regio")               // dirk, carla, eva
	haarlem := teamChannel(t, o.app, o.haarlem)
	annaRead, err := o.app.FindFirstRecordByFilter(chat.ReadsCollection, "channel = {:c} && user = {:u}", dbx.Params{"c": scholing.Id, "u": o.anna})
	if err != nil {
		t.Fatal(err)
	}
	stored := annaRead.GetDateTime("last_read")

	runChannelScenarios(t, []tests.ApiScenario{
		{
			Name:   "bram joins the organisation channel, having read what came before",
			Method: http.MethodPost, URL: readsURL, Headers: channelHeaders(o.bramT),
			Body:            channelBody(t, map[string]any{"channel": scholing.Id, "user": o.bram}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"user":"` + o.bram + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if lastRead(t, app, scholing.Id, o.bram).IsZero() {
					t.Error("bram joined without a last_read")
				}
			},
		},
		nothingStored(tests.ApiScenario{
			Name:   "anna joins it again: the row she has",
			Method: http.MethodPost, URL: readsURL, Headers: channelHeaders(o.annaT),
			Body:            channelBody(t, map[string]any{"channel": scholing.Id, "user": o.anna}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id":"` + annaRead.Id + `"`},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "bram joins it for dirk",
			Method: http.MethodPost, URL: readsURL, Headers: channelHeaders(o.bramT),
			Body:            channelBody(t, map[string]any{"channel": scholing.Id, "user": o.dirk}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "bram gives himself a read state in a group he is not in",
			Method: http.MethodPost, URL: readsURL, Headers: channelHeaders(o.bramT),
			Body:            channelBody(t, map[string]any{"channel": wondzorg.Id, "user": o.bram}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "carla gives herself a read state in Haarlem-Noord's channel",
			Method: http.MethodPost, URL: readsURL, Headers: channelHeaders(o.carlaT),
			Body:            channelBody(t, map[string]any{"channel": haarlem.Id, "user": o.carla}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
		{
			Name:   "anna moves her last_read into the future: now",
			Method: http.MethodPatch, URL: readsURL + "/" + annaRead.Id, Headers: channelHeaders(o.annaT),
			Body:            channelBody(t, map[string]any{"last_read": time.Now().Add(24 * time.Hour).UTC().Format(types.DefaultDateLayout)}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"last_read":"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if got := lastRead(t, app, scholing.Id, o.anna); got.Time().After(time.Now()) || !got.After(stored) {
					t.Errorf("last_read %v: want now", got)
				}
			},
		},
		{
			Name:   "anna moves her last_read back: it stays",
			Method: http.MethodPatch, URL: readsURL + "/" + annaRead.Id, Headers: channelHeaders(o.annaT),
			Body:            channelBody(t, map[string]any{"last_read": "2020-01-01 00:00:00.000Z"}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"last_read":"` + stored.String() + `"`},
		},
		{
			Name:   "anna empties her last_read: it stays",
			Method: http.MethodPatch, URL: readsURL + "/" + annaRead.Id, Headers: channelHeaders(o.annaT),
			Body:            channelBody(t, map[string]any{"last_read": ""}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"last_read":"` + stored.String() + `"`},
		},
		{
			Name:   "bo changes anna's last_read",
			Method: http.MethodPatch, URL: readsURL + "/" + annaRead.Id, Headers: channelHeaders(o.boT),
			Body:            channelBody(t, map[string]any{"last_read": time.Now().UTC().Format(types.DefaultDateLayout)}),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "anna leaves the organisation channel",
			Method: http.MethodDelete, URL: readsURL + "/" + annaRead.Id, Headers: channelHeaders(o.annaT),
			ExpectedStatus: 204,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if !lastRead(t, app, scholing.Id, o.anna).IsZero() {
					t.Error("anna is still in it")
				}
			},
		},
		{
			Name:   "dirk deletes his read state of the group",
			Method: http.MethodDelete, URL: readsURL + "/" + readId(t, o.app, wondzorg.Id, o.dirk), Headers: channelHeaders(o.dirkT),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
	})
}

func readId(t testing.TB, app core.App, channelId, userId string) string {
	t.Helper()
	read, err := app.FindFirstRecordByFilter(chat.ReadsCollection, "channel = {:c} && user = {:u}", dbx.Params{"c": channelId, "u": userId})
	if err != nil {
		t.Fatal(err)
	}
	return read.Id
}

// TestReadsClampedOnEveryPath checks that Go code cannot move a read state
// back or into the future either.
func TestReadsClampedOnEveryPath(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	schalkwijk := teamChannel(t, o.app, o.schalkwijk) // dirk has not read it
	read := saveRecord(t, o.app, chat.ReadsCollection, map[string]any{
		"channel": schalkwijk.Id, "user": o.dirk, "last_read": time.Now().Add(time.Hour),
	})
	if read.GetDateTime("last_read").Time().After(time.Now()) {
		t.Errorf("a new read state in the future: %v", read.GetDateTime("last_read"))
	}
	first := read.GetDateTime("last_read")
	read.Set("last_read", time.Now().Add(-time.Hour))
	if err := o.app.Save(read); err != nil {
		t.Fatal(err)
	}
	if read.GetDateTime("last_read").String() != first.String() {
		t.Errorf("moved back: %v, was %v", read.GetDateTime("last_read"), first)
	}
}

func TestMarkRead(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	haarlem := teamChannel(t, o.app, o.haarlem)
	scholing := demoChannel(t, o, chat.KindOrganisation, "Scholing & intervisie")
	wondzorg := demoChannel(t, o, chat.KindGroup, "Wondzorg regio")
	early := saveMessage(t, o.app, haarlem.Id, o.anna, "Eerste")
	late := saveMessage(t, o.app, haarlem.Id, o.dirk, "Tweede")
	inGroup := saveMessage(t, o.app, wondzorg.Id, o.dirk, "In de groep")
	readURL := func(c *core.Record) string { return "/api/buurtplein/chat/channels/" + c.Id + "/read" }
	wantLastRead := func(channel *core.Record, user string, want types.DateTime) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if got := lastRead(t, app, channel.Id, user); got.String() != want.String() {
				t.Errorf("last_read %v, want %v", got, want)
			}
		}
	}
	// the new messages exist in each scenario's app too
	withMessages := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		for _, m := range []*core.Record{early, late, inGroup} {
			copy := m.Fresh()
			copy.MarkAsNew()
			if err := app.SaveNoValidate(copy); err != nil {
				t.Fatal(err)
			}
		}
	}

	runChannelScenarios(t, []tests.ApiScenario{
		{
			Name:   "bram reads Haarlem-Noord up to the first new message",
			Method: http.MethodPost, URL: readURL(haarlem), Headers: channelHeaders(o.bramT),
			Body:            channelBody(t, map[string]any{"message": early.Id}),
			BeforeTestFunc:  withMessages,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"last_read":"` + early.GetDateTime("created").String() + `"`},
			AfterTestFunc:   wantLastRead(haarlem, o.bram, early.GetDateTime("created")),
		},
		{
			Name:   "anna, who read further, reads up to the first: never backwards",
			Method: http.MethodPost, URL: readURL(haarlem), Headers: channelHeaders(o.annaT),
			Body: channelBody(t, map[string]any{"message": early.Id}),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				withMessages(t, app, e)
				read, err := app.FindRecordById(chat.ReadsCollection, readId(t, app, haarlem.Id, o.anna))
				if err != nil {
					t.Fatal(err)
				}
				read.Set("last_read", late.GetDateTime("created"))
				if err := app.Save(read); err != nil {
					t.Fatal(err)
				}
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"last_read":"` + late.GetDateTime("created").String() + `"`},
			AfterTestFunc:   wantLastRead(haarlem, o.anna, late.GetDateTime("created")),
		},
		{
			Name:   "dirk reads all of Haarlem-Noord",
			Method: http.MethodPost, URL: readURL(haarlem), Headers: channelHeaders(o.dirkT),
			Body:            channelBody(t, map[string]any{}),
			BeforeTestFunc:  withMessages,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"user":"` + o.dirk + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if got := lastRead(t, app, haarlem.Id, o.dirk); !got.After(late.GetDateTime("created")) {
					t.Errorf("last_read %v: want now", got)
				}
			},
		},
		nothingStored(tests.ApiScenario{
			Name:   "carla reads Haarlem-Noord",
			Method: http.MethodPost, URL: readURL(haarlem), Headers: channelHeaders(o.carlaT),
			Body:            channelBody(t, map[string]any{"message": early.Id}),
			BeforeTestFunc:  withMessages,
			ExpectedStatus:  404,
			ExpectedContent: []string{`"code":"chat_channel_not_found"`},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "bram reads the organisation channel he did not join",
			Method: http.MethodPost, URL: readURL(scholing), Headers: channelHeaders(o.bramT),
			Body:            channelBody(t, map[string]any{}),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"code":"chat_channel_not_found"`},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "carla reads the group up to a message of Haarlem-Noord",
			Method: http.MethodPost, URL: readURL(wondzorg), Headers: channelHeaders(o.carlaT),
			Body:            channelBody(t, map[string]any{"message": early.Id}),
			BeforeTestFunc:  withMessages,
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_read_invalid"`},
		}),
		{
			Name:   "a superuser",
			Method: http.MethodPost, URL: readURL(haarlem), Headers: channelHeaders(o.superT),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
		},
		{
			Name:   "anonymous",
			Method: http.MethodPost, URL: readURL(haarlem),
			ExpectedStatus:  401,
			ExpectedContent: []string{`"status":401`},
		},
	})
}
