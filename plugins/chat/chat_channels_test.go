package chat_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/chat"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

const channelsURL = "/api/collections/channels/records"

// channelHeaders returns the headers of a request signed in with token.
func channelHeaders(token string) map[string]string {
	return map[string]string{"Authorization": token, "Content-Type": "application/json"}
}

// channelBody encodes v as a JSON request body.
func channelBody(t testing.TB, v any) *strings.Reader {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReader(string(b))
}

// runChannelScenarios runs the scenarios, each on a fresh copy of the
// demo organisation.
func runChannelScenarios(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

// chatCounts returns how many channels, read states and messages app
// holds.
func chatCounts(t testing.TB, app core.App) [3]int64 {
	t.Helper()
	var counts [3]int64
	for i, c := range chat.Collections {
		n, err := app.CountRecords(c)
		if err != nil {
			t.Fatal(err)
		}
		counts[i] = n
	}
	return counts
}

// nothingStored makes s also check that the chat's collections hold as
// many records after it as before.
func nothingStored(s tests.ApiScenario) tests.ApiScenario {
	var counts [3]int64
	before, after := s.BeforeTestFunc, s.AfterTestFunc
	s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		if before != nil {
			before(t, app, e)
		}
		counts = chatCounts(t, app)
	}
	s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		if got := chatCounts(t, app); got != counts {
			t.Errorf("channels, read states, messages: %v before, %v after", counts, got)
		}
		if after != nil {
			after(t, app, res)
		}
	}
	return s
}

// disable blocks the account of userId.
func disable(t testing.TB, app core.App, userId string) {
	t.Helper()
	user, err := app.FindRecordById("users", userId)
	if err != nil {
		t.Fatal(err)
	}
	user.Set("disabled", true)
	if err := app.SaveNoValidate(user); err != nil {
		t.Fatal(err)
	}
}

// demoChannel returns the demo channel of kind named name ("" for the
// direct chat of anna and bram).
func demoChannel(t testing.TB, o org, kind, name string) *core.Record {
	t.Helper()
	filter, params := "kind = {:kind} && name = {:name}", dbx.Params{"kind": kind, "name": name}
	if kind == chat.KindDirect {
		filter, params["key"] = "kind = {:kind} && direct_key = {:key}", chat.DirectKey(o.anna, o.bram)
	}
	channel, err := o.app.FindFirstRecordByFilter(chat.ChannelsCollection, filter, params)
	if err != nil {
		t.Fatalf("demo channel %s %q: %v", kind, name, err)
	}
	return channel
}

