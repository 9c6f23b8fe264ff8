package chat_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/chat"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// channelList reads the channel list as token.
func channelList(t testing.TB, url, token string) map[string]chat.ChannelItem {
	t.Helper()
	status, body := testapp.Do(t, http.MethodGet, url+"/api/buurtplein/chat/channels", token, nil)
	if status != http.StatusOK {
		t.Fatalf("channel list: %d %s", status, body)
	}
	var list struct{ Items []chat.ChannelItem }
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	items := map[string]chat.ChannelItem{}
	for _, item := range list.Items {
		items[item.Id] = item
	}
	if len(items) != len(list.Items) {
		t.Errorf("a channel twice in %s", body)
	}
	return items
}

// insertMessages writes n messages of author into channelId with SQL, past
// every hook, each a millisecond after the one before, the first after
// start; it returns the last one's id.
func insertMessages(t testing.TB, app core.App, channelId, author string, n int, start time.Time) string {
	t.Helper()
	var id string
	for i := range n {
		id = core.GenerateDefaultRandomId()
		created := start.Add(time.Duration(i+1) * time.Millisecond).UTC().Format(types.DefaultDateLayout)
		_, err := app.DB().Insert(chat.MessagesCollection, dbx.Params{
			"id": id, "channel": channelId, "author": author, "body": fmt.Sprintf("Bericht %d", i), "created": created, "updated": created,
		}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// TestChannelList checks which channels each person's list holds, with
// what counts.
func TestChannelList(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	server := testapp.Serve(t, o.app)
	haarlem := teamChannel(t, o.app, o.haarlem)
	schalkwijk := teamChannel(t, o.app, o.schalkwijk)
	heemstede := teamChannel(t, o.app, o.heemstede)
	bob := teamChannel(t, o.app, o.bob)
	annaBram := demoChannel(t, o, chat.KindDirect, "")
	wondzorg := demoChannel(t, o, chat.KindGroup, "Wondzorg regio")
	scholing := demoChannel(t, o, chat.KindOrganisation, "Scholing & intervisie")
	// another organisation channel nobody of the demo joined
	saveChannel(t, o.app, map[string]any{"kind": "organisation", "name": "Leeg", "created_by": o.bo})

	for name, c := range map[string]struct {
		token string
		want  []string
	}{
		"anna":  {o.annaT, []string{haarlem.Id, annaBram.Id, scholing.Id}},
		"bram":  {o.bramT, []string{haarlem.Id, annaBram.Id}},
		"carla": {o.carlaT, []string{schalkwijk.Id, wondzorg.Id, scholing.Id}},
		"dirk":  {o.dirkT, []string{haarlem.Id, schalkwijk.Id, wondzorg.Id}},
		"eva":   {o.evaT, []string{heemstede.Id, wondzorg.Id, scholing.Id}},
		"bo":    {o.boT, []string{bob.Id, scholing.Id}},
	} {
		items := channelList(t, server.URL, c.token)
		got := make([]string, 0, len(items))
		for id := range items {
			got = append(got, id)
		}
		slices.Sort(got)
		want := slices.Clone(c.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s's channels: %v, want %v", name, got, want)
		}
	}

	// the demo's read states: bram read 2 of Haarlem-Noord's 4, 2 of the
	// direct chat's 3; dirk never read Schalkwijk (2 of carla's there)
	bram := channelList(t, server.URL, o.bramT)
	if got := bram[haarlem.Id]; got.Unread != 2 || got.TeamName != "Buurtteam Haarlem-Noord" || got.MemberCount != 3 || got.Name != "" {
		t.Errorf("bram's Haarlem-Noord: %+v", got)
	}
	direct := bram[annaBram.Id]
	if direct.Unread != 1 || direct.MemberCount != 2 || len(direct.Members) != 2 || direct.LastMessage == nil {
		t.Fatalf("bram's direct chat: %+v", direct)
	}
	if direct.LastMessage.AuthorName != "Anna de Vries" || !strings.HasPrefix(direct.LastMessage.Excerpt, "Dank je! Let even op") {
		t.Errorf("last message %+v", direct.LastMessage)
	}
	for _, m := range direct.Members {
		if m.Name == "" {
			t.Errorf("a member without a name: %+v", direct.Members)
		}
	}
	// newest activity first: the direct chat (25 min ago) before Haarlem-Noord (40)
	status, body := testapp.Do(t, http.MethodGet, server.URL+"/api/buurtplein/chat/channels", o.bramT, nil)
	if status != 200 || strings.Index(string(body), annaBram.Id) > strings.Index(string(body), haarlem.Id) {
		t.Errorf("order: %s", body)
	}
	if got := channelList(t, server.URL, o.dirkT)[schalkwijk.Id]; got.Unread != 2 || got.LastRead != "" {
		t.Errorf("dirk's Schalkwijk: %+v", got)
	}
	if got := channelList(t, server.URL, o.annaT)[scholing.Id]; got.Unread != 2 || got.MemberCount != 4 || got.Description == "" {
		t.Errorf("anna's Scholing & intervisie: %+v", got)
	}

	// the cap: 150 new messages of dirk in Schalkwijk are 100 for carla;
	// none of them counts for dirk, who wrote them
	insertMessages(t, o.app, schalkwijk.Id, o.dirk, 150, time.Now())
	if got := channelList(t, server.URL, o.carlaT)[schalkwijk.Id]; got.Unread != chat.UnreadCap {
		t.Errorf("carla's unread: %d, want %d", got.Unread, chat.UnreadCap)
	}
	if got := channelList(t, server.URL, o.dirkT)[schalkwijk.Id]; got.Unread != 2 {
		t.Errorf("dirk's unread after writing 150: %d, want 2", got.Unread)
	}
}

// TestChannelListMentions checks the mention flag: an unread message that
// names the reader or everyone, not one the reader wrote or read.
func TestChannelListMentions(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	server := testapp.Serve(t, o.app)
	haarlem := teamChannel(t, o.app, o.haarlem)
	mentioned := func(token string) bool {
		t.Helper()
		return channelList(t, server.URL, token)[haarlem.Id].Mentioned
	}
	// mentions are the server's: set with SQL, as the messages' hooks would
	setMentions := func(id string, users []string, all string) {
		t.Helper()
		b, _ := json.Marshal(users)
		_, err := o.app.DB().Update(chat.MessagesCollection, dbx.Params{"mentions": string(b), "mention_all": all}, dbx.HashExp{"id": id}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}

	// the demo conversation mentions bram: everyone reads it first
	for _, token := range []string{o.annaT, o.bramT, o.dirkT} {
		if status, body := testapp.Do(t, http.MethodPost, server.URL+"/api/buurtplein/chat/channels/"+haarlem.Id+"/read", token, nil); status != 200 {
			t.Fatalf("read: %d %s", status, body)
		}
		if mentioned(token) {
			t.Fatal("a mention before any")
		}
	}
	time.Sleep(2 * time.Millisecond) // the new messages come after the reads' millisecond

	toBram := insertMessages(t, o.app, haarlem.Id, o.anna, 1, time.Now())
	setMentions(toBram, []string{o.bram}, "")
	if !mentioned(o.bramT) || mentioned(o.dirkT) || mentioned(o.annaT) {
		t.Errorf("@bram: bram %v, dirk %v, anna (who wrote it) %v", mentioned(o.bramT), mentioned(o.dirkT), mentioned(o.annaT))
	}

	toTeam := insertMessages(t, o.app, haarlem.Id, o.bram, 1, time.Now().Add(time.Second))
	setMentions(toTeam, nil, "team")
	if !mentioned(o.dirkT) || !mentioned(o.annaT) {
		t.Errorf("@team: dirk %v, anna %v", mentioned(o.dirkT), mentioned(o.annaT))
	}

	// bram reads up to the mention of him: no more
	status, body := testapp.Do(t, http.MethodPost, server.URL+"/api/buurtplein/chat/channels/"+haarlem.Id+"/read", o.bramT, map[string]any{"message": toBram})
	if status != 200 {
		t.Fatalf("read: %d %s", status, body)
	}
	if mentioned(o.bramT) {
		t.Error("bram read the mention and is still mentioned")
	}
}

// TestChannelListAccess checks the routes' callers: employees only, and a
// HEAD answers as a GET without a body.
func TestChannelListAccess(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	server := testapp.Serve(t, o.app)
	haarlem := teamChannel(t, o.app, o.haarlem)
	wondzorg := demoChannel(t, o, chat.KindGroup, "Wondzorg regio")
	scholing := demoChannel(t, o, chat.KindOrganisation, "Scholing & intervisie")

	list := server.URL + "/api/buurtplein/chat/channels"
	members := func(c *core.Record) string { return list + "/" + c.Id + "/members" }
	for _, c := range []struct {
		url, token string
		want       int
	}{
		{list, o.annaT, 200},
		{list, o.superT, 403},
		{list, "", 401},
		{members(haarlem), o.bramT, 200},
		{members(haarlem), o.carlaT, 404},
		{members(haarlem), o.superT, 403},
		{members(haarlem), "", 401},
		{members(wondzorg), o.carlaT, 200},
		{members(wondzorg), o.annaT, 404},
		{members(scholing), o.bramT, 200}, // every organisation channel, to decide whether to join
		{list + "/nothing/members", o.annaT, 404},
	} {
		get, body := testapp.Do(t, http.MethodGet, c.url, c.token, nil)
		head, headBody := testapp.Do(t, http.MethodHead, c.url, c.token, nil)
		if get != c.want || head != c.want || len(headBody) != 0 {
			t.Errorf("%s: GET %d, HEAD %d with %d bytes; want %d (%s)", strings.TrimPrefix(c.url, server.URL), get, head, len(headBody), c.want, body)
		}
	}

	// the members of each kind of channel, by name
	for c, want := range map[*core.Record][]string{
		haarlem:  {"Anna de Vries", "Bram Jansen", "Dirk Visser"},
		wondzorg: {"Carla Bakker", "Dirk Visser", "Eva Smit"},
		scholing: {"Anna de Vries", "Bo Meijer", "Carla Bakker", "Eva Smit"},
	} {
		_, body := testapp.Do(t, http.MethodGet, members(c), o.dirkT, nil)
		var got struct{ Items []chat.Member }
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range got.Items {
			names = append(names, m.Name)
			if m.Discipline == "" {
				t.Errorf("%s without a discipline", m.Name)
			}
		}
		if !slices.Equal(names, want) {
			t.Errorf("members of %s: %v, want %v", c.GetString("name"), names, want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		"**Let op:** de [sleutel](https://x.test) ligt\nbij _de buren_": "Let op: de sleutel ligt bij _de buren_",
		"# Kop\n> citaat\n- punt":    "Kop citaat punt",
		"a\u202eb\u0007c":            "abc",
		strings.Repeat("woord ", 40): strings.TrimSpace(strings.Repeat("woord ", 14)[:79]) + "…",
	} {
		if got := chat.Excerpt(body, chat.ExcerptMax); got != want {
			t.Errorf("Excerpt(%q) = %q, want %q", body, got, want)
		}
		if n := len([]rune(chat.Excerpt(body, chat.ExcerptMax))); n > chat.ExcerptMax {
			t.Errorf("%d characters", n)
		}
	}
}
