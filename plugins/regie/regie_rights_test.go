package regie_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/audit"
	"buurtplein/plugins/notify"
	"buurtplein/plugins/regie"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// exportAnswer is the JSON of an export, records by their ids.
type exportAnswer struct {
	Client        struct{ Id, Code string } `json:"client"`
	Referrals     []struct{ Id string }     `json:"referrals"`
	Conversations []struct{ Id string }     `json:"conversations"`
	Plans         []struct{ Id string }     `json:"plans"`
	CaseSteps     []struct{ Id string }     `json:"case_steps"`
	Tasks         []struct{ Id string }     `json:"tasks"`
	Files         []string                  `json:"files"`
	Exported      time.Time                 `json:"exported"`
}

func (a exportAnswer) ids() []string {
	ids := []string{a.Client.Id}
	for _, part := range [][]struct{ Id string }{a.Referrals, a.Conversations, a.Plans, a.CaseSteps, a.Tasks} {
		for _, r := range part {
			ids = append(ids, r.Id)
		}
	}
	slices.Sort(ids)
	return ids
}

func idsOf(records []*core.Record) []string {
	ids := make([]string, len(records))
	for i, r := range records {
		ids[i] = r.Id
	}
	slices.Sort(ids)
	return ids
}

// TestExportHasEveryRecordOfTheClientOnly exports a client of
// Haarlem-Noord, with another client in the same team and one in
// Schalkwijk: the JSON holds every record of the client, its file and
// the tasks of its plan, and not one id of the others; the export is
// logged as export, the PDF as print, both no-store.
func TestExportHasEveryRecordOfTheClientOnly(t *testing.T) {
	t.Parallel()
	o := newRightsOrg(t)
	mine := saveCase(t, o.app, o.haarlem, "HN-7101", o.anna)
	neighbour := saveCase(t, o.app, o.haarlem, "HN-7102", o.bram)
	other := saveCase(t, o.app, o.schalkwijk, "SW-7103", o.carla)

	res, body := o.call(t, "GET", "/api/buurtplein/clients/"+mine.client.Id+"/export", o.bramT, nil)
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("export: %d, Cache-Control %q: %s", res.StatusCode, res.Header.Get("Cache-Control"), body)
	}
	var answer exportAnswer
	if err := json.Unmarshal(body, &answer); err != nil {
		t.Fatal(err)
	}
	if got, want := answer.ids(), idsOf(mine.records()); !slices.Equal(got, want) {
		t.Errorf("the export holds %v, want %v", got, want)
	}
	if len(answer.Tasks) != 2 || len(answer.Files) != 1 || !strings.HasSuffix(answer.Files[0], "/"+mine.conversation.GetStringSlice("attachments")[0]) {
		t.Errorf("tasks %v, files %v: want the plan's 2 tasks and the conversation's file", answer.Tasks, answer.Files)
	}
	if !strings.Contains(string(body), `"Delftwijk"`) || answer.Exported.IsZero() {
		t.Errorf("the export lacks the client's fields or its time: %s", body)
	}
	for _, r := range append(neighbour.records(), other.records()...) {
		if strings.Contains(string(body), r.Id) {
			t.Errorf("the export names %s %s of another client", r.Collection().Name, r.Id)
		}
	}

	// the Go function the commands use says the same
	x, err := regie.Export(o.app, mine.client.Id)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(x)
	var again exportAnswer
	if err := json.Unmarshal(data, &again); err != nil || !slices.Equal(again.ids(), answer.ids()) {
		t.Errorf("regie.Export holds %v, the route %v (%v)", again.ids(), answer.ids(), err)
	}

	res, body = o.call(t, "GET", "/api/buurtplein/clients/"+mine.client.Id+"/export?format=pdf", o.annaT, nil)
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "HN-7101.pdf") {
		t.Fatalf("export pdf: %d %v", res.StatusCode, res.Header)
	}
	pdfText(t, body)

	// IT may, as a superuser may everything, and is logged as such
	if res, body := o.call(t, "GET", "/api/buurtplein/clients/"+mine.client.Id+"/export", o.itT, nil); res.StatusCode != 200 {
		t.Fatalf("IT's export: %d %s", res.StatusCode, body)
	}
	it := testapp.Id(t, o.app, core.CollectionNameSuperusers, "email", "it@buurtplein.test")

	var logged []string
	for _, e := range entries(t, o.app, mine.client.Id) {
		if e.Action == audit.ActionExport || e.Action == audit.ActionPrint {
			logged = append(logged, fmt.Sprintf("%s %s %s %s", e.Action, e.User, e.Role, e.ClientCode))
			if !strings.Contains(e.Record, "clients/"+mine.client.Id) || !strings.Contains(e.Record, "tasks/"+mine.tasks[0].Id) {
				t.Errorf("the entry names %q, want every record exported", e.Record)
			}
		}
	}
	want := []string{"export " + o.bram + " member HN-7101", "print " + o.anna + " coordinator HN-7101", "export " + it + " superuser HN-7101"}
	if !slices.Equal(logged, want) {
		t.Errorf("logged %q, want %q", logged, want)
	}
}

