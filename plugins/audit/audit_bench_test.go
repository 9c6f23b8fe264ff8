package audit_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/audit"
	"buurtplein/plugins/regie"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The scale of BenchmarkRegieScale: an organisation of 150 buurtteams
// with 50,000 clients (some 333 a team, four fifths open) and an access log of 2,000,000
// entries.
const (
	benchTeams   = 150
	benchClients = 50_000
	benchEntries = 2_000_000
)

// benchOrg is the demo organisation grown to the benchmark's scale.
type benchOrg struct {
	app         core.App
	haarlem     string // Haarlem-Noord's id, anna's team
	anna, annaT string // her id and token
	annaName    string
	client      string // a client of Haarlem-Noord
	clientCode  string
	clientsOfHN int // Haarlem-Noord's clients, open ones
	openOfHN    int
	teams       []string
}

// growOrg adds buurtteams up to benchTeams (with the plugins' hooks, as an
// admin would), then clients and access-log entries with SQL: clients
// spread over the teams in turn, a fifth of them closed, due dates from
// ten days ago to a month ahead; entries about random clients by their
// team's members, one every 71 seconds over the last 4.5 years, chained
// and hashed as Append does. Then PRAGMA optimize, as PocketBase's
// nightly job.
func growOrg(b *testing.B, entries int) *benchOrg {
	b.Helper()
	app := testapp.New(b)
	testapp.Unlimited(b, app)
	o := &benchOrg{app: app}
	o.haarlem = testapp.Id(b, app, "teams", "slug", "haarlem-noord")
	o.anna = testapp.Id(b, app, "users", "email", "anna@buurtplein.test")
	o.annaT = testapp.Token(b, app, "anna@buurtplein.test")
	if err := app.DB().Select("name").From("users").Where(dbx.HashExp{"id": o.anna}).Row(&o.annaName); err != nil {
		b.Fatal(err)
	}

	started := time.Now()
	if err := app.DB().Select("id").From("teams").Where(dbx.HashExp{"kind": "buurtteam"}).OrderBy("created", "id").Column(&o.teams); err != nil {
		b.Fatal(err)
	}
	o.teams = slices.DeleteFunc(o.teams, func(id string) bool { return id == o.haarlem })
	o.teams = append([]string{o.haarlem}, o.teams...)
	collection, err := app.FindCollectionByNameOrId("teams")
	if err != nil {
		b.Fatal(err)
	}
	for n := len(o.teams); n < benchTeams; n++ {
		team := core.NewRecord(collection)
		team.Set("name", fmt.Sprintf("Buurtteam %d", n+1))
		team.Set("slug", fmt.Sprintf("buurtteam-%d", n+1))
		team.Set("kind", "buurtteam")
		if err := app.Save(team); err != nil {
			b.Fatalf("team %d: %v", n+1, err)
		}
		o.teams = append(o.teams, team.Id)
	}

	// the clients: client i is in team i % benchTeams, id c00000000000000…
	if _, err := app.DB().NewQuery("CREATE TABLE bench_teams (n INTEGER PRIMARY KEY, id TEXT)").Execute(); err != nil {
		b.Fatal(err)
	}
	for n, id := range o.teams {
		if _, err := app.DB().Insert("bench_teams", dbx.Params{"n": n, "id": id}).Execute(); err != nil {
			b.Fatal(err)
		}
	}
	now := time.Now().UTC()
	_, err = app.DB().NewQuery(`WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < {:n})
		INSERT INTO clients (id, team, code, initials, birth_year, neighbourhood, contact_preference, contact_notes,
			step, step_since, step_due, status, overdue_step, created_by, created, updated)
		SELECT printf('c%014d', i), t.id, printf('BT%03d-%05d', i % {:teams}, i), 'A.B.', 1930 + i % 60, 'Wijk ' || (i % 12),
			'phone', '', CASE i % 3 WHEN 0 THEN 'melding' WHEN 1 THEN 'gesprek' ELSE 'regie' END,
			strftime('%Y-%m-%d %H:%M:%S.000Z', {:now} - 86400 * (i % 20), 'unixepoch'),
			strftime('%Y-%m-%d %H:%M:%S.000Z', {:now} + 86400 * (i % 40 - 10) + i % 86400, 'unixepoch'),
			CASE WHEN i / {:teams} % 5 = 4 THEN 'closed' ELSE 'open' END, '', '',
			strftime('%Y-%m-%d %H:%M:%S.000Z', {:now} - 86400 * 400, 'unixepoch'), strftime('%Y-%m-%d %H:%M:%S.000Z', {:now}, 'unixepoch')
		FROM seq JOIN bench_teams t ON t.n = i % {:teams}`).
		Bind(dbx.Params{"n": benchClients, "teams": benchTeams, "now": now.Unix()}).Execute()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := app.DB().NewQuery("DROP TABLE bench_teams").Execute(); err != nil {
		b.Fatal(err)
	}
	o.client = fmt.Sprintf("c%014d", 150*7)
	o.clientCode = fmt.Sprintf("BT%03d-%05d", 0, 150*7)
	if err := app.DB().Select("COUNT(*)", "COALESCE(SUM(status = 'open'), 0)").From("clients").Where(dbx.HashExp{"team": o.haarlem}).Row(&o.clientsOfHN, &o.openOfHN); err != nil {
		b.Fatal(err)
	}

	// the log: entry i (id e00000000000000…) is about client i * 7919 %
	// benchClients
	start := now.Add(-time.Duration(entries) * 71 * time.Second)
	err = audit.InsertChain(app, entries, func(i int, r *audit.Row) {
		r.Id = fmt.Sprintf("e%014d", i)
		client := i * 7919 % benchClients
		team := o.teams[client%benchTeams]
		user := fmt.Sprintf("u%03d%011d", client%benchTeams, i%7)
		r.Action = audit.ActionRead
		if i%10 == 0 {
			r.Action = audit.ActionUpdate
		}
		r.User, r.OnBehalfOf, r.UserName, r.Role = user, user, fmt.Sprintf("Medewerker %d-%d", client%benchTeams, i%7), "member"
		r.Team = team
		r.Client = fmt.Sprintf("c%014d", client)
		r.ClientCode = fmt.Sprintf("BT%03d-%05d", client%benchTeams, client)
		r.Record = "clients/" + r.Client
		r.IP = fmt.Sprintf("10.%d.%d.%d", client%200, i%250, i%200)
		r.UserAgent = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
		r.Created = audit.DateTime(start.Add(time.Duration(i) * 71 * time.Second))
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := app.NonconcurrentDB().NewQuery("PRAGMA optimize").Execute(); err != nil {
		b.Fatal(err)
	}
	b.Logf("grown to %d teams, %d clients (Haarlem-Noord %d, %d open), %d entries in %s",
		len(o.teams), benchClients, o.clientsOfHN, o.openOfHN, entries, time.Since(started).Round(time.Second))
	return o
}

// BenchmarkRegieScale measures the targets on an organisation of
// 150 buurtteams, 50,000 clients and an access log of 2,000,000 entries
// (growing it takes a minute or two: skipped with -short):
//
//   - append: audit.Append of one entry, anna reading a client (what the
//     logging adds to a client read; target: p95 under 2 ms);
//   - view: anna's GET of one client through the record API and the full
//     router, with whatever logging this build has; view_unlogged_template:
//     the same for her team's template (the same rule, not client data,
//     so not logged);
//   - case_list, case_list_skip_total: the record API's list of
//     Haarlem-Noord's open clients, perPage 50, sort step_due, as anna
//     (target: p95 under 20 ms), with and without the total; case_list_pwa:
//     the whole list in one page without the total, as the PWA reads it;
//   - client_entries: audit.ClientEntries of one client, all time (what
//     its access report reads); access_report_pdf: regie.AccessReport and
//     its PDF; access_report_route_pdf, _json: anna's GET of the report
//     through the router, logged (target for the report: under 2 s);
//   - purge_dry_run: audit.Purge's count when nothing is old enough;
//   - verify: audit.Verify of the whole log (target under 30 s), three
//     times whatever -benchtime says.
//
// Each reports p50-ms and p95-ms besides ns/op.
//
//	GOTOOLCHAIN=auto go test ./plugins/audit/ -run XXX -bench RegieScale -benchtime 200x -timeout 60m -v
func BenchmarkRegieScale(b *testing.B) {
	if testing.Short() {
		b.Skip("grows an organisation to 50,000 clients and 2,000,000 log entries")
	}
	o := growOrg(b, benchEntries)
	server := testapp.Serve(b, o.app)

	filter := url.QueryEscape(fmt.Sprintf("team = %q && status = \"open\"", o.haarlem))
	caseList := server.URL + "/api/collections/clients/records?page=1&perPage=50&sort=step_due&filter=" + filter
	get := func(u string) func(b *testing.B) {
		return func(b *testing.B) {
			if status, body := testapp.Do(b, http.MethodGet, u, o.annaT, nil); status != http.StatusOK {
				b.Fatalf("status %d: %.300s", status, body)
			}
		}
	}
	template := testapp.Id(b, o.app, "process_templates", "team", o.haarlem)
	actor := audit.Actor{User: o.anna, UserName: o.annaName, OnBehalfOf: o.anna, IP: "10.0.0.1", UserAgent: "Mozilla/5.0 (bench)"}
	cases := []struct {
		name string
		do   func(b *testing.B)
		runs int // a fixed number of runs, whatever -benchtime says
	}{
		{"append", func(b *testing.B) {
			err := audit.Append(o.app, audit.Entry{Action: audit.ActionRead, Actor: actor, Team: o.haarlem,
				Client: o.client, ClientCode: o.clientCode, Record: "clients/" + o.client})
			if err != nil {
				b.Fatal(err)
			}
		}, 0},
		{"view", get(server.URL + "/api/collections/clients/records/" + o.client), 0},
		// the same rule and path for a record that is not client data
		{"view_unlogged_template", get(server.URL + "/api/collections/process_templates/records/" + template), 0},
		{"case_list", get(caseList), 0},
		{"case_list_skip_total", get(caseList + "&skipTotal=1"), 0},
		// what the PWA asks: the team's open clients in one page, without
		// the total (the SDK's getFullList), some 270 entries logged
		{"case_list_pwa", get(server.URL + "/api/collections/clients/records?page=1&perPage=500&skipTotal=1&sort=step_due,code&filter=" + filter), 0},
		{"client_entries", func(b *testing.B) {
			rows, err := audit.ClientEntries(o.app, o.client, time.Time{}, time.Time{})
			if err != nil || len(rows) == 0 {
				b.Fatalf("%d entries, %v", len(rows), err)
			}
		}, 0},
		{"access_report_pdf", func(b *testing.B) {
			report, err := regie.AccessReport(o.app, o.client, time.Time{}, time.Time{})
			if err != nil {
				b.Fatal(err)
			}
			if pdf, err := report.PDF(); err != nil || len(pdf) == 0 {
				b.Fatalf("%d bytes, %v", len(pdf), err)
			}
		}, 0},
		{"access_report_route_pdf", get(server.URL + "/api/buurtplein/clients/" + o.client + "/access-report?format=pdf"), 0},
		{"access_report_route_json", get(server.URL + "/api/buurtplein/clients/" + o.client + "/access-report"), 0},
		// the nightly purge's look-up when nothing is old enough yet
		{"purge_dry_run", func(b *testing.B) {
			if n, err := audit.Purge(o.app, audit.MinRetentionYears, true); err != nil || n != 0 {
				b.Fatalf("Purge = %d, %v", n, err)
			}
		}, 0},
		{"verify", func(b *testing.B) {
			result, err := audit.Verify(o.app, nil)
			if err != nil || !result.OK() || result.Entries < benchEntries {
				b.Fatalf("Verify = %+v, %v", result, err)
			}
		}, 3},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var times []time.Duration
			if c.runs > 0 {
				var sum time.Duration
				for range c.runs {
					start := time.Now()
					c.do(b)
					times = append(times, time.Since(start))
					sum += times[len(times)-1]
				}
				b.ReportMetric(float64(sum.Nanoseconds())/float64(c.runs), "ns/op")
				b.ReportMetric(float64(c.runs), "runs")
				b.ReportMetric(float64(slices.Max(times).Microseconds())/1000, "max-ms")
			} else {
				for b.Loop() {
					start := time.Now()
					c.do(b)
					times = append(times, time.Since(start))
				}
			}
			reportPercentiles(b, times)
		})
	}
}

// reportPercentiles reports the p50 and p95 of times in milliseconds.
func reportPercentiles(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	at := func(p int) float64 {
		return float64(times[(len(times)-1)*p/100].Microseconds()) / 1000
	}
	b.ReportMetric(at(50), "p50-ms")
	b.ReportMetric(at(95), "p95-ms")
}
