package chat_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/chat"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// searchMessages returns the ids of the messages the holder of token
// finds for q, and the raw answer.
func searchMessages(t *testing.T, baseURL, token, q string) ([]string, string) {
	t.Helper()
	code, body := testapp.Do(t, http.MethodGet, baseURL+"/api/buurtplein/search?kind=messages&q="+url.QueryEscape(q), token, nil)
	if code != http.StatusOK {
		t.Fatalf("searching %q: %d %s", q, code, body)
	}
	var res struct {
		Groups []struct {
			Kind  string
			Items []struct{ Id string }
		}
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, g := range res.Groups {
		if g.Kind != chat.MessagesCollection {
			t.Errorf("a %s group in a search of messages", g.Kind)
		}
		for _, it := range g.Items {
			ids = append(ids, it.Id)
		}
	}
	slices.Sort(ids)
	return ids, string(body)
}

// chatChannels makes, besides Haarlem-Noord's team channel, an
// organisation channel that anna, bram and carla joined, a direct channel
// of anna and bram and a group of anna, bram and carla.
func chatChannels(t *testing.T, o org) (team, organisation, direct, group *core.Record) {
	t.Helper()
	team = teamChannel(t, o.app, o.haarlem)
	organisation = saveChannel(t, o.app, map[string]any{"kind": chat.KindOrganisation, "name": "Wondzorg", "created_by": o.bo})
	for _, u := range []string{o.anna, o.bram, o.carla} {
		join(t, o.app, organisation.Id, u)
	}
	direct = saveChannel(t, o.app, map[string]any{"kind": chat.KindDirect, "members": []string{o.anna, o.dirk}, "created_by": o.anna})
	group = saveChannel(t, o.app, map[string]any{"kind": chat.KindGroup, "name": "Tillift", "members": []string{o.anna, o.bram, o.carla}, "created_by": o.anna})
	return team, organisation, direct, group
}

// TestMessageSearchScope: a team channel's message is found by the team's
// members alone; an organisation, direct or group message by no one,
// not even its channel's members; an edit is found by its new words and
// no longer by its old; a deleted message by no one.
func TestMessageSearchScope(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	baseURL := testapp.Serve(t, o.app).URL
	team, organisation, direct, group := chatChannels(t, o)

	inTeam := saveMessage(t, o.app, team.Id, o.bram, "De zwaluwstaart bij meneer Visser is los.")
	for _, c := range []*core.Record{organisation, direct, group} {
		saveMessage(t, o.app, c.Id, o.anna, "Ook hier een zwaluwstaart in het "+c.GetString("kind")+"kanaal.")
	}

	members := []struct{ who, token string }{{"anna", o.annaT}, {"bram", o.bramT}, {"dirk", o.dirkT}}
	others := []struct{ who, token string }{{"carla", o.carlaT}, {"eva", o.evaT}, {"bo", o.boT}}
	for _, m := range members {
		got, body := searchMessages(t, baseURL, m.token, "zwaluwstaart")
		if !slices.Equal(got, []string{inTeam.Id}) {
			t.Errorf("%s finds %v, want only the team channel's message: %s", m.who, got, body)
			continue
		}
		var res struct {
			Groups []struct{ Items []map[string]any }
		}
		json.Unmarshal([]byte(body), &res)
		item := res.Groups[0].Items[0]
		if item["slug"] != team.Id || item["team"] != o.haarlem || item["collection"] != chat.MessagesCollection {
			t.Errorf("%s's result %v, want the channel as slug and the team", m.who, item)
		}
	}
	for _, m := range others {
		if got, body := searchMessages(t, baseURL, m.token, "zwaluwstaart"); len(got) != 0 {
			t.Errorf("%s, no member of the team, finds %v: %s", m.who, got, body)
		}
	}
	// not in the index at all: no row holds an organisation, direct or
	// group message
	var rows []string
	err := o.app.DB().Select("record").From("_search_docs").Where(dbx.HashExp{"kind": chat.MessagesCollection}).Column(&rows)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(rows, inTeam.Id) {
		t.Errorf("the team message has no index row: %v", rows)
	}
	for _, r := range rows {
		m, err := o.app.FindRecordById(chat.MessagesCollection, r)
		if err != nil {
			t.Fatal(err)
		}
		channel, err := o.app.FindRecordById(chat.ChannelsCollection, m.GetString("channel"))
		if err != nil || channel.GetString("kind") != chat.KindTeam {
			t.Errorf("message %s of channel %s is indexed (%v)", r, m.GetString("channel"), err)
		}
	}

	// an edit: found by its new words, not its old
	inTeam.Set("body", "De zwaluwstaart is gemaakt, de traplift nog niet.")
	inTeam.Set("edited", time.Now())
	if err := o.app.Save(inTeam); err != nil {
		t.Fatal(err)
	}
	if got, _ := searchMessages(t, baseURL, o.annaT, "traplift"); !slices.Equal(got, []string{inTeam.Id}) {
		t.Errorf("anna finds %v by the edit's new word, want the message", got)
	}
	if got, _ := searchMessages(t, baseURL, o.annaT, "Visser"); len(got) != 0 {
		t.Errorf("anna finds %v by a word the edit took out", got)
	}

	// a deleted message: the author's delete clears it, and marks it
	other := saveMessage(t, o.app, team.Id, o.anna, "Wie heeft de sleutel van de rolstoelbus?")
	if got, _ := searchMessages(t, baseURL, o.bramT, "rolstoelbus"); !slices.Equal(got, []string{other.Id}) {
		t.Fatalf("bram finds %v, want anna's message", got)
	}
	inTeam.Set("deleted", time.Now()) // marked first, text still there
	if err := o.app.Save(inTeam); err != nil {
		t.Fatal(err)
	}
	other.Set("body", "")
	other.Set("deleted", time.Now())
	if err := o.app.Save(other); err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		for _, q := range []string{"zwaluwstaart", "traplift", "rolstoelbus"} {
			if got, _ := searchMessages(t, baseURL, m.token, q); len(got) != 0 {
				t.Errorf("%s finds %v by %q, a deleted message", m.who, got, q)
			}
		}
	}
	var n int
	err = o.app.DB().Select("count(*)").From("_search_docs").
		Where(dbx.HashExp{"kind": chat.MessagesCollection}).AndWhere(dbx.In("record", inTeam.Id, other.Id)).Row(&n)
	if err != nil || n != 0 {
		t.Errorf("%d index rows of deleted messages (%v)", n, err)
	}
}