func TestChannelCreate(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	annaBram := demoChannel(t, o, chat.KindDirect, "")

	direct := func(token string, members ...string) *strings.Reader {
		return channelBody(t, map[string]any{"kind": "direct", "members": members, "created_by": creatorOf(o, token)})
	}
	group := func(token string, members ...string) *strings.Reader {
		return channelBody(t, map[string]any{"kind": "group", "name": "Overleg", "members": members, "created_by": creatorOf(o, token)})
	}
	organisation := func(token, name string) *strings.Reader {
		return channelBody(t, map[string]any{"kind": "organisation", "name": name, "description": "Voor iedereen", "created_by": creatorOf(o, token)})
	}
	stored := func(filter string, params dbx.Params, want int) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			records, err := app.FindRecordsByFilter(chat.ChannelsCollection, filter, "", 0, 0, params)
			if err != nil || len(records) != want {
				t.Errorf("%d channels with %s (%v), want %d", len(records), filter, err, want)
			}
		}
	}

	runChannelScenarios(t, []tests.ApiScenario{
		{
			Name:   "anna starts a direct chat with carla",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.annaT),
			Body:               direct(o.annaT, o.anna, o.carla),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"kind":"direct"`, o.carla},
			NotExpectedContent: []string{"direct_key", annaBram.Id},
			ExpectedEvents:     map[string]int{"OnRecordCreateRequest": 1, "OnRecordCreate": 1},
			AfterTestFunc:      stored("direct_key = {:key}", dbx.Params{"key": chat.DirectKey(o.anna, o.carla)}, 1),
		},
		nothingStored(tests.ApiScenario{
			Name:   "bram starts a direct chat with anna, who has one with him: the one there is",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.bramT),
			Body:            direct(o.bramT, o.bram, o.anna),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id":"` + annaBram.Id + `"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "a direct chat with oneself",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.annaT),
			Body:            direct(o.annaT, o.anna, o.anna),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_direct_self"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "a direct chat of three",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.annaT),
			Body:            direct(o.annaT, o.anna, o.bram, o.carla),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_direct_members"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "a direct chat between two others",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.annaT),
			Body:            direct(o.annaT, o.bram, o.carla),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_direct_members"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "a direct chat with a blocked colleague",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.annaT),
			Body:            direct(o.annaT, o.anna, o.carla),
			BeforeTestFunc:  func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) { disable(t, app, o.carla) },
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_member_blocked"`, "Carla Bakker"},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "a direct chat made by someone else",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.annaT),
			Body:            channelBody(t, map[string]any{"kind": "direct", "members": []string{o.anna, o.carla}, "created_by": o.carla}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "a team channel through the API",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.annaT),
			Body:            channelBody(t, map[string]any{"kind": "team", "team": o.haarlem, "created_by": o.anna}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "a team channel without a team through the API",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.annaT),
			Body:               channelBody(t, map[string]any{"kind": "team", "created_by": o.anna}),
			ExpectedStatus:     400,
			NotExpectedContent: []string{`"kind":"team"`},
		}),
		{
			Name:   "dirk starts a group chat across three teams",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.dirkT),
			Body:            group(o.dirkT, o.dirk, o.carla, o.eva),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"kind":"group"`, `"name":"Overleg"`},
			AfterTestFunc:   stored("kind = 'group' && name = 'Overleg'", nil, 1),
		},
		nothingStored(tests.ApiScenario{
			Name:   "a group chat of two",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.dirkT),
			Body:            group(o.dirkT, o.dirk, o.carla),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_group_members"`},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "a group chat without oneself",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.dirkT),
			Body:            group(o.dirkT, o.anna, o.carla, o.eva),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_group_members"`},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "a group chat with a blocked colleague",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.dirkT),
			Body:            group(o.dirkT, o.dirk, o.carla, o.eva),
			BeforeTestFunc:  func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) { disable(t, app, o.eva) },
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_member_blocked"`, "Eva Smit"},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "a group chat of 51",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.dirkT),
			Body:            group(o.dirkT, append([]string{o.dirk}, fakeIds(50)...)...),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_group_members"`},
		}),
		{
			Name:   "bo of BOB starts an organisation channel and is in it",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.boT),
			Body:            organisation(o.boT, "Fietsplan"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"kind":"organisation"`, `"name":"Fietsplan"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantJoined(t, app, "Fietsplan", o.bo)
			},
		},
		{
			Name:   "eva, a coordinator, starts an organisation channel and is in it",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.evaT),
			Body:            organisation(o.evaT, "Fietsplan"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id":`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantJoined(t, app, "Fietsplan", o.eva)
			},
		},
		nothingStored(tests.ApiScenario{
			Name:   "bram, a member, starts an organisation channel",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.bramT),
			Body:            organisation(o.bramT, "Fietsplan"),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"code":"chat_organisation_forbidden"`},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "an organisation channel without a name",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.boT),
			Body:            organisation(o.boT, "  "),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"name":{"code":"validation_required"`},
		}),
		nothingStored(tests.ApiScenario{
			Name:   "an organisation channel with members listed",
			Method: http.MethodPost, URL: channelsURL, Headers: channelHeaders(o.boT),
			Body:            channelBody(t, map[string]any{"kind": "organisation", "name": "X", "members": []string{o.bo, o.anna}, "created_by": o.bo}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_channel_members"`},
		}),
		{
			Name:   "anonymous",
			Method: http.MethodPost, URL: channelsURL,
			Body:            direct(o.annaT, o.anna, o.carla),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		},
	})
}

// creatorOf returns the user id of the demo account of token.
func creatorOf(o org, token string) string {
	for tok, id := range map[string]string{o.annaT: o.anna, o.bramT: o.bram, o.carlaT: o.carla, o.dirkT: o.dirk, o.evaT: o.eva, o.boT: o.bo} {
		if tok == token {
			return id
		}
	}
	return ""
}

// fakeIds returns n ids of no one.
func fakeIds(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strings.Repeat("x", 13) + string(rune('a'+i/26)) + string(rune('a'+i%26))
	}
	return ids
}

// wantJoined checks that userId is a member of the organisation channel
// named name.
func wantJoined(t testing.TB, app core.App, name, userId string) {
	t.Helper()
	channel, err := app.FindFirstRecordByFilter(chat.ChannelsCollection, "kind = 'organisation' && name = {:name}", dbx.Params{"name": name})
	if err != nil {
		t.Fatal(err)
	}
	members, err := chat.Members(app, channel)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(members, []string{userId}) {
		t.Errorf("members of %q: %v, want %v", name, members, []string{userId})
	}
}

