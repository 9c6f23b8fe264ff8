package notify_test

import (
	"net/http"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// TestNotifyMany: one notification per reader, kind, subject and sender,
// as Notify keeps them: an open one is brought up to date, a read one
// makes way, a reader without one gets one; what the reader reads is
// what Notify would have written.
func TestNotifyMany(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	subject := notify.Subject{Collection: "posts", Id: testapp.Id(t, o.app, "posts", "title", "Welkom op Buurtplein")}
	n := func(title string) notify.Notification {
		return notify.Notification{Kind: notify.KindMustreadReminder, Subject: subject, Sender: o.anna,
			Params: map[string]any{"actor": "Anna de Vries", "title": title}}
	}
	mine := func(user string) []*core.Record {
		found, err := o.app.FindAllRecords(notify.Collection, dbx.HashExp{"user": user, "kind": "mustread_reminder"})
		if err != nil {
			t.Fatal(err)
		}
		return found
	}

	if err := notify.NotifyMany(o.app, []string{o.bram, o.carla, o.bram, ""}, n("Eerste")); err != nil {
		t.Fatal(err)
	}
	read := mine(o.carla)[0]
	read.Set("read", true)
	if err := o.app.Save(read); err != nil {
		t.Fatal(err)
	}
	if err := notify.NotifyMany(o.app, []string{o.bram, o.carla, o.dirk}, n("Tweede\nregel")); err != nil {
		t.Fatal(err)
	}

	for _, user := range []string{o.bram, o.carla, o.dirk} {
		got := mine(user)
		if len(got) != 1 {
			t.Fatalf("%s has %d reminders, want 1", user, len(got))
		}
		r := got[0]
		if r.GetBool("read") || r.GetString("sender") != o.anna || r.GetString("subject") != subject.Id ||
			r.GetString("subject_collection") != "posts" || len(r.Id) != 15 || r.GetDateTime("created").IsZero() {
			t.Errorf("%s's reminder: %v", user, r.PublicExport())
		}
		if text := testapp.NotificationText(t, r); text != `Herinnering van Anna de Vries: lees en bevestig "Tweede regel"` {
			t.Errorf("%s reads %q", user, text)
		}
	}

	// the reader lists it through the API like any other
	status, body := testapp.Do(t, http.MethodGet, o.url+"/api/collections/notifications/records?filter=kind%3D%27mustread_reminder%27", o.dirkT, nil)
	if status != 200 || !strings.Contains(string(body), `"totalItems":1`) {
		t.Errorf("dirk lists his reminders: %d %s", status, body)
	}

	if err := notify.NotifyMany(o.app, []string{o.bram}, notify.Notification{Kind: "no_such_kind", Subject: subject}); err == nil {
		t.Error("a notification of an unknown kind was written")
	}
	if err := notify.NotifyMany(o.app, []string{o.bram}, notify.Notification{Kind: notify.KindMustreadNew, Subject: subject,
		Params: map[string]any{"n": 3}}); err == nil {
		t.Error("a notification with a parameter its kind has not was written")
	}
}
