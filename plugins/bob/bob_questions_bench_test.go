package bob_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/bob"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// queueQuestions is how many questions BenchmarkQuestionsQueue seeds.
const queueQuestions = 50_000

var queueCategories = []string{"planning", "financien", "pr", "communicatie", "ict", "overig"}

// BenchmarkQuestionsQueue measures BOB's queue as the PWA asks for it, as
// bo, over 50,000 questions of the demo's teams: a status and a category,
// the last activity first, 30 a page, asker and team expanded; through
// the real HTTP server, with the rules, the filter guard and the
// expansion. It reports the p50 and p95 of the requests' durations.
func BenchmarkQuestionsQueue(b *testing.B) {
	app := testapp.New(b)
	testapp.Unlimited(b, app)
	seedQueue(b, app)
	server := testapp.Serve(b, app)
	token := testapp.Token(b, app, "bo@buurtplein.test")

	for _, c := range []struct{ name, query string }{
		{"new_ict", `status = "new" && category = "ict"`},
		{"in_progress_pr", `status = "in_progress" && category = "pr"`},
	} {
		for _, total := range []bool{true, false} {
			name := c.name
			if !total {
				name += "_skipTotal"
			}
			b.Run(name, func(b *testing.B) {
				u := server.URL + "/api/collections/questions/records?perPage=30&sort=-updated&expand=asker,team&filter=" + url.QueryEscape(c.query)
				if !total {
					u += "&skipTotal=1"
				}
				for range 10 { // warm up
					queueGet(b, u, token)
				}
				durations := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				for range b.N {
					start := time.Now()
					queueGet(b, u, token)
					durations = append(durations, time.Since(start))
				}
				b.StopTimer()
				slices.Sort(durations)
				ms := func(q float64) float64 {
					return float64(durations[int(q*float64(len(durations)-1))]) / float64(time.Millisecond)
				}
				b.ReportMetric(ms(0.50), "p50-ms")
				b.ReportMetric(ms(0.95), "p95-ms")
			})
		}
	}
}

func queueGet(b *testing.B, u, token string) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.Fatalf("%d %s", res.StatusCode, body)
	}
}

// seedQueue writes queueQuestions questions of the three buurtteams, by
// their members, over the last year, in one transaction of plain
// INSERTs (the hooks would take minutes and add nothing to a read).
func seedQueue(b *testing.B, app core.App) {
	b.Helper()
	rng := rand.New(rand.NewPCG(20261201, 1))
	type asker struct{ team, user string }
	var askers []asker
	for _, slug := range []string{"haarlem-noord", "schalkwijk", "heemstede"} {
		team := testapp.Id(b, app, "teams", "slug", slug)
		var users []string
		if err := app.DB().Select("user").From("memberships").
			Where(dbx.HashExp{"team": team}).Column(&users); err != nil {
			b.Fatal(err)
		}
		for _, u := range users {
			askers = append(askers, asker{team, u})
		}
	}
	statuses := []string{bob.StatusNew, bob.StatusInProgress, bob.StatusWaiting, bob.StatusAnswered, bob.StatusClosed, bob.StatusClosed, bob.StatusClosed}
	now := time.Now().UTC()
	err := app.RunInTransaction(func(tx core.App) error {
		q := tx.DB().NewQuery(`INSERT INTO questions (id, team, asker, category, subject, body, attachments, status, assignee,
			first_response, closed, flagged, wiki_page, created, updated)
			VALUES ({:id}, {:team}, {:asker}, {:category}, {:subject}, {:body}, '[]', {:status}, '', '', {:closed}, '', '', {:created}, {:updated})`)
		q.Prepare()
		defer q.Close()
		for i := range queueQuestions {
			a := askers[rng.IntN(len(askers))]
			created := now.Add(-time.Duration(rng.IntN(365*24*60)) * time.Minute)
			updated := created.Add(time.Duration(rng.IntN(14*24*60)) * time.Minute)
			status := statuses[rng.IntN(len(statuses))]
			closed := ""
			if status == bob.StatusClosed {
				closed = updated.Format(types.DefaultDateLayout)
			}
			_, err := q.Bind(dbx.Params{
				"id": fmt.Sprintf("q%014d", i), "team": a.team, "asker": a.user,
				"category": queueCategories[rng.IntN(len(queueCategories))],
				"subject":  fmt.Sprintf("Vraag %d over het rooster", i), "body": "Hoe regelen andere teams dit? Wij lopen er elke week tegenaan.",
				"status": status, "closed": closed,
				"created": created.Format(types.DefaultDateLayout), "updated": updated.Format(types.DefaultDateLayout),
			}).Execute()
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("seeding the queue: %v", err)
	}
}