// TestMessageSearchMigration: the migration that adds the kind indexes
// the team channels' messages written before it (as raw rows, no hooks),
// once however often it runs, and no other message.
func TestMessageSearchMigration(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	baseURL := testapp.Serve(t, o.app).URL
	team, organisation, direct, _ := chatChannels(t, o)
	var migration *core.Migration
	for _, item := range core.AppMigrations.Items() {
		if item.File == "1764400300_search_messages.go" {
			migration = item
		}
	}
	if migration == nil {
		t.Fatal("no migration 1764400300_search_messages.go")
	}

	countRows := func() (docs, texts int) {
		t.Helper()
		o.app.DB().Select("count(*)").From("_search_docs").Where(dbx.HashExp{"kind": chat.MessagesCollection}).Row(&docs)
		o.app.DB().NewQuery("SELECT count(*) FROM _search_fts WHERE rowid IN (SELECT id FROM _search_docs WHERE kind = 'messages')").Row(&texts)
		return docs, texts
	}
	demoDocs, demoTexts := countRows()                                                       // the demo conversations' messages
	indexed := saveMessage(t, o.app, team.Id, o.anna, "Een eerder geschreven kwispeldoorn.") // by the hooks
	raw := func(id, channel, body, deleted string) {
		_, err := o.app.DB().Insert(chat.MessagesCollection, dbx.Params{
			"id": id, "channel": channel, "author": o.bram, "body": body, "deleted": deleted,
			"created": "2020-01-01 10:00:00.000Z", "updated": "2020-01-01 10:00:00.000Z",
		}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
	raw("oldmessage00001", team.Id, "Oude kwispeldoorn in het teamkanaal", "")
	raw("oldmessage00002", team.Id, "Verwijderde kwispeldoorn", "2020-01-02 10:00:00.000Z")
	raw("oldmessage00003", team.Id, "", "")
	raw("oldmessage00004", organisation.Id, "Kwispeldoorn voor iedereen", "")
	raw("oldmessage00005", direct.Id, "Kwispeldoorn onder ons", "")

	for i := range 2 {
		if err := migration.Up(o.app); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
	want := []string{indexed.Id, "oldmessage00001"}
	slices.Sort(want)
	if got, body := searchMessages(t, baseURL, o.bramT, "kwispeldoorn"); !slices.Equal(got, want) {
		t.Errorf("bram finds %v, want %v: %s", got, want, body)
	}
	if got, _ := searchMessages(t, baseURL, o.carlaT, "kwispeldoorn"); len(got) != 0 {
		t.Errorf("carla finds %v", got)
	}
	if docs, texts := countRows(); docs-demoDocs != 2 || texts-demoTexts != 2 {
		t.Errorf("%d index rows and %d texts of new messages, want 2 and 2", docs-demoDocs, texts-demoTexts)
	}

	// the row the migration wrote is the one the hooks keep current
	old, err := o.app.FindRecordById(chat.MessagesCollection, "oldmessage00001")
	if err != nil {
		t.Fatal(err)
	}
	old.Set("body", "Oude rozenbottel in het teamkanaal")
	if err := o.app.Save(old); err != nil {
		t.Fatal(err)
	}
	if got, _ := searchMessages(t, baseURL, o.bramT, "rozenbottel"); !slices.Equal(got, []string{old.Id}) {
		t.Errorf("after an edit bram finds %v", got)
	}

	if err := migration.Down(o.app); err != nil {
		t.Fatal(err)
	}
	if got, _ := searchMessages(t, baseURL, o.bramT, "rozenbottel"); len(got) != 0 {
		t.Errorf("after down bram finds %v", got)
	}
}
