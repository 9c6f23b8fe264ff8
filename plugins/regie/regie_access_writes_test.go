package regie_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/audit"
	"buurtplein/plugins/regie"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// newReferral returns the body of a referral of client with id.
func newReferral(f *accessFixture, id, urgency string) string {
	return fmt.Sprintf(`{"id":%q,"client":%q,"source":"gp","reason":"Vergeetachtig","urgency":%q,"received":"2026-12-01 08:00:00.000Z"}`,
		id, f.client1.Id, urgency)
}

// copyTeam sets a new referral's team to its client's, as the workflow's
// hooks do once there: these tests are about the log, not the workflow.
func copyTeam(_ testing.TB, f *accessFixture) {
	f.app.OnRecordCreateRequest(regie.ReferralsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.Record.GetString("team") == "" {
			if client, err := e.App.FindRecordById(regie.ClientsCollection, e.Record.GetString("client")); err == nil {
				e.Record.Set("team", client.GetString("team"))
			}
		}
		return e.Next()
	})
}

// afterReferral returns a setup that runs then in a new referral's
// transaction, after its row is written.
func afterReferral(then func(e *core.RecordEvent) error) func(t testing.TB, f *accessFixture) {
	return func(t testing.TB, f *accessFixture) {
		copyTeam(t, f)
		f.app.OnRecordCreateExecute(regie.ReferralsCollection).BindFunc(func(e *core.RecordEvent) error {
			if err := e.Next(); err != nil {
				return err
			}
			return then(e)
		})
	}
}

// batchOf returns the body of a batch that creates referrals (bodies).
func batchOf(bodies ...string) string {
	requests := make([]string, len(bodies))
	for i, b := range bodies {
		requests[i] = `{"method":"POST","url":"/api/collections/referrals/records","body":` + b + `}`
	}
	return `{"requests":[` + strings.Join(requests, ",") + `]}`
}

