package notify_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// org holds the demo organisation's people and teams for a test.
type org struct {
	app                         core.App
	url                         string
	anna, bram, carla, dirk     string
	annaT, bramT, carlaT, dirkT string
	haarlem, schalkwijk         string
}

func newOrg(t *testing.T) *org {
	t.Helper()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	user := func(name string) string { return testapp.Id(t, app, "users", "email", name+"@buurtplein.test") }
	token := func(name string) string { return testapp.Token(t, app, name+"@buurtplein.test") }
	return &org{
		app: app, url: testapp.Serve(t, app).URL,
		anna: user("anna"), bram: user("bram"), carla: user("carla"), dirk: user("dirk"),
		annaT: token("anna"), bramT: token("bram"), carlaT: token("carla"), dirkT: token("dirk"),
		haarlem:    testapp.Id(t, app, "teams", "slug", "haarlem-noord"),
		schalkwijk: testapp.Id(t, app, "teams", "slug", "schalkwijk"),
	}
}

// do sends a request as token and fails the test unless it answers want.
func (o *org) do(t *testing.T, want int, method, path, token string, body any) map[string]any {
	t.Helper()
	status, raw := testapp.Do(t, method, o.url+path, token, body)
	if status != want {
		t.Fatalf("%s %s: %d %s, want %d", method, path, status, raw, want)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

// task makes a task in Haarlem-Noord with assignee (may be "").
func (o *org) task(t *testing.T, title, assignee string) string {
	t.Helper()
	res := o.do(t, 200, http.MethodPost, "/api/collections/tasks/records", o.annaT,
		map[string]any{"team": o.haarlem, "title": title, "assignee": assignee, "created_by": o.anna})
	return res["id"].(string)
}

// offer offers task from one user to a colleague or a team.
func (o *org) offer(t *testing.T, token string, body map[string]any) string {
	t.Helper()
	return o.do(t, 200, http.MethodPost, "/api/collections/task_transfers/records", token, body)["id"].(string)
}

// notes returns user's notifications of kind about subject.
func (o *org) notes(t *testing.T, user string, kind notify.Kind, subject string) []*core.Record {
	t.Helper()
	found, err := o.app.FindAllRecords(notify.Collection, dbx.HashExp{"user": user, "kind": string(kind), "subject": subject})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// wantOne fails unless user has exactly one notification of kind about
// subject, settled or not as settled says, reading text in Dutch.
func (o *org) wantOne(t *testing.T, user string, kind notify.Kind, subject string, settled bool, text string) {
	t.Helper()
	found := o.notes(t, user, kind, subject)
	if len(found) != 1 {
		t.Fatalf("%s has %d %s notifications about %s, want 1", user, len(found), kind, subject)
	}
	n := found[0]
	if n.GetBool("settled") != settled {
		t.Errorf("%s's %s notification: settled %v, want %v", user, kind, n.GetBool("settled"), settled)
	}
	if got := testapp.NotificationText(t, n); text != "" && got != text {
		t.Errorf("%s's %s notification reads %q, want %q", user, kind, got, text)
	}
}

// TestNotify checks that notifications about the same subject from the
// same sender never pile up, and that a notification holds a known kind
// with its own parameters, each one plain line of bounded length.
func TestNotify(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	app := o.app
	task := notify.Subject{Collection: "tasks", Id: "task1"}
	send := func(n notify.Notification) error {
		n.User = o.carla
		if n.Kind == "" {
			n.Kind = notify.KindHandoverOffered
		}
		return notify.Notify(app, n)
	}
	about := func(subject string) []*core.Record {
		t.Helper()
		found, err := app.FindAllRecords(notify.Collection, dbx.HashExp{"user": o.carla, "subject": subject})
		if err != nil {
			t.Fatal(err)
		}
		return found
	}
	title := func(n *core.Record) string {
		var p map[string]any
		_ = json.Unmarshal([]byte(n.GetString("params")), &p)
		s, _ := p["title"].(string)
		return s
	}

	// the same subject and sender: one notification, brought up to date
	for _, v := range []string{"een", "twee"} {
		if err := send(notify.Notification{Subject: task, Sender: o.bram, Params: map[string]any{"title": v}}); err != nil {
			t.Fatal(err)
		}
	}
	if got := about("task1"); len(got) != 1 || title(got[0]) != "twee" {
		t.Fatalf("after two: %d notifications, want 1 about twee", len(got))
	}
	// once read, a new one replaces it
	read := about("task1")[0]
	read.Set("read", true)
	if err := app.Save(read); err != nil {
		t.Fatal(err)
	}
	if err := send(notify.Notification{Subject: task, Sender: o.bram, Params: map[string]any{"title": "drie"}}); err != nil {
		t.Fatal(err)
	}
	if got := about("task1"); len(got) != 1 || got[0].GetBool("read") || got[0].Id == read.Id {
		t.Fatalf("after a read one: %d notifications, want 1 new and unread", len(got))
	}
	// another sender, another kind, or another collection is another one
	if err := send(notify.Notification{Subject: task, Sender: o.anna}); err != nil {
		t.Fatal(err)
	}
	if err := send(notify.Notification{Kind: notify.KindTaskAssigned, Subject: task, Sender: o.bram}); err != nil {
		t.Fatal(err)
	}
	if err := send(notify.Notification{Kind: notify.KindTeamAdded, Subject: notify.Subject{Collection: "teams", Id: "task1"}, Sender: o.bram}); err != nil {
		t.Fatal(err)
	}
	if got := about("task1"); len(got) != 4 {
		t.Fatalf("four kinds, senders or collections: %d notifications, want 4", len(got))
	}

	// the values stay one plain line of bounded length, numbers numbers
	long := "Taak \u202egnippihp\u202c\nDRINGEND\x00: " + strings.Repeat("x", 400)
	if err := send(notify.Notification{Kind: notify.KindHandoverShift, Subject: notify.Subject{Collection: "users", Id: o.bram},
		Params: map[string]any{"actor": long, "n": 2}}); err != nil {
		t.Fatal(err)
	}
	var p struct {
		Actor string
		N     int
	}
	if err := json.Unmarshal([]byte(about(o.bram)[0].GetString("params")), &p); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(p.Actor, "\u202e\u202c\n\x00") || !strings.HasPrefix(p.Actor, "Taak gnippihp DRINGEND: xxx") ||
		utf8.RuneCountInString(p.Actor) != 200 || !strings.HasSuffix(p.Actor, "…") || p.N != 2 {
		t.Errorf("params %+v: want the text one line of 200 characters ending in …, and n 2", p)
	}

	// a kind that does not exist, or a parameter its kind has not
	for name, n := range map[string]notify.Notification{
		"an unknown kind":       {Kind: "authz", Params: map[string]any{"title": "x"}},
		"an undeclared param":   {Kind: notify.KindTaskOverdue, Params: map[string]any{"title": "x", "actor": "Bram"}},
		"a sentence as a param": {Kind: notify.KindTeamAdded, Params: map[string]any{"text": "Je bent toegevoegd"}},
	} {
		if err := send(n); err == nil {
			t.Errorf("%s was written", name)
		}
	}
}

// TestSettleAndWithdraw checks the two ways back: settling keeps the
// notifications, no longer open; withdrawing deletes the unread ones and
// settles the read ones.
func TestSettleAndWithdraw(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	for _, u := range []string{o.carla, o.dirk} {
		for _, id := range []string{"a", "b"} {
			if err := notify.Notify(o.app, notify.Notification{User: u, Kind: notify.KindHandoverOffered,
				Subject: notify.Subject{Collection: "tasks", Id: id}, Sender: o.bram}); err != nil {
				t.Fatal(err)
			}
		}
	}
	carlaB := o.notes(t, o.carla, notify.KindHandoverOffered, "b")[0]
	carlaB.Set("read", true)
	if err := o.app.Save(carlaB); err != nil {
		t.Fatal(err)
	}

	if err := notify.Settle(o.app, dbx.HashExp{"subject": "a"}); err != nil {
		t.Fatal(err)
	}
	o.wantOne(t, o.carla, notify.KindHandoverOffered, "a", true, "")
	o.wantOne(t, o.dirk, notify.KindHandoverOffered, "a", true, "")

	if err := notify.Withdraw(o.app, dbx.HashExp{"subject": "b"}); err != nil {
		t.Fatal(err)
	}
	o.wantOne(t, o.carla, notify.KindHandoverOffered, "b", true, "")
	if n := len(o.notes(t, o.dirk, notify.KindHandoverOffered, "b")); n != 0 {
		t.Errorf("dirk's unread notification of a withdrawn subject stayed")
	}
}

// TestNotificationRules checks that a notification is its reader's alone,
// that the reader changes whether it is read and nothing else, and that
// only the server creates and deletes them.
func TestNotificationRules(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	if err := notify.Notify(o.app, notify.Notification{User: o.carla, Kind: notify.KindTaskOverdue,
		Subject: notify.Subject{Collection: "tasks", Id: "x"}, Params: map[string]any{"title": "Geheim"}}); err != nil {
		t.Fatal(err)
	}
	carlas := o.notes(t, o.carla, notify.KindTaskOverdue, "x")[0]
	path := "/api/collections/notifications/records/" + carlas.Id

	// bram: carla's is not there for him
	if res := o.do(t, 200, http.MethodGet, "/api/collections/notifications/records", o.bramT, nil); strings.Contains(
		asJSON(t, res), carlas.Id) {
		t.Error("bram lists carla's notification")
	}
	o.do(t, 404, http.MethodGet, path, o.bramT, nil)
	o.do(t, 404, http.MethodPatch, path, o.bramT, map[string]any{"read": true})
	o.do(t, 403, http.MethodDelete, path, o.bramT, nil)
	o.do(t, 403, http.MethodPost, "/api/collections/notifications/records", o.bramT,
		map[string]any{"user": o.carla, "kind": "task_overdue", "params": map[string]any{"title": "Nep"}})
	o.do(t, 403, http.MethodPost, "/api/collections/notifications/records", o.carlaT,
		map[string]any{"user": o.carla, "kind": "task_overdue", "params": map[string]any{"title": "Nep"}})

	// carla: anything but read is refused, read goes
	for _, change := range []map[string]any{
		{"settled": true}, {"kind": "task_assigned"}, {"params": map[string]any{"title": "Anders"}},
		{"subject": "y"}, {"subject_collection": "teams"}, {"sender": o.bram}, {"user": o.bram},
		{"read": true, "settled": true},
	} {
		o.do(t, 404, http.MethodPatch, path, o.carlaT, change)
	}
	o.do(t, 403, http.MethodDelete, path, o.carlaT, nil)
	after, err := o.app.FindRecordById(notify.Collection, carlas.Id)
	if err != nil {
		t.Fatal(err)
	}
	if asJSON(t, after) != asJSON(t, carlas) {
		t.Errorf("a refused change changed carla's notification:\n%s\n%s", asJSON(t, carlas), asJSON(t, after))
	}
	if res := o.do(t, 200, http.MethodPatch, path, o.carlaT, map[string]any{"read": true}); res["read"] != true {
		t.Errorf("carla marks hers read: %v", res)
	}
}

// TestKindTexts checks that every kind has its text in Dutch and in
// English, and that the language files hold no text of a kind that does
// not exist (a variant of a kind, such as team_added_coordinator, is its
// kind's).
func TestKindTexts(t *testing.T) {
	t.Parallel()
	for _, locale := range []string{"nl", "en"} {
		texts := testapp.NotifyTexts(t, locale)
		if texts["someone"] == "" {
			t.Errorf("%s.js: no notify.someone", locale)
		}
		for _, k := range notify.Kinds() {
			text := texts["kind."+string(k)]
			if text == "" {
				t.Errorf("%s.js: no text for notify.kind.%s", locale, k)
			}
			for _, p := range k.Params() {
				if p != "role" && !strings.Contains(text, "{"+p+"}") {
					t.Errorf("%s.js: notify.kind.%s does not use {%s}", locale, k, p)
				}
			}
		}
		for key := range texts {
			kind, ok := strings.CutPrefix(key, "kind.")
			if !ok {
				continue
			}
			if !slices.ContainsFunc(notify.Kinds(), func(k notify.Kind) bool {
				return kind == string(k) || strings.HasPrefix(kind, string(k)+"_")
			}) {
				t.Errorf("%s.js: notify.kind.%s is not a kind", locale, kind)
			}
		}
	}
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
