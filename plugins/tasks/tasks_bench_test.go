package tasks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The generated organisation of BenchmarkTasks.
const (
	benchTeams        = 150
	benchTeamSize     = 20
	benchTasks        = 300_000
	benchWarmup       = 10 // untimed requests before each measurement
	benchSeed         = 20261123
	benchIdAlphabet   = "abcdefghijklmnopqrstuvwxyz0123456789"
	benchPendingShare = 0.02 // of the active, assigned tasks
)

var benchTitles = []string{
	"Wondzorg", "Medicatie uitzetten", "Steunkousen aantrekken", "Insuline controleren",
	"Intake familiegesprek", "Hulpmiddelen bestellen", "Evaluatie zorgplan", "Overleg huisarts",
	"Rapportage bijwerken", "Douchehulp", "Katheterzorg", "Valrisico beoordelen",
}

// benchOrg is the generated organisation: teams, their members and the
// employee whose token the benchmark uses.
type benchOrg struct {
	now     time.Time
	teamIds []string
	userIds []string
	members [][]int // per team, indices into userIds

	team int // the team of the measuring employee: 20 members, ~2,000 tasks
	user int // the measuring employee, member of that team only
}

// benchIds returns deterministic PocketBase-shaped record ids (15 characters
// of [a-z0-9]), so that every run seeds the same organisation.
type benchIds struct{ rng *rand.Rand }

func (g benchIds) next() string {
	var b [15]byte
	for i := range b {
		b[i] = benchIdAlphabet[g.rng.IntN(len(benchIdAlphabet))]
	}
	return string(b[:])
}

// benchDate formats t as PocketBase stores a date field.
func benchDate(t time.Time) string {
	return t.UTC().Format(types.DefaultDateLayout)
}

// benchInsert is a prepared INSERT of the named columns into table, bound
// with {:column} placeholders.
func benchInsert(db dbx.Builder, table string, columns ...string) *dbx.Query {
	quoted := make([]string, len(columns))
	placeholders := make([]string, len(columns))
	for i, c := range columns {
		quoted[i] = "`" + c + "`"
		placeholders[i] = "{:" + c + "}"
	}
	return db.NewQuery(fmt.Sprintf("INSERT INTO `%s` (%s) VALUES (%s)",
		table, strings.Join(quoted, ", "), strings.Join(placeholders, ", "))).Prepare()
}