// TestChannelCreateInBatch checks the create hooks in a batch: an
// existing pair answers its channel there too, the same pair twice in one
// batch makes one channel, and a refusal stores nothing of the batch.
func TestChannelCreateInBatch(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	annaBram := demoChannel(t, o, chat.KindDirect, "")
	create := func(members ...string) map[string]any {
		return map[string]any{"method": "POST", "url": channelsURL,
			"body": map[string]any{"kind": "direct", "members": members, "created_by": o.anna}}
	}

	runChannelScenarios(t, []tests.ApiScenario{
		{
			Name:   "anna with bram, then twice with carla",
			Method: http.MethodPost, URL: "/api/batch", Headers: channelHeaders(o.annaT),
			Body: channelBody(t, map[string]any{"requests": []any{
				create(o.anna, o.bram), create(o.anna, o.carla), create(o.carla, o.anna),
			}}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id":"` + annaBram.Id + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				var results []struct {
					Status int
					Body   struct{ Id string }
				}
				if err := json.NewDecoder(res.Body).Decode(&results); err != nil {
					t.Fatal(err)
				}
				if len(results) != 3 || results[0].Body.Id != annaBram.Id || results[1].Body.Id == "" || results[1].Body.Id != results[2].Body.Id {
					t.Errorf("results %+v: want anna and bram's channel, then one new channel twice", results)
				}
				for _, r := range results {
					if r.Status != 200 {
						t.Errorf("status %d, want 200", r.Status)
					}
				}
			},
		},
		nothingStored(tests.ApiScenario{
			Name:   "a new chat, then one with oneself: nothing stored",
			Method: http.MethodPost, URL: "/api/batch", Headers: channelHeaders(o.annaT),
			Body: channelBody(t, map[string]any{"requests": []any{
				create(o.anna, o.carla), create(o.anna),
			}}),
			ExpectedStatus:  400,
			ExpectedContent: []string{"chat_direct_self"},
		}),
	})
}

func TestChannelUpdate(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	wondzorg := demoChannel(t, o, chat.KindGroup, "Wondzorg regio") // dirk (creator), carla, eva
	scholing := demoChannel(t, o, chat.KindOrganisation, "Scholing & intervisie")
	annaBram := demoChannel(t, o, chat.KindDirect, "")
	haarlem := teamChannel(t, o.app, o.haarlem)
	url := func(c *core.Record) string { return channelsURL + "/" + c.Id }
	members := func(want ...string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			c, err := app.FindRecordById(chat.ChannelsCollection, wondzorg.Id)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.GetStringSlice("members"); !slices.Equal(got, want) {
				t.Errorf("members %v, want %v", got, want)
			}
		}
	}
	unchanged := members(o.dirk, o.carla, o.eva)

	runChannelScenarios(t, []tests.ApiScenario{
		{
			Name:   "carla renames the group and adds bram",
			Method: http.MethodPatch, URL: url(wondzorg), Headers: channelHeaders(o.carlaT),
			Body:            channelBody(t, map[string]any{"name": "Wondzorg", "members+": o.bram}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"name":"Wondzorg"`},
			AfterTestFunc:   members(o.dirk, o.carla, o.eva, o.bram),
		},
		{
			Name:   "carla leaves the group",
			Method: http.MethodPatch, URL: url(wondzorg), Headers: channelHeaders(o.carlaT),
			Body:            channelBody(t, map[string]any{"members-": o.carla}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id":`},
			AfterTestFunc:   members(o.dirk, o.eva),
		},
		{
			Name:   "dirk, who started it, removes eva",
			Method: http.MethodPatch, URL: url(wondzorg), Headers: channelHeaders(o.dirkT),
			Body:            channelBody(t, map[string]any{"members-": o.eva}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id":`},
			AfterTestFunc:   members(o.dirk, o.carla),
		},
		{
			Name:   "carla removes eva",
			Method: http.MethodPatch, URL: url(wondzorg), Headers: channelHeaders(o.carlaT),
			Body:            channelBody(t, map[string]any{"members-": o.eva}),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"code":"chat_group_remove_forbidden"`},
			AfterTestFunc:   unchanged,
		},
		{
			Name:   "carla adds a blocked colleague",
			Method: http.MethodPatch, URL: url(wondzorg), Headers: channelHeaders(o.carlaT),
			Body:            channelBody(t, map[string]any{"members+": o.bram}),
			BeforeTestFunc:  func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) { disable(t, app, o.bram) },
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_member_blocked"`},
			AfterTestFunc:   unchanged,
		},
		{
			Name:   "dirk leaves it with one member",
			Method: http.MethodPatch, URL: url(wondzorg), Headers: channelHeaders(o.dirkT),
			Body:            channelBody(t, map[string]any{"members-": []string{o.dirk, o.eva}}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_group_too_small"`},
			AfterTestFunc:   unchanged,
		},
		{
			Name:   "anna, not in it, renames the group",
			Method: http.MethodPatch, URL: url(wondzorg), Headers: channelHeaders(o.annaT),
			Body:            channelBody(t, map[string]any{"name": "Van mij"}),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   unchanged,
		},
		{
			Name:   "carla turns the group into an organisation channel",
			Method: http.MethodPatch, URL: url(wondzorg), Headers: channelHeaders(o.carlaT),
			Body:            channelBody(t, map[string]any{"kind": "organisation"}),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "bo, who started it, renames the organisation channel",
			Method: http.MethodPatch, URL: url(scholing), Headers: channelHeaders(o.boT),
			Body:            channelBody(t, map[string]any{"name": "Scholing", "description": "Alles over scholing"}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"name":"Scholing"`},
		},
		{
			Name:   "eva, a member, renames the organisation channel",
			Method: http.MethodPatch, URL: url(scholing), Headers: channelHeaders(o.evaT),
			Body:            channelBody(t, map[string]any{"name": "Van Eva"}),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "bo empties the organisation channel's name",
			Method: http.MethodPatch, URL: url(scholing), Headers: channelHeaders(o.boT),
			Body:            channelBody(t, map[string]any{"name": ""}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"validation_required"`},
		},
		{
			Name:   "anna renames her direct chat",
			Method: http.MethodPatch, URL: url(annaBram), Headers: channelHeaders(o.annaT),
			Body:            channelBody(t, map[string]any{"name": "Bram"}),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "anna, coordinator, renames her team's channel",
			Method: http.MethodPatch, URL: url(haarlem), Headers: channelHeaders(o.annaT),
			Body:            channelBody(t, map[string]any{"name": "Van Anna"}),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "anna deletes her team's channel",
			Method: http.MethodDelete, URL: url(haarlem), Headers: channelHeaders(o.annaT),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
		},
	})
}

// TestChannelShapeEveryPath checks the shape of channels on a Go save,
// past every request hook.
func TestChannelShapeEveryPath(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	collection, err := o.app.FindCollectionByNameOrId(chat.ChannelsCollection)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		fields map[string]any
		code   string
	}{
		"a direct chat of one":               {map[string]any{"kind": "direct", "members": []string{o.anna}}, "chat_direct_members"},
		"a group of one":                     {map[string]any{"kind": "group", "members": []string{o.anna}}, "chat_group_too_small"},
		"an organisation channel, no name":   {map[string]any{"kind": "organisation"}, "validation_required"},
		"a group with a team":                {map[string]any{"kind": "group", "team": o.haarlem, "members": []string{o.anna, o.bram}}, "chat_channel_team"},
		"a team channel with listed members": {map[string]any{"kind": "team", "team": o.heemstede, "members": []string{o.eva}}, "chat_channel_members"},
	} {
		record := core.NewRecord(collection)
		for k, v := range c.fields {
			record.Set(k, v)
		}
		if err := o.app.Save(record); err == nil || !strings.Contains(errString(err), c.code) {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}

	// a team channel keeps its team
	haarlem := teamChannel(t, o.app, o.haarlem)
	haarlem.Set("team", o.schalkwijk)
	if err := o.app.Save(haarlem); err == nil || !strings.Contains(errString(err), "chat_channel_fixed") {
		t.Errorf("moving a team channel: %v", err)
	}

	// the direct key follows the members, whatever the client sent
	record := core.NewRecord(collection)
	record.Set("kind", "direct")
	record.Set("members", []string{o.eva, o.carla})
	record.Set("direct_key", "made up")
	if err := o.app.Save(record); err != nil {
		t.Fatal(err)
	}
	if got := record.GetString("direct_key"); got != chat.DirectKey(o.carla, o.eva) {
		t.Errorf("direct_key %q", got)
	}
}

// errString returns err's message and its code.
func errString(err error) string {
	code, _ := hooks.CodeOf(err)
	return err.Error() + " " + code
}