// TestRightsRefusedAndLogged asks for a client's rights as everyone who
// may not: another team's member, BOB staff, a member erasing, a
// coordinator typing the wrong code, and with a bad format or period.
// Each is refused with its code, says no-store, leaves the client and
// writes one entry, refused, naming the client and the code; an
// anonymous caller gets 401 and is not logged, an unknown client 404.
func TestRightsRefusedAndLogged(t *testing.T) {
	t.Parallel()
	o := newRightsOrg(t) // the ids and tokens, the same in every test app
	path := "/api/buurtplein/clients/" + caseId("HN-7201")
	auth := func(token string) map[string]string { return map[string]string{"Authorization": token} }
	code := func(code string) string { return `{"code":"` + code + `"}` }

	scenarios := []tests.ApiScenario{
		{Name: "another team's member exports", Method: "GET", URL: path + "/export", Headers: auth(o.carlaT),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"regie_not_team_member"`}},
		{Name: "another team's member prints the report", Method: "GET", URL: path + "/access-report?format=pdf", Headers: auth(o.carlaT),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"regie_not_team_member"`}},
		{Name: "BOB staff print the export", Method: "GET", URL: path + "/export?format=pdf", Headers: auth(o.boT),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"regie_not_team_member"`}},
		{Name: "HEAD by another team", Method: "HEAD", URL: path + "/export", Headers: auth(o.carlaT),
			ExpectedStatus: 403},
		{Name: "another team's member erases", Method: "POST", URL: path + "/erase", Headers: auth(o.carlaT), Body: strings.NewReader(code("HN-7201")),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"regie_not_team_member"`}},
		{Name: "a member erases", Method: "POST", URL: path + "/erase", Headers: auth(o.bramT), Body: strings.NewReader(code("HN-7201")),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"regie_erase_not_coordinator"`}},
		{Name: "the wrong code", Method: "POST", URL: path + "/erase", Headers: auth(o.annaT), Body: strings.NewReader(code("HN-7202")),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"regie_erase_code_mismatch"`}},
		{Name: "no code", Method: "POST", URL: path + "/erase", Headers: auth(o.annaT), Body: strings.NewReader(`{}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"regie_erase_code_mismatch"`}},
		{Name: "a bad format", Method: "GET", URL: path + "/export?format=xml", Headers: auth(o.bramT),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"regie_format_invalid"`}},
		{Name: "a bad day", Method: "GET", URL: path + "/access-report?from=2026-13-01", Headers: auth(o.bramT),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"regie_report_period_invalid"`}},
		{Name: "a period backwards", Method: "GET", URL: path + "/access-report?from=2026-12-02&to=2026-12-01", Headers: auth(o.bramT),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"regie_report_period_invalid"`}},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.NotExpectedContent = []string{"Delftwijk", "J.ë."}
		var before int
		s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			saveCase(t, app, o.haarlem, "HN-7201", o.anna)
			before = len(entries(t, app, caseId("HN-7201")))
		}
		s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", res.Header.Get("Cache-Control"))
			}
			after := entries(t, app, caseId("HN-7201"))
			if len(after) != before+1 {
				t.Fatalf("%d entries written, want 1", len(after)-before)
			}
			last := after[len(after)-1]
			if last.Action != audit.ActionRefused || last.ClientCode != "HN-7201" || last.Team != o.haarlem ||
				(len(s.ExpectedContent) > 0 && !strings.Contains(s.ExpectedContent[0], `"`+last.Details+`"`)) {
				t.Errorf("logged %+v", last)
			}
			if _, err := app.FindRecordById(regie.ClientsCollection, caseId("HN-7201")); err != nil {
				t.Errorf("the client is gone: %v", err)
			}
		}
		s.Test(t)
	}

	// anonymous: 401, not logged
	anonymous := tests.ApiScenario{
		Name: "anonymous", Method: "GET", URL: path + "/export", TestAppFactory: testapp.Factory,
		ExpectedStatus: 401, ExpectedContent: []string{`"data":{}`}, NotExpectedContent: []string{"Delftwijk"},
	}
	var before int
	anonymous.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		saveCase(t, app, o.haarlem, "HN-7201", o.anna)
		before = len(allEntries(t, app))
	}
	anonymous.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		if n := len(allEntries(t, app)); n != before || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%d entries written, Cache-Control %q", n-before, res.Header.Get("Cache-Control"))
		}
	}
	anonymous.Test(t)

	// an unknown client, and an id that can be none: 404, logged without a
	// client
	for _, id := range []string{"nosuchclient123", "%0Aclients%2Fabc"} {
		unknown := tests.ApiScenario{
			Name: "unknown " + id, Method: "GET", URL: "/api/buurtplein/clients/" + id + "/access-report", Headers: auth(o.annaT),
			TestAppFactory: testapp.Factory,
			ExpectedStatus: 404, ExpectedContent: []string{`"code":"regie_client_not_found"`},
		}
		unknown.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
			all := allEntries(t, app)
			last := all[len(all)-1]
			want := "clients/nosuchclient123"
			if id != "nosuchclient123" {
				want = "clients/?"
			}
			if last.Action != audit.ActionRefused || last.Record != want || last.Client != "" || last.User != o.anna {
				t.Errorf("logged %+v, want a refusal of %s", last, want)
			}
		}
		unknown.Test(t)
	}
}

// TestAccessReportPeriodAndOrder reports the accesses to a client over
// different periods: the entries of the period alone, oldest first, with
// the names of the employees and the team, and not another client's.
func TestAccessReportPeriodAndOrder(t *testing.T) {
	t.Parallel()
	o := newRightsOrg(t)
	c := saveCase(t, o.app, o.haarlem, "HN-7301", o.anna)
	other := saveCase(t, o.app, o.haarlem, "HN-7302", o.anna)
	path := "/api/buurtplein/clients/" + c.client.Id

	// three accesses of today, in order, besides what the saves logged
	for _, token := range []string{o.bramT, o.annaT} {
		if res, body := o.call(t, "GET", path+"/export", token, nil); res.StatusCode != 200 {
			t.Fatalf("export: %d %s", res.StatusCode, body)
		}
	}
	o.call(t, "GET", "/api/buurtplein/clients/"+other.client.Id+"/export", o.bramT, nil)
	res, _ := o.call(t, "GET", path+"/export", o.carlaT, nil)
	if res.StatusCode != 403 {
		t.Fatalf("carla's export: %d", res.StatusCode)
	}

	report := func(query string) (answer struct {
		Client  struct{ Id, Code string }
		From    string
		To      string
		Entries []regie.ReportEntry
	}) {
		t.Helper()
		res, body := o.call(t, "GET", path+"/access-report"+query, o.annaT, nil)
		if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("report %s: %d %s", query, res.StatusCode, body)
		}
		if err := json.Unmarshal(body, &answer); err != nil {
			t.Fatal(err)
		}
		return answer
	}

	all := report("")
	if all.Client.Id != c.client.Id || all.Client.Code != "HN-7301" || all.From != "" || all.To != "" {
		t.Errorf("the report's client or period: %+v", all)
	}
	var accesses []string
	for i, e := range all.Entries {
		if i > 0 && e.Created.Before(all.Entries[i-1].Created) {
			t.Errorf("entry %d (%s) is older than the one before it", i, e.Created)
		}
		if e.Action == audit.ActionExport || e.Action == audit.ActionRefused {
			accesses = append(accesses, e.Action+" "+e.UserName+" "+e.Role+" "+e.TeamName)
		}
		if strings.Contains(e.Record, other.client.Id) {
			t.Errorf("the report holds an access to another client: %+v", e)
		}
	}
	want := []string{
		"export Bram Jansen member Buurtteam Haarlem-Noord",
		"export Anna de Vries coordinator Buurtteam Haarlem-Noord",
		"refused Carla Bakker none Buurtteam Haarlem-Noord",
	}
	if !slices.Equal(accesses, want) {
		t.Errorf("the report's accesses are %q, want %q", accesses, want)
	}

	today := time.Now().In(amsterdam(t)).Format(time.DateOnly)
	tomorrow := time.Now().In(amsterdam(t)).AddDate(0, 0, 1).Format(time.DateOnly)
	yesterday := time.Now().In(amsterdam(t)).AddDate(0, 0, -1).Format(time.DateOnly)
	// the first report's read is logged and comes into the next ones
	if got := report("?from=" + today + "&to=" + today); len(got.Entries) != len(all.Entries)+1 || got.From != today || got.To != today {
		t.Errorf("today: %d entries (%s–%s), want %d", len(got.Entries), got.From, got.To, len(all.Entries)+1)
	}
	if got := report("?from=" + tomorrow); len(got.Entries) != 0 {
		t.Errorf("from tomorrow: %d entries, want none", len(got.Entries))
	}
	if got := report("?to=" + yesterday); len(got.Entries) != 0 {
		t.Errorf("up to yesterday: %d entries, want none", len(got.Entries))
	}

	// the Go function, on a period that ends before the last accesses
	entriesNow := entries(t, o.app, c.client.Id)
	cut, err := time.Parse("2006-01-02 15:04:05.000Z", entriesNow[len(entriesNow)-1].Created)
	if err != nil {
		t.Fatal(err)
	}
	r, err := regie.AccessReport(o.app, c.client.Id, time.Time{}, cut)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range r.Entries {
		if !e.Created.Before(cut) {
			t.Errorf("an entry of %s in a report up to %s", e.Created, cut)
		}
	}
	if len(r.Entries) >= len(entriesNow) {
		t.Errorf("the report up to the last entry holds %d of %d entries", len(r.Entries), len(entriesNow))
	}
}

func amsterdam(t *testing.T) *time.Location {
	t.Helper()
	zone, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	return zone
}

// TestErasureLeavesNoRowAndNoFileButKeepsLog erases a client with a
// record of every kind through the route, as its team's coordinator:
// no regie collection, no task and no notification names the client or
// anything of it any more, its file is gone from the storage, and the
// access log holds every entry it held before, the erase entry last.
// Another client of the team keeps everything; the erased client's
// access report still comes from the log.
func TestErasureLeavesNoRowAndNoFileButKeepsLog(t *testing.T) {
	t.Parallel()
	o := newRightsOrg(t)
	var c, other rightsCase
	var before []audit.Row
	stored := func(t testing.TB, app core.App, r *core.Record) int {
		fsys, err := app.NewFilesystem()
		if err != nil {
			t.Fatal(err)
		}
		defer fsys.Close()
		objects, err := fsys.List(r.BaseFilesPath() + "/")
		if err != nil {
			t.Fatal(err)
		}
		return len(objects)
	}
	want := regie.Erasure{Referrals: 1, Conversations: 1, Files: 1, Plans: 1, Tasks: 2, Notifications: 1}

	scenario := tests.ApiScenario{
		Name: "anna erases HN-7401", Method: "POST", URL: "/api/buurtplein/clients/" + caseId("HN-7401") + "/erase",
		Headers: map[string]string{"Authorization": o.annaT}, Body: strings.NewReader(`{"code":"HN-7401"}`),
		TestAppFactory: testapp.Factory,
		ExpectedStatus: 200,
		ExpectedContent: []string{`"erased":{`, `"referrals":1`, `"conversations":1`, `"files":1`, `"plans":1`,
			`"tasks":2`, `"notifications":1`, `"files_left":0`},
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			c = saveCase(t, app, o.haarlem, "HN-7401", o.anna)
			other = saveCase(t, app, o.haarlem, "HN-7402", o.anna)
			want.CaseSteps = len(c.steps)
			// a deadline's notification about the client (a kind of the
			// same parameters while the regie's own is not there)
			kind, params := "case_overdue", map[string]any{"step": "Melding", "team": "Buurtteam Haarlem-Noord"}
			if !slices.Contains(notify.Kinds(), notify.Kind(kind)) {
				kind, params = string(notify.KindQuestionFlagged), map[string]any{"title": "Melding", "team": "Buurtteam Haarlem-Noord"}
			}
			saveRecord(t, app, "notifications", map[string]any{
				"user": o.anna, "kind": kind, "title": "Termijn verstreken", "subject": c.client.Id,
				"subject_collection": regie.ClientsCollection, "params": params,
			})
			if stored(t, app, c.conversation) == 0 || stored(t, app, other.conversation) == 0 {
				t.Fatal("the fixture's files are not in the storage")
			}
			// accesses before the erasure, which the log must keep
			for _, e := range []audit.Entry{
				{Action: audit.ActionRead, Actor: audit.Actor{User: o.bram, UserName: "Bram Jansen", OnBehalfOf: o.bram, IP: "10.0.0.2"}},
				{Action: audit.ActionRefused, Actor: audit.Actor{User: o.carla, UserName: "Carla Bakker", OnBehalfOf: o.carla, IP: "10.0.0.3"}, Details: "regie_not_team_member"},
			} {
				e.Team, e.Client, e.ClientCode, e.Record = o.haarlem, c.client.Id, "HN-7401", "clients/"+c.client.Id
				if err := audit.Append(app, e); err != nil {
					t.Fatal(err)
				}
			}
			before = entries(t, app, c.client.Id)
		},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", res.Header.Get("Cache-Control"))
			}
			// no row: every regie collection, the tasks, their events and
			// the notifications, searched for the id of every record of
			// the client in any column
			gone := idsOf(c.records())
			for _, collection := range append(slices.Clone(regie.Collections), "tasks", "task_events", "notifications") {
				rows := []dbx.NullStringMap{}
				if err := app.DB().Select("*").From(collection).All(&rows); err != nil {
					t.Fatal(err)
				}
				for _, row := range rows {
					for column, value := range row {
						for _, id := range gone {
							if strings.Contains(value.String, id) {
								t.Errorf("%s %s still names %s in %s", collection, row["id"].String, id, column)
							}
						}
					}
				}
			}
			if stored(t, app, c.conversation) != 0 {
				t.Errorf("the client's files are still in the storage")
			}

			// the log: every entry of before, then the erase entry
			after := entries(t, app, c.client.Id)
			if len(after) < len(before)+1 {
				t.Fatalf("the log holds %d entries about the client, %d before the erasure", len(after), len(before))
			}
			for i, e := range before {
				if after[i] != e {
					t.Errorf("entry %d changed: %+v, was %+v", i, after[i], e)
				}
			}
			last := after[len(after)-1]
			if last.Action != audit.ActionErase || last.User != o.anna || last.Role != "coordinator" ||
				last.ClientCode != "HN-7401" || last.Details != want.String() {
				t.Errorf("the last entry is %+v, want anna's erasure of %s", last, want)
			}

			// the neighbour is whole
			for _, r := range other.records() {
				if _, err := app.FindRecordById(r.Collection().Name, r.Id); err != nil {
					t.Errorf("%s %s of another client is gone: %v", r.Collection().Name, r.Id, err)
				}
			}
			if stored(t, app, other.conversation) == 0 {
				t.Error("another client's file is gone")
			}

			r, err := regie.AccessReport(app, c.client.Id, time.Time{}, time.Time{})
			if err != nil || r.Client.Code != "HN-7401" || len(r.Entries) != len(after) {
				t.Errorf("the erased client's report: %+v, %v", r, err)
			}
		},
	}
	scenario.Test(t)
}

// TestNotLoggedNotAnswered takes the access log away: an export, a
// report and an erasure that cannot be logged answer 503 without any
// client data, and the erasure does not happen.
func TestNotLoggedNotAnswered(t *testing.T) {
	t.Parallel()
	o := newRightsOrg(t)
	c := saveCase(t, o.app, o.haarlem, "HN-7601", o.anna)
	if _, err := o.app.DB().NewQuery("ALTER TABLE access_log RENAME TO access_log_away").Execute(); err != nil {
		t.Fatal(err)
	}
	path := "/api/buurtplein/clients/" + c.client.Id
	for _, s := range []struct {
		method, path, token string
		body                any
	}{
		{"GET", path + "/export", o.bramT, nil},
		{"GET", path + "/export?format=pdf", o.bramT, nil},
		{"GET", path + "/access-report", o.annaT, nil},
		{"GET", path + "/access-report?format=pdf", o.annaT, nil},
		{"POST", path + "/erase", o.annaT, map[string]string{"code": "HN-7601"}},
		{"GET", path + "/export", o.carlaT, nil},
	} {
		res, body := o.call(t, s.method, s.path, s.token, s.body)
		if res.StatusCode != 503 || errorCode(t, body) != "audit_unavailable" || strings.Contains(string(body), "Delftwijk") {
			t.Errorf("%s %s without a log: %d %s", s.method, s.path, res.StatusCode, body)
		}
	}
	if _, err := o.app.FindRecordById(regie.ClientsCollection, c.client.Id); err != nil {
		t.Errorf("the client was erased without a log: %v", err)
	}
}
