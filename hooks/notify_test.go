package hooks_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// TestNotifyAbout checks that notifications about the same subject from
// the same sender never pile up, that their text cannot hide what it is,
// and that withdrawing and settling leave nothing open.
func TestNotifyAbout(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	user := func(email string) string { return testapp.Id(t, app, "users", "email", email+"@buurtplein.test") }
	carla, bram, anna := user("carla"), user("bram"), user("anna")

	about := func(subject string) []*core.Record {
		t.Helper()
		found, err := app.FindAllRecords(hooks.NotificationsCollection, dbx.HashExp{"user": carla, "subject": subject})
		if err != nil {
			t.Fatal(err)
		}
		return found
	}
	notify := func(n hooks.Notification) {
		t.Helper()
		n.User = carla
		if n.Kind == "" {
			n.Kind = "handover_offered"
		}
		if err := hooks.NotifyAbout(app, n); err != nil {
			t.Fatal(err)
		}
	}

	// the same subject and sender: one notification, brought up to date
	notify(hooks.Notification{Title: "een", Subject: "task1", Sender: bram})
	notify(hooks.Notification{Title: "twee", Subject: "task1", Sender: bram})
	if got := about("task1"); len(got) != 1 || got[0].GetString("title") != "twee" {
		t.Fatalf("after two: %d notifications, want 1 titled twee", len(got))
	}
	// once read, a new one replaces it
	read := about("task1")[0]
	read.Set("read", true)
	if err := app.Save(read); err != nil {
		t.Fatal(err)
	}
	notify(hooks.Notification{Title: "drie", Subject: "task1", Sender: bram})
	if got := about("task1"); len(got) != 1 || got[0].GetBool("read") || got[0].Id == read.Id {
		t.Fatalf("after a read one: %d notifications, want 1 new and unread", len(got))
	}
	// another sender, or another kind, is another notification
	notify(hooks.Notification{Title: "vier", Subject: "task1", Sender: anna})
	notify(hooks.Notification{Kind: "task_assigned", Title: "vijf", Subject: "task1", Sender: bram})
	if got := about("task1"); len(got) != 3 {
		t.Fatalf("three kinds or senders: %d notifications, want 3", len(got))
	}
	// no subject: nothing to merge with (hooks.Notify, as before)
	for range 2 {
		if err := hooks.Notify(app, carla, "team_added", "Je bent toegevoegd", "#/teams"); err != nil {
			t.Fatal(err)
		}
	}
	if got := about(""); len(got) != 2 {
		t.Errorf("two without a subject: %d notifications, want 2", len(got))
	}

	// the text stays one plain line of bounded length
	notify(hooks.Notification{
		Title:   "Taak \u202egnippihp\u202c\nDRINGEND\x00: " + strings.Repeat("x", 400),
		Subject: "task2",
		Params:  map[string]any{"title": "a\u2066b\tc", "n": 2},
	})
	n := about("task2")[0]
	title := n.GetString("title")
	if strings.ContainsAny(title, "\u202e\u202c\n\x00") || !strings.HasPrefix(title, "Taak gnippihp DRINGEND: xxx") {
		t.Errorf("title %q keeps control or formatting characters", title)
	}
	if utf8.RuneCountInString(title) != 300 || !strings.HasSuffix(title, "…") {
		t.Errorf("title of %d characters, want 300 ending in …", utf8.RuneCountInString(title))
	}
	if params := n.GetString("params"); params != `{"n":2,"title":"ab c"}` {
		t.Errorf("params %s, want the text cleaned and the number kept", params)
	}

	// withdrawing: unread ones go, read ones are settled
	first := about("task1")
	first[0].Set("read", true)
	if err := app.Save(first[0]); err != nil {
		t.Fatal(err)
	}
	if err := hooks.WithdrawNotifications(app, dbx.HashExp{"subject": "task1"}); err != nil {
		t.Fatal(err)
	}
	if got := about("task1"); len(got) != 1 || got[0].Id != first[0].Id || !got[0].GetBool("settled") {
		t.Errorf("after the withdrawal: %d notifications, want the read one, settled", len(got))
	}

	// settling keeps them, no longer open
	if err := hooks.SettleNotifications(app, dbx.HashExp{"subject": "task2"}); err != nil {
		t.Fatal(err)
	}
	if got := about("task2"); len(got) != 1 || !got[0].GetBool("settled") || got[0].GetBool("read") {
		t.Errorf("after settling: %d notifications, want 1 settled and unread", len(got))
	}
}
