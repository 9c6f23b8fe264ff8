package mustread_test

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The generated organisation of the benchmark.
const (
	benchTeams     = 150
	benchEmployees = 3000
	benchBlocked   = 30 // of the employees
	benchMustReads = 40 // organisation must-read posts, besides the page
	benchPosts     = 20000
	benchWarmup    = 5
)

// benchOrg is what seedBenchOrganisation made.
type benchOrg struct {
	users []string
	page  string // an organisation protocol, must-read for everyone, revision 2
	post  string // an organisation must-read post
}

// seedBenchOrganisation adds 150 teams of 20 employees (one membership
// each; 30 of them blocked), an organisation protocol at revision 2 that
// half of them confirmed (and a fifth of them only at revision 1), and 40
// organisation must-read posts each confirmed by a third, among 20,000
// posts that ask nothing (2,000 of them for the organisation), with plain
// SQL in one transaction, in the formats PocketBase writes.
func seedBenchOrganisation(b *testing.B, app core.App) benchOrg {
	b.Helper()
	org := benchOrg{page: security.RandomString(15)}
	now := types.NowDateTime()
	err := app.RunInTransaction(func(tx core.App) error {
		insert := func(table string, row dbx.Params) error {
			_, err := tx.DB().Insert(table, row).Execute()
			return err
		}
		teams := make([]string, benchTeams)
		for i := range teams {
			teams[i] = security.RandomString(15)
			if err := insert("teams", dbx.Params{"id": teams[i], "name": fmt.Sprintf("Buurtteam %d", i),
				"slug": fmt.Sprintf("bench-%d", i), "kind": "buurtteam"}); err != nil {
				return err
			}
		}
		for i := range benchEmployees {
			id := security.RandomString(15)
			org.users = append(org.users, id)
			if err := insert("users", dbx.Params{"id": id, "name": fmt.Sprintf("Medewerker %04d", i),
				"email": fmt.Sprintf("medewerker%d@bench.test", i), "password": "x", "tokenKey": security.RandomString(30),
				"disabled": i%(benchEmployees/benchBlocked) == 7, "created": now.String(), "updated": now.String()}); err != nil {
				return err
			}
			if err := insert("memberships", dbx.Params{"id": security.RandomString(15), "team": teams[i%benchTeams],
				"user": id, "role": "member", "created": now.String()}); err != nil {
				return err
			}
		}

		if err := insert("wiki_pages", dbx.Params{"id": org.page, "slug": "bench-protocol", "title": "Valpreventie",
			"body": strings.Repeat("Een protocol. ", 200), "revision": 2, "protocol": true, "must_read": true,
			"created": now.String(), "updated": now.String()}); err != nil {
			return err
		}
		for i, user := range org.users {
			revision := 0
			switch {
			case i%2 == 0:
				revision = 2
			case i%5 == 1:
				revision = 1
			}
			if revision > 0 {
				if err := insert("reads", dbx.Params{"id": security.RandomString(15), "user": user, "page": org.page,
					"revision": revision, "created": now.String()}); err != nil {
					return err
				}
			}
		}

		// the feed around them: posts that ask nothing, one in ten for
		// the whole organisation
		for p := range benchPosts {
			visibility := "team"
			if p%10 == 0 {
				visibility = "organisation"
			}
			when := types.NowDateTime().Add(-time.Duration(p) * time.Minute).String()
			if err := insert("posts", dbx.Params{"id": security.RandomString(15), "team": teams[p%benchTeams],
				"author": org.users[p%benchEmployees], "kind": "update", "visibility": visibility,
				"title": fmt.Sprintf("Bericht %d", p), "body": "tekst", "created": when, "updated": when}); err != nil {
				return err
			}
		}
		for p := range benchMustReads {
			post := security.RandomString(15)
			if p == 0 {
				org.post = post
			}
			when := types.NowDateTime().Add(-time.Duration(p) * time.Hour).String()
			if err := insert("posts", dbx.Params{"id": post, "author": org.users[p], "kind": "update",
				"visibility": "organisation", "title": fmt.Sprintf("Lees dit %d", p), "body": "tekst", "must_read": true,
				"created": when, "updated": when}); err != nil {
				return err
			}
			for i, user := range org.users {
				if i%3 == p%3 {
					if err := insert("reads", dbx.Params{"id": security.RandomString(15), "user": user, "post": post,
						"created": now.String()}); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return org
}

// BenchmarkReaders measures the readers overview of an organisation-wide
// must-read over 3,000 employees (as BOB asks it, over HTTP through the
// full router), an employee's list of unconfirmed must-reads, and a
// reminder to the ~1,500 who have not confirmed. Each sub-benchmark
// reports p50/p95/p99 of its own request durations. Run it with:
//
//	GOTOOLCHAIN=auto go test ./plugins/mustread/ -run XXX -bench Readers -benchtime 200x -benchmem
func BenchmarkReaders(b *testing.B) {
	app := testapp.New(b)
	start := time.Now()
	org := seedBenchOrganisation(b, app)
	b.Logf("seeded %d employees, a protocol and %d must-read posts in %s", benchEmployees, benchMustReads, time.Since(start).Round(time.Millisecond))
	if _, err := app.NonconcurrentDB().NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	app.Settings().RateLimits.Enabled = false
	server := testapp.Serve(b, app)
	bo := testapp.Token(b, app, "bo@buurtplein.test")
	employee, err := app.FindRecordById("users", org.users[1])
	if err != nil {
		b.Fatal(err)
	}
	mine, err := employee.NewAuthToken()
	if err != nil {
		b.Fatal(err)
	}

	gets := []struct{ name, path, token string }{
		{"page_readers", "/api/buurtplein/wiki/" + org.page + "/readers", bo},
		{"post_readers", "/api/buurtplein/posts/" + org.post + "/readers", bo},
		{"my_mustreads", "/api/buurtplein/mustread", mine},
	}
	for _, g := range gets {
		b.Run(g.name, func(b *testing.B) {
			u := server.URL + g.path
			b.Logf("%d bytes", len(benchRequest(b, http.MethodGet, u, g.token)))
			for range benchWarmup {
				benchRequest(b, http.MethodGet, u, g.token)
			}
			var durations []time.Duration
			for b.Loop() {
				t0 := time.Now()
				benchRequest(b, http.MethodGet, u, g.token)
				durations = append(durations, time.Since(t0))
			}
			reportPercentiles(b, durations)
		})
	}

	// a reminder of the protocol to who has not confirmed it; the day's
	// reminder and the notifications go before the next, outside the timing
	b.Run("remind", func(b *testing.B) {
		u := server.URL + "/api/buurtplein/wiki/" + org.page + "/readers/remind"
		var durations []time.Duration
		for b.Loop() {
			b.StopTimer()
			if _, err := app.DB().Delete("notifications", dbx.HashExp{"subject": org.page}).Execute(); err != nil {
				b.Fatal(err)
			}
			if _, err := app.DB().Delete("mustread_reminders", dbx.HashExp{"page": org.page}).Execute(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			t0 := time.Now()
			answer := benchRequest(b, http.MethodPost, u, bo)
			durations = append(durations, time.Since(t0))
			if !strings.Contains(answer, `"notified":1`) {
				b.Fatalf("remind: %s", answer)
			}
		}
		reportPercentiles(b, durations)
	})
}

// benchRequest sends one request as token and returns the answer; it
// fails the benchmark on a status other than 200.
func benchRequest(b *testing.B, method, u, token string) string {
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	answer, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		b.Fatalf("%s %s: %d %s %v", method, u, res.StatusCode, answer, err)
	}
	return string(answer)
}

// reportPercentiles reports the 50th, 95th and 99th percentile of
// durations in milliseconds.
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