// seedTasksOrganisation adds 150 teams of 20 employees (30 of whom are also
// in a second team), 300,000 tasks spread over the teams and handover offers,
// pending and answered, with plain SQL in one transaction. The columns hold
// what PocketBase itself writes: dates as "2006-01-02 15:04:05.000Z", JSON
// as text (NULL when unset), an empty relation as "".
func seedTasksOrganisation(b *testing.B, app core.App) *benchOrg {
	b.Helper()

	rng := rand.New(rand.NewPCG(benchSeed, 1))
	ids := benchIds{rng}
	org := &benchOrg{now: time.Now().UTC(), team: 0, user: 7}
	stamp := benchDate(org.now.AddDate(-1, 0, 0))

	err := app.RunInTransaction(func(tx core.App) error {
		db := tx.DB()

		teams := benchInsert(db, "teams", "id", "name", "slug", "kind", "area", "description", "logo", "created", "updated")
		defer teams.Close()
		for t := range benchTeams {
			id := ids.next()
			org.teamIds = append(org.teamIds, id)
			if _, err := teams.Bind(dbx.Params{
				"id": id, "name": fmt.Sprintf("Buurtteam %d", t), "slug": fmt.Sprintf("bench-team-%d", t),
				"kind": "buurtteam", "area": fmt.Sprintf("Wijk %d", t), "description": "Wijkverpleging en thuiszorg.",
				"logo": "", "created": stamp, "updated": stamp,
			}).Execute(); err != nil {
				return fmt.Errorf("team %d: %w", t, err)
			}
		}

		users := benchInsert(db, "users", "id", "email", "emailVisibility", "verified", "password", "tokenKey",
			"name", "avatar", "discipline", "locale", "created", "updated")
		defer users.Close()
		memberships := benchInsert(db, "memberships", "id", "team", "user", "role", "created", "updated")
		defer memberships.Close()
		org.members = make([][]int, benchTeams)
		join := func(t, u int, role string) error {
			org.members[t] = append(org.members[t], u)
			_, err := memberships.Bind(dbx.Params{
				"id": ids.next(), "team": org.teamIds[t], "user": org.userIds[u], "role": role,
				"created": stamp, "updated": stamp,
			}).Execute()
			return err
		}
		for u := range benchTeams * benchTeamSize {
			id := ids.next()
			org.userIds = append(org.userIds, id)
			if _, err := users.Bind(dbx.Params{
				"id": id, "email": fmt.Sprintf("medewerker%d@bench.test", u), "emailVisibility": false, "verified": true,
				// no one signs in with a password here: the benchmark uses tokens
				"password": "x", "tokenKey": ids.next() + ids.next() + ids.next(),
				"name": fmt.Sprintf("Medewerker %d", u), "avatar": "", "discipline": "wijkverpleegkundige", "locale": "nl",
				"created": stamp, "updated": stamp,
			}).Execute(); err != nil {
				return fmt.Errorf("user %d: %w", u, err)
			}
			role := "member"
			if u%benchTeamSize == 0 {
				role = "coordinator"
			}
			if err := join(u/benchTeamSize, u, role); err != nil {
				return fmt.Errorf("membership of user %d: %w", u, err)
			}
		}
		// a few employees work in two teams: 30 teams get a 21st member
		for u := 50; u < len(org.userIds); u += 100 {
			if err := join((u/benchTeamSize+1)%benchTeams, u, "member"); err != nil {
				return fmt.Errorf("second membership of user %d: %w", u, err)
			}
		}

		tasks := benchInsert(db, "tasks", "id", "team", "title", "description", "status", "active", "assignee", "due",
			"priority", "checklist", "repeat", "repeat_weeks", "created_by", "completed_at", "overdue_notified",
			"created", "updated")
		defer tasks.Close()
		transfers := benchInsert(db, "task_transfers", "id", "task", "from_user", "to_user", "to_team", "status",
			"note", "task_title", "task_due", "responded_by", "responded_at", "created", "updated")
		defer transfers.Close()

		for i := range benchTasks {
			t := i % benchTeams
			members := org.members[t]
			member := func() string { return org.userIds[members[rng.IntN(len(members))]] }

			// due within ±60 days of today, in working hours; a few without
			due := org.now.Truncate(time.Hour).Add(time.Duration(rng.IntN(120*24)-60*24) * time.Hour)
			dueText := benchDate(due)
			if rng.Float64() < 0.05 {
				dueText = ""
			}

			// some 70% done: nine in ten of the tasks due in the past, half
			// of those due later; of the rest two thirds open, one third in
			// progress
			doneShare := 0.5
			if dueText == "" {
				doneShare = 0.7
			} else if due.Before(org.now) {
				doneShare = 0.9
			}
			status := "done"
			if r := rng.Float64(); r >= doneShare {
				status = "open"
				if r >= doneShare+(1-doneShare)*2/3 {
					status = "in_progress"
				}
			}
			active := status != "done"

			// most tasks have someone; some active ones are open for the team
			assignee := member()
			if active && rng.Float64() < 0.15 {
				assignee = ""
			}
			created := due.AddDate(0, 0, -1-rng.IntN(30))
			updated := created
			completed, notified := "", ""
			if status == "done" {
				done := due.Add(time.Duration(rng.IntN(72)-48) * time.Hour)
				if done.After(org.now) {
					done = org.now.Add(-time.Duration(rng.IntN(48)) * time.Hour)
				}
				if done.Before(created) {
					done = created.Add(time.Hour)
				}
				completed, updated = benchDate(done), done
			} else if dueText != "" && assignee != "" && due.Before(org.now) {
				notified = benchDate(due.Add(10 * time.Minute))
			}

			priority := "normal"
			switch r := rng.Float64(); {
			case r < 0.15:
				priority = "high"
			case r < 0.25:
				priority = "low"
			}
			var checklist any // NULL, as PocketBase stores an unset JSON field
			if rng.Float64() < 0.10 {
				checklist = fmt.Sprintf(`[{"text":"Materiaal klaarzetten","done":%t},{"text":"Rapporteren in het dossier","done":%t}]`,
					status == "done", status == "done")
			}
			repeat := ""
			if rng.Float64() < 0.03 {
				repeat = "weekly"
			}
			description := ""
			if rng.Float64() < 0.6 {
				description = "Afspraak met de cliënt en de mantelzorger; zie het zorgplan voor de afspraken over tijd en materiaal."
			}

			taskId := ids.next()
			title := fmt.Sprintf("%s %d", benchTitles[rng.IntN(len(benchTitles))], i)
			if _, err := tasks.Bind(dbx.Params{
				"id": taskId, "team": org.teamIds[t], "title": title, "description": description,
				"status": status, "active": active, "assignee": assignee, "due": dueText, "priority": priority, "checklist": checklist,
				"repeat": repeat, "repeat_weeks": 0, "created_by": member(), "completed_at": completed,
				"overdue_notified": notified, "created": benchDate(created), "updated": benchDate(updated),
			}).Execute(); err != nil {
				return fmt.Errorf("task %d: %w", i, err)
			}

			// handovers: a pending offer on a few active tasks (one in ten to
			// another team), an answered one in the history of some others
			offer := ""
			switch r := rng.Float64(); {
			case active && assignee != "" && r < benchPendingShare:
				offer = "pending"
			case assignee != "" && r < 0.05:
				offer = "accepted"
			case assignee != "" && r < 0.06:
				offer = "declined"
			}
			if offer == "" {
				continue
			}
			from, toUser, toTeam := member(), assignee, ""
			if offer == "pending" {
				from, toUser = assignee, member()
				if rng.Float64() < 0.1 {
					toUser, toTeam = "", org.teamIds[(t+1+rng.IntN(benchTeams-1))%benchTeams]
				} else if toUser == from {
					continue
				}
			} else if from == toUser {
				continue
			}
			offered := created.Add(time.Duration(rng.IntN(24)) * time.Hour)
			respondedBy, respondedAt, changed := "", "", offered
			if offer != "pending" {
				respondedBy, changed = toUser, offered.Add(time.Duration(1+rng.IntN(12))*time.Hour)
				respondedAt = benchDate(changed)
			}
			if _, err := transfers.Bind(dbx.Params{
				"id": ids.next(), "task": taskId, "from_user": from, "to_user": toUser, "to_team": toTeam,
				"status": offer, "note": "Ik ben morgen vrij; kun jij dit overnemen?", "task_title": title,
				"task_due": dueText, "responded_by": respondedBy, "responded_at": respondedAt,
				"created": benchDate(offered), "updated": benchDate(changed),
			}).Execute(); err != nil {
				return fmt.Errorf("offer on task %d: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("seeding: %v", err)
	}

	if n := len(org.members[org.team]); n != benchTeamSize {
		b.Fatalf("the measuring team has %d members, want %d", n, benchTeamSize)
	}
	return org
}

// offerTasks makes n pending offers for the measuring employee to accept:
// to her (from the colleague who has the task) on her team's active tasks
// that have no offer yet, or, with toTeam, to her team on active tasks of
// the next team. Where the seeded tasks run out, it adds tasks like them.
func (org *benchOrg) offerTasks(b *testing.B, app core.App, n int, toTeam bool) []string {
	b.Helper()

	me := org.userIds[org.user]
	from := org.team
	if toTeam {
		from = (org.team + 1) % benchTeams
	}

	var candidates []struct {
		Id       string `db:"id"`
		Title    string `db:"title"`
		Due      string `db:"due"`
		Assignee string `db:"assignee"`
	}
	err := app.DB().NewQuery(`
		SELECT id, title, due, assignee FROM tasks
		WHERE team = {:team} AND status IN ('open', 'in_progress') AND assignee NOT IN ('', {:me})
		AND NOT EXISTS (SELECT 1 FROM task_transfers tt WHERE tt.task = tasks.id AND tt.status = 'pending')
		ORDER BY id LIMIT {:n}`).
		Bind(dbx.Params{"team": org.teamIds[from], "me": me, "n": n}).All(&candidates)
	if err != nil {
		b.Fatalf("finding tasks to offer: %v", err)
	}

	ids := benchIds{rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
	offers := make([]string, 0, n)
	err = app.RunInTransaction(func(tx core.App) error {
		addTask := benchInsert(tx.DB(), "tasks", "id", "team", "title", "status", "active", "assignee", "due", "priority",
			"created_by", "created", "updated")
		defer addTask.Close()
		addOffer := benchInsert(tx.DB(), "task_transfers", "id", "task", "from_user", "to_user", "to_team", "status",
			"note", "task_title", "task_due", "created", "updated")
		defer addOffer.Close()

		now := benchDate(time.Now())
		for i := range n {
			var task, title, due, assignee string
			if i < len(candidates) {
				c := candidates[i]
				task, title, due, assignee = c.Id, c.Title, c.Due, c.Assignee
			} else {
				members := slices.DeleteFunc(slices.Clone(org.members[from]), func(u int) bool { return u == org.user })
				task, title = ids.next(), fmt.Sprintf("Extra taak %d", i)
				due, assignee = benchDate(time.Now().AddDate(0, 0, 1+i%30)), org.userIds[members[i%len(members)]]
				if _, err := addTask.Bind(dbx.Params{
					"id": task, "team": org.teamIds[from], "title": title, "status": "open", "active": true, "assignee": assignee,
					"due": due, "priority": "normal", "created_by": assignee, "created": now, "updated": now,
				}).Execute(); err != nil {
					return err
				}
			}
			toUser, team := me, ""
			if toTeam {
				toUser, team = "", org.teamIds[org.team]
			}
			offer := ids.next()
			if _, err := addOffer.Bind(dbx.Params{
				"id": offer, "task": task, "from_user": assignee, "to_user": toUser, "to_team": team,
				"status": "pending", "note": "Kun jij dit overnemen?", "task_title": title, "task_due": due,
				"created": now, "updated": now,
			}).Execute(); err != nil {
				return err
			}
			offers = append(offers, offer)
		}
		return nil
	})
	if err != nil {
		b.Fatalf("making offers: %v", err)
	}
	return offers
}

// benchRequest sends one request and returns how long it took until the
// whole answer was read. It fails the benchmark on any status but 200.
func benchRequest(b *testing.B, method, u, token string, body []byte) time.Duration {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	start := time.Now()
	req, err := http.NewRequest(method, u, reader)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	answer, err := io.ReadAll(res.Body)
	res.Body.Close()
	took := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		b.Fatalf("%s %s: status %d: %s", method, u, res.StatusCode, answer)
	}
	return took
}

// reportPercentiles reports the 50th, 95th and 99th percentile (nearest
// rank) of the request durations, in milliseconds.
func reportPercentiles(b *testing.B, durations []time.Duration) {
	if len(durations) == 0 {
		return
	}
	sorted := slices.Clone(durations)
	slices.Sort(sorted)
	for _, p := range []int{50, 95, 99} {
		rank := int(math.Ceil(float64(p)/100*float64(len(sorted)))) - 1
		b.ReportMetric(float64(sorted[max(rank, 0)])/float64(time.Millisecond), fmt.Sprintf("p%d-ms", p))
	}
}

// listCount returns how many records a list request answers with.
func listCount(b *testing.B, u, token string) int {
	b.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil || res.StatusCode != 200 {
		b.Fatalf("%s: status %d, %v", u, res.StatusCode, err)
	}
	return len(page.Items)
}

// BenchmarkTasks measures what a member of a buurtteam asks of the tasks
// API most, in an organisation of 150 teams, 3,000 employees and 300,000
// tasks: her team's board, her own tasks, and accepting a handover. The
// requests go over HTTP through the full router, API rules and hooks
// included, with the token of a generated employee in a team of 20 with
// about 2,000 tasks (some 600 of them open or in progress).
//
// Each sub-benchmark reports p50/p95/p99 of its own request durations
// besides ns/op. Run it with, for example:
//
//	GOTOOLCHAIN=auto go test ./plugins/tasks/ -run XXX -bench Tasks -benchtime 1000x -benchmem
func BenchmarkTasks(b *testing.B) {
	app := testapp.New(b)
	start := time.Now()
	org := seedTasksOrganisation(b, app)
	seeded := time.Since(start)
	var counts struct {
		Active  int `db:"active"`
		Pending int `db:"pending"`
	}
	if err := app.DB().NewQuery(`SELECT
		(SELECT count(*) FROM tasks WHERE status IN ('open', 'in_progress')) AS active,
		(SELECT count(*) FROM task_transfers WHERE status = 'pending') AS pending`).One(&counts); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d teams, %d employees, %d tasks (%d open or in progress, %d pending offers) in %s",
		benchTeams, len(org.userIds), benchTasks, counts.Active, counts.Pending, seeded.Round(time.Millisecond))
	// fold the seed into the database file, as PocketBase's nightly
	// maintenance does, so that no request pays for checkpointing it
	if _, err := app.NonconcurrentDB().NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
		b.Fatalf("checkpoint: %v", err)
	}
	runtime.GC()

	// one client asks far more often than the per-IP rate limits allow
	app.Settings().RateLimits.Enabled = false
	server := testapp.Serve(b, app)
	token := testapp.Token(b, app, fmt.Sprintf("medewerker%d@bench.test", org.user))
	me, team := org.userIds[org.user], org.teamIds[org.team]
	records := server.URL + "/api/collections/"
	active := `(status = "open" || status = "in_progress")`

	lists := []struct{ name, collection, query string }{
		// the team board: the first page of its active tasks by due date,
		// with who has them
		{"board", "tasks", boardPage(team, "", "") + "&expand=assignee"},
		// my tasks, across my teams
		{"my_tasks", "tasks", "perPage=100&sort=due&expand=team&skipTotal=1&filter=" +
			url.QueryEscape(`assignee = "`+me+`" && `+active)},
		// no targets, for comparison: the whole active board in one page
		// (the SDK's getFullList), the last finished tasks of the board, and
		// the offers waiting for me
		{"board_all_active", "tasks", "perPage=1000&expand=assignee&skipTotal=1&filter=" +
			url.QueryEscape(`team = "`+team+`" && `+active)},
		{"board_done", "tasks", "perPage=20&sort=-completed_at,-updated&expand=assignee&skipTotal=1&filter=" +
			url.QueryEscape(`team = "`+team+`" && status = "done"`)},
		{"offers_to_me", "task_transfers", "perPage=1000&sort=created&expand=from_user,to_team,to_user&skipTotal=1&filter=" +
			url.QueryEscape(`status = "pending" && from_user != "`+me+`" && (to_user = "`+me+`" || to_team = "`+team+`")`)},
	}
	for _, list := range lists {
		b.Run(list.name, func(b *testing.B) {
			u := records + list.collection + "/records?" + list.query
			b.Logf("%d records", listCount(b, u, token))
			for range benchWarmup {
				benchRequest(b, http.MethodGet, u, token, nil)
			}
			var durations []time.Duration
			for b.Loop() {
				durations = append(durations, benchRequest(b, http.MethodGet, u, token, nil))
			}
			reportPercentiles(b, durations)
		})
	}

	// accepting an offer: each iteration accepts a fresh one, made before
	// the timer starts; to_team moves the task into her team as well
	accepted := []byte(`{"status":"accepted"}`)
	for _, kind := range []struct {
		name   string
		toTeam bool
	}{{"accept", false}, {"accept_team", true}} {
		b.Run(kind.name, func(b *testing.B) {
			offers := org.offerTasks(b, app, b.N+benchWarmup, kind.toTeam)
			for _, offer := range offers[b.N:] {
				benchRequest(b, http.MethodPatch, records+"task_transfers/records/"+offer, token, accepted)
			}
			durations := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				durations = append(durations, benchRequest(b, http.MethodPatch, records+"task_transfers/records/"+offers[i], token, accepted))
			}
			b.StopTimer()
			reportPercentiles(b, durations)

			// the handover took effect
			last, err := app.FindRecordById("task_transfers", offers[b.N-1])
			if err != nil {
				b.Fatal(err)
			}
			task, err := app.FindRecordById("tasks", last.GetString("task"))
			if err != nil {
				b.Fatal(err)
			}
			if last.GetString("status") != "accepted" || task.GetString("assignee") != me || task.GetString("team") != team {
				b.Fatalf("offer %s: status %q, task assignee %q in team %q", last.Id, last.GetString("status"), task.GetString("assignee"), task.GetString("team"))
			}
		})
	}

	// the board a page at a time as finished tasks pile up in the team: its
	// first page and its last full one with 2,000 and with 20,000 finished
	// tasks, over HTTP and the SQL alone, and for comparison the first page
	// as the board asked it before, on the index it had then
	user, err := app.FindRecordById("users", me)
	if err != nil {
		b.Fatal(err)
	}
	before := "perPage=100&sort=due&skipTotal=1&filter=" + url.QueryEscape(`team = "`+team+`" && `+active)
	for _, finished := range []int{2_000, 20_000} {
		org.finishTasks(b, app, finished)
		pages := boardPages(b, app, records, token, team)
		deep := pages[max(len(pages)-2, 0)] // the last page is short
		for _, page := range []struct{ name, query string }{{"first", pages[0]}, {"deep", deep}} {
			b.Run(fmt.Sprintf("board_%s_page/finished=%d", page.name, finished), func(b *testing.B) {
				benchList(b, records+"tasks/records?"+page.query+"&expand=assignee", token)
			})
			b.Run(fmt.Sprintf("board_%s_page_sql/finished=%d", page.name, finished), func(b *testing.B) {
				benchSQL(b, app, user, page.query)
			})
		}
		benchExec(b, app, "CREATE INDEX idx_tasks_team_due_status ON tasks (team, due, status)")
		b.Run(fmt.Sprintf("board_before/finished=%d", finished), func(b *testing.B) {
			benchList(b, records+"tasks/records?"+before+"&expand=assignee", token)
		})
		b.Run(fmt.Sprintf("board_before_sql/finished=%d", finished), func(b *testing.B) {
			benchSQL(b, app, user, before)
		})
		benchExec(b, app, "DROP INDEX idx_tasks_team_due_status")
	}
}

// benchSQL measures the SQL alone of the list query urlQuery on tasks, as
// PocketBase builds it for user (list rule included), and logs its plan.
func benchSQL(b *testing.B, app core.App, user *core.Record, urlQuery string) {
	sql, params := listQuery(b, app, "tasks", user, urlQuery)
	b.Logf("plan:\n%s", queryPlan(b, app, sql, params))
	var durations []time.Duration
	for b.Loop() {
		start := time.Now()
		var rows []dbx.NullStringMap
		if err := app.DB().NewQuery(sql).Bind(params).All(&rows); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	reportPercentiles(b, durations)
}

// benchList measures GET u: warm-up requests first, then one timed request
// per iteration, reported as percentiles.
func benchList(b *testing.B, u, token string) {
	b.Logf("%d records", listCount(b, u, token))
	for range benchWarmup {
		benchRequest(b, http.MethodGet, u, token, nil)
	}
	var durations []time.Duration
	for b.Loop() {
		durations = append(durations, benchRequest(b, http.MethodGet, u, token, nil))
	}
	reportPercentiles(b, durations)
}

// benchExec runs one SQL statement, failing the benchmark on error.
func benchExec(b *testing.B, app core.App, sql string) {
	b.Helper()
	if _, err := app.NonconcurrentDB().NewQuery(sql).Execute(); err != nil {
		b.Fatalf("%s: %v", sql, err)
	}
}

// finishTasks adds finished tasks to the measuring team until it has n,
// due and done on days before any of its active tasks (up to three years
// back): the work of the years piling up. It checkpoints the WAL after.
func (org *benchOrg) finishTasks(b *testing.B, app core.App, n int) {
	b.Helper()
	team := org.teamIds[org.team]
	have, err := app.CountRecords("tasks", dbx.HashExp{"team": team, "status": "done"})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(benchSeed, uint64(n)))
	ids := benchIds{rng}
	members := org.members[org.team]
	err = app.RunInTransaction(func(tx core.App) error {
		add := benchInsert(tx.DB(), "tasks", "id", "team", "title", "status", "active", "assignee", "due", "priority",
			"created_by", "completed_at", "created", "updated")
		defer add.Close()
		for i := int(have); i < n; i++ {
			due := org.now.Truncate(time.Hour).Add(-time.Duration(61*24+rng.IntN(3*365*24)) * time.Hour)
			who := org.userIds[members[rng.IntN(len(members))]]
			if _, err := add.Bind(dbx.Params{
				"id": ids.next(), "team": team, "title": fmt.Sprintf("%s %d", benchTitles[rng.IntN(len(benchTitles))], i),
				"status": "done", "active": false, "assignee": who, "due": benchDate(due), "priority": "normal",
				"created_by": who, "completed_at": benchDate(due), "created": benchDate(due.AddDate(0, 0, -7)), "updated": benchDate(due),
			}).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("adding finished tasks: %v", err)
	}
	benchExec(b, app, "PRAGMA wal_checkpoint(TRUNCATE)")
}

// boardPages follows the board's pages from the first to the last, as the
// PWA scrolls them, and returns their list queries. It fails the benchmark unless
// the pages hold each active task of the team exactly once.
func boardPages(b *testing.B, app core.App, records, token, team string) []string {
	b.Helper()
	var urls []string
	seen := map[string]bool{}
	afterDue, afterId := "", ""
	for {
		query := boardPage(team, afterDue, afterId)
		u := records + "tasks/records?" + query + "&expand=assignee"
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Authorization", token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var page struct {
			Items []struct{ Id, Due string } `json:"items"`
		}
		err = json.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("%s: status %d, %v", u, res.StatusCode, err)
		}
		urls = append(urls, query)
		for _, item := range page.Items {
			if seen[item.Id] {
				b.Fatalf("task %s on two pages", item.Id)
			}
			seen[item.Id] = true
		}
		if len(page.Items) < 100 {
			break
		}
		last := page.Items[len(page.Items)-1]
		afterDue, afterId = last.Due, last.Id
	}
	active, err := app.CountRecords("tasks", dbx.HashExp{"team": team}, dbx.In("status", "open", "in_progress"))
	if err != nil {
		b.Fatal(err)
	}
	if len(seen) != int(active) {
		b.Fatalf("the board's %d pages hold %d tasks; the team has %d active", len(urls), len(seen), active)
	}
	b.Logf("%d pages, %d active tasks", len(urls), len(seen))
	return urls
}