// TestAccessLogWrites: every create, update and delete of client data
// through the API (one by one, in a batch, by a superuser) writes one
// entry in the write's transaction; a write that fails writes none, only
// the refused attempt; what the server writes in the request's
// transaction is the request's actor's.
func TestAccessLogWrites(t *testing.T) {
	t.Parallel()
	client1 := func(f *accessFixture, action, who, role string, records ...string) want {
		return want{action: action, user: f.user[who], role: role, team: f.hn, client: f.client1.Id, code: "HN-9001", records: records}
	}
	const newId, otherId = "newreferral0001", "newreferral0002"
	referrals := func(*accessFixture) string { return "/api/collections/referrals/records" }
	referral := func(f *accessFixture) string { return "/api/collections/referrals/records/" + f.referrals[0].Id }
	created := func(who, role string) func(t testing.TB, f *accessFixture, _ *http.Response) {
		return func(t testing.TB, f *accessFixture, _ *http.Response) {
			checkEntries(t, f.newEntries(t), client1(f, audit.ActionCreate, who, role, "referrals/"+newId))
		}
	}
	refused := func(status string, records ...string) func(t testing.TB, f *accessFixture, _ *http.Response) {
		return func(t testing.TB, f *accessFixture, _ *http.Response) {
			if _, err := f.app.FindRecordById(regie.ReferralsCollection, newId); err == nil {
				t.Error("the refused referral is stored")
			}
			var wants []want
			for _, r := range records {
				w := client1(f, audit.ActionRefused, "bram", "member", r)
				w.details = status
				wants = append(wants, w)
			}
			checkEntries(t, f.newEntries(t), wants...)
		}
	}

	scenarios := []accessScenario{
		{
			name: "bram creates a referral", method: http.MethodPost, who: "bram", url: referrals,
			body:  func(f *accessFixture) string { return newReferral(f, newId, "red") },
			setup: copyTeam, status: 200, content: []string{newId},
			check: created("bram", "member"),
		},
		{
			name: "it, a superuser, creates one", method: http.MethodPost, who: "it", url: referrals,
			body:  func(f *accessFixture) string { return newReferral(f, newId, "red") },
			setup: copyTeam, status: 200, content: []string{newId},
			check: created("it", audit.RoleSuperuser),
		},
		{
			name: "bram updates one", method: http.MethodPatch, who: "bram", url: referral,
			body:   func(*accessFixture) string { return `{"reason":"Valt vaak, ook 's nachts"}` },
			status: 200, content: []string{"nachts"},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t), client1(f, audit.ActionUpdate, "bram", "member", "referrals/"+f.referrals[0].Id))
			},
		},
		{
			name: "anna, coordinator, deletes one", method: http.MethodDelete, who: "anna", url: referral,
			status: 204,
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t), client1(f, audit.ActionDelete, "anna", "coordinator", "referrals/"+f.referrals[0].Id))
			},
		},
		{
			name: "bram creates two in a batch", method: http.MethodPost, who: "bram",
			url: func(*accessFixture) string { return "/api/batch" },
			body: func(f *accessFixture) string {
				return batchOf(newReferral(f, newId, "red"), newReferral(f, otherId, "green"))
			},
			setup: copyTeam, status: 200, content: []string{newId, otherId},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t),
					client1(f, audit.ActionCreate, "bram", "member", "referrals/"+newId),
					client1(f, audit.ActionCreate, "bram", "member", "referrals/"+otherId))
			},
		},
		{
			name: "bram's batch whose second referral is invalid: nothing but the refusal", method: http.MethodPost, who: "bram",
			url: func(*accessFixture) string { return "/api/batch" },
			body: func(f *accessFixture) string {
				return batchOf(newReferral(f, newId, "red"), newReferral(f, otherId, "purple"))
			},
			setup: copyTeam, status: 400, content: []string{`"status":400`},
			check: refused("400", "referrals", "referrals"),
		},
		{
			name: "bram creates an invalid referral: nothing but the refusal", method: http.MethodPost, who: "bram", url: referrals,
			body:  func(f *accessFixture) string { return newReferral(f, newId, "purple") },
			setup: copyTeam, status: 400, content: []string{"urgency"},
			check: refused("400", "referrals"),
		},
		{
			name: "a hook refuses bram's referral after its row is written: nothing but the refusal", method: http.MethodPost, who: "bram", url: referrals,
			body:   func(f *accessFixture) string { return newReferral(f, newId, "red") },
			setup:  afterReferral(func(*core.RecordEvent) error { return errors.New("refused after the write") }),
			status: 400, content: []string{`"status":400`},
			check: refused("400", "referrals"),
		},
		{
			name: "what the server writes with bram's referral is bram's", method: http.MethodPost, who: "bram", url: referrals,
			body: func(f *accessFixture) string { return newReferral(f, newId, "red") },
			setup: afterReferral(func(e *core.RecordEvent) error {
				client, err := e.App.FindRecordById(regie.ClientsCollection, e.Record.GetString("client"))
				if err != nil {
					return err
				}
				client.Set("contact_notes", "Melding ontvangen")
				return e.App.Save(client)
			}),
			status: 200, content: []string{newId},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				rows := f.newEntries(t)
				if len(rows) != 2 {
					t.Fatalf("%d entries, want 2: %+v", len(rows), rows)
				}
				checkEntries(t, rows[:1], client1(f, audit.ActionUpdate, "bram", "member", "clients/"+f.client1.Id))
				checkEntries(t, rows[1:], client1(f, audit.ActionCreate, "bram", "member", "referrals/"+newId))
			},
		},
		{
			name: "bram creates a referral with its client expanded: the client is read", method: http.MethodPost, who: "bram",
			url:  func(*accessFixture) string { return "/api/collections/referrals/records?expand=client" },
			body: func(f *accessFixture) string { return newReferral(f, newId, "red") }, setup: copyTeam,
			status: 200, content: []string{newId, `"initials":"A.B."`},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				rows := f.newEntries(t)
				if len(rows) != 2 {
					t.Fatalf("%d entries, want 2: %+v", len(rows), rows)
				}
				checkEntries(t, rows[:1], client1(f, audit.ActionCreate, "bram", "member", "referrals/"+newId))
				checkEntries(t, rows[1:], client1(f, audit.ActionRead, "bram", "member", "clients/"+f.client1.Id))
			},
		},
		{
			name: "bram moves a case on: the move and the client's new step are his", method: http.MethodPost, who: "bram",
			url: func(*accessFixture) string { return "/api/collections/case_steps/records" },
			body: func(f *accessFixture) string {
				return `{"client":"` + f.client1.Id + `","kind":"forward","to":"gesprek"}`
			},
			status: 200, content: []string{`"kind":"forward"`},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				move, err := f.app.FindFirstRecordByFilter(regie.StepsCollection, "client = {:c} && kind = 'forward'", dbx.Params{"c": f.client1.Id})
				if err != nil {
					t.Fatal(err)
				}
				checkEntries(t, f.newEntries(t),
					client1(f, audit.ActionCreate, "bram", "member", "case_steps/"+move.Id),
					client1(f, audit.ActionUpdate, "bram", "member", "clients/"+f.client1.Id))
			},
		},
	}
	for _, s := range scenarios {
		s.run(t)
	}
}

// TestAccessLogSystemWrites: a write of client data from Go outside any
// request (the demo, a cron job) is logged as the system's, in its
// transaction.
func TestAccessLogSystemWrites(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	f := newAccessFixture(t, app)
	f.mark(t)

	client, err := app.FindRecordById(regie.ClientsCollection, f.client1.Id)
	if err != nil {
		t.Fatal(err)
	}
	client.Set("contact_notes", "Bellen na tienen")
	if err := app.Save(client); err != nil {
		t.Fatal(err)
	}
	system := func(action string, client *core.Record, record string) want {
		return want{action: action, user: audit.RoleSystem, role: audit.RoleSystem, team: f.hn,
			client: client.Id, code: client.GetString("code"), records: []string{record}}
	}
	checkEntries(t, f.newEntries(t), system(audit.ActionUpdate, f.client1, "clients/"+f.client1.Id))

	// a deleted client takes its referral (and its case's history) along,
	// in one transaction, each with its entry
	wants := []want{system(audit.ActionDelete, f.client2, "clients/"+f.client2.Id)}
	for _, collection := range regie.ClientData {
		if collection == regie.ClientsCollection {
			continue
		}
		parts, err := app.FindAllRecords(collection, dbx.HashExp{"client": f.client2.Id})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range parts {
			wants = append(wants, system(audit.ActionDelete, f.client2, collection+"/"+p.Id))
		}
	}
	if len(wants) < 2 {
		t.Fatalf("client2 has no referral: %v", wants)
	}
	f.mark(t)
	if err := app.Delete(f.client2); err != nil {
		t.Fatal(err)
	}
	checkEntries(t, f.newEntries(t), wants...)
}
