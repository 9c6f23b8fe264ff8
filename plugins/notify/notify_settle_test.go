package notify_test

import (
	"fmt"
	"net/http"
	"testing"

	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
)

// TestTeamOfferSettled checks that when an offer to a team is answered,
// withdrawn or lapses, the notification of every member it went to is
// settled, none left open; a lapse also tells each of them so.
func TestTeamOfferSettled(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		close func(t *testing.T, o *org, task, offer string)
		// lapsed: the receivers are told the offer lapsed
		lapsed bool
	}{
		{"carla accepts", func(t *testing.T, o *org, task, offer string) {
			o.do(t, 200, http.MethodPatch, "/api/collections/task_transfers/records/"+offer, o.carlaT, map[string]any{"status": "accepted"})
		}, false},
		{"dirk declines", func(t *testing.T, o *org, task, offer string) {
			o.do(t, 200, http.MethodPatch, "/api/collections/task_transfers/records/"+offer, o.dirkT, map[string]any{"status": "declined"})
		}, false},
		{"bram withdraws", func(t *testing.T, o *org, task, offer string) {
			o.do(t, 200, http.MethodPatch, "/api/collections/task_transfers/records/"+offer, o.bramT, map[string]any{"status": "cancelled"})
		}, false},
		{"bram finishes the task: the offer lapses", func(t *testing.T, o *org, task, offer string) {
			o.do(t, 200, http.MethodPatch, "/api/collections/tasks/records/"+task, o.bramT, map[string]any{"status": "done"})
		}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := newOrg(t)
			task := o.task(t, "Steunkousen mevrouw B.", o.bram)
			offer := o.offer(t, o.bramT, map[string]any{"task": task, "from_user": o.bram, "to_team": o.schalkwijk})
			want := `Bram Jansen wil de taak "Steunkousen mevrouw B." aan je overdragen`
			for _, r := range []string{o.carla, o.dirk} {
				o.wantOne(t, r, notify.KindHandoverOffered, task, false, want)
			}

			c.close(t, o, task, offer)

			for _, r := range []string{o.carla, o.dirk} {
				o.wantOne(t, r, notify.KindHandoverOffered, task, true, want)
				lapses := o.notes(t, r, notify.KindHandoverLapsed, task)
				switch {
				case c.lapsed:
					o.wantOne(t, r, notify.KindHandoverLapsed, task, false,
						`Het aanbod van Bram Jansen om de taak "Steunkousen mevrouw B." over te nemen is vervallen`)
				case len(lapses) > 0:
					t.Errorf("%s is told an offer lapsed that did not", r)
				}
			}
			if n := len(o.notes(t, o.bram, notify.KindHandoverLapsed, task)); n != 0 {
				t.Errorf("bram, who made it lapse, is told it lapsed")
			}
		})
	}
}

// TestHandedOverTellsAssignee checks that whoever had a task hears that a
// coordinator gave it to someone else: through an offer that was accepted,
// or directly. Giving one's own task away, or taking it oneself, tells no
// one it was handed over.
func TestHandedOverTellsAssignee(t *testing.T) {
	t.Parallel()
	o := newOrg(t)

	// anna, the coordinator, offers bram's task to dirk, who accepts
	task := o.task(t, "Rapportage bijwerken", o.bram)
	offer := o.offer(t, o.annaT, map[string]any{"task": task, "from_user": o.anna, "to_user": o.dirk})
	if n := len(o.notes(t, o.bram, notify.KindTaskHandedOver, task)); n != 0 {
		t.Fatalf("bram is told before dirk accepted")
	}
	o.do(t, 200, http.MethodPatch, "/api/collections/task_transfers/records/"+offer, o.dirkT, map[string]any{"status": "accepted"})
	o.wantOne(t, o.bram, notify.KindTaskHandedOver, task, false,
		`Anna de Vries heeft je taak "Rapportage bijwerken" overgedragen aan Dirk Visser`)
	o.wantOne(t, o.anna, notify.KindHandoverAccepted, task, false, `Dirk Visser heeft de taak "Rapportage bijwerken" aangenomen`)

	// anna gives dirk's task straight to bram
	o.do(t, 200, http.MethodPatch, "/api/collections/tasks/records/"+task, o.annaT, map[string]any{"assignee": o.bram})
	o.wantOne(t, o.dirk, notify.KindTaskHandedOver, task, false,
		`Anna de Vries heeft je taak "Rapportage bijwerken" overgedragen aan Bram Jansen`)

	// bram offers it to dirk himself: he is told dirk accepted, no more
	offer = o.offer(t, o.bramT, map[string]any{"task": task, "from_user": o.bram, "to_user": o.dirk})
	o.do(t, 200, http.MethodPatch, "/api/collections/task_transfers/records/"+offer, o.dirkT, map[string]any{"status": "accepted"})
	if n := len(o.notes(t, o.bram, notify.KindTaskHandedOver, task)); n != 1 {
		t.Errorf("bram, who offered his own task, has %d handed-over notifications, want the one of before", n)
	}
	o.wantOne(t, o.bram, notify.KindHandoverAccepted, task, false, `Dirk Visser heeft de taak "Rapportage bijwerken" aangenomen`)
}

// TestLapseTellsReceivers checks that the receiver of offers that lapse
// because their sender leaves the team is told so, once for all of them.
func TestLapseTellsReceivers(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	for i := range 2 {
		o.task(t, fmt.Sprintf("Dienst %d", i), o.bram)
	}
	o.do(t, 200, http.MethodPost, "/api/buurtplein/tasks/handover", o.bramT, map[string]any{"to_user": o.anna})
	pending, err := o.app.CountRecords("task_transfers", dbx.HashExp{"from_user": o.bram, "to_user": o.anna, "status": "pending"})
	if err != nil || pending < 2 {
		t.Fatalf("bram's pending offers to anna: %d %v, want at least 2", pending, err)
	}
	o.wantOne(t, o.anna, notify.KindHandoverShift, o.bram, false, "")

	// bram leaves Haarlem-Noord
	membership, err := o.app.FindFirstRecordByFilter("memberships", "user = {:u} && team = {:t}", dbx.Params{"u": o.bram, "t": o.haarlem})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.app.Delete(membership); err != nil {
		t.Fatal(err)
	}

	o.wantOne(t, o.anna, notify.KindHandoverShift, o.bram, true, "")
	o.wantOne(t, o.anna, notify.KindHandoverShiftLapsed, o.bram, false,
		fmt.Sprintf("Het aanbod van Bram Jansen om %d taken over te nemen is vervallen", pending))
	lapsed, err := o.app.CountRecords(notify.Collection, dbx.HashExp{"user": o.anna, "kind": string(notify.KindHandoverLapsed)})
	if err != nil || lapsed != 0 {
		t.Errorf("anna has %d notifications of single lapsed offers (%v), want them in one", lapsed, err)
	}
}
