package wiki_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/wiki"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
)

// benchPages is how many pages the benchmark's wikis hold.
const benchPages = 20_000

// BenchmarkPageSave saves a page through the record API (PATCH, as anna,
// with the revision it starts from) among 20,000 pages of realistic Dutch
// text, each with its first revision: the rules, the checks, the stale
// check and the new revision in one transaction. It reports the p50 and
// p95 of one save.
//
//	GOTOOLCHAIN=auto go test ./plugins/wiki/ -run XXX -bench BenchmarkPageSave -benchtime 300x
func BenchmarkPageSave(b *testing.B) {
	app := testapp.New(b)
	testapp.Unlimited(b, app)
	haarlem := testapp.Id(b, app, "teams", "slug", "haarlem-noord")
	anna := testapp.Id(b, app, "users", "email", "anna@buurtplein.test")
	token := testapp.Token(b, app, "anna@buurtplein.test")
	ids := fillWikis(b, app, haarlem, anna)
	server := testapp.Serve(b, app)

	r := rand.New(rand.NewPCG(5, 6))
	revision := map[string]int{}
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := ids[r.IntN(len(ids))]
		if revision[id] == 0 {
			revision[id] = 1
		}
		body := map[string]any{
			"revision": revision[id],
			"body":     dutchText(r, 1000+r.IntN(4000)),
			"summary":  fmt.Sprintf("Bijgewerkt (%d)", i),
		}
		start := time.Now()
		status, res := testapp.Do(b, http.MethodPatch, server.URL+"/api/collections/wiki_pages/records/"+id, token, body)
		took = append(took, time.Since(start))
		if status != http.StatusOK {
			b.Fatalf("save %d: %d %s", i, status, res)
		}
		revision[id]++
	}
	b.StopTimer()

	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}

// fillWikis writes benchPages pages, each with its first revision, straight
// into the database (the hooks would take minutes): most in Haarlem-Noord's
// wiki by author, the rest in the organisation's. It returns the ids of
// Haarlem-Noord's pages.
func fillWikis(b *testing.B, app core.App, team, author string) []string {
	b.Helper()
	r := rand.New(rand.NewPCG(7, 8))
	now := types.NowDateTime().String()
	var ids []string
	err := app.RunInTransaction(func(txApp core.App) error {
		for i := 0; i < benchPages; i++ {
			id := security.RandomStringWithAlphabet(15, "abcdefghijklmnopqrstuvwxyz0123456789")
			pageTeam := team
			if i%5 == 0 {
				pageTeam = "" // every fifth page is the organisation's
			} else {
				ids = append(ids, id)
			}
			title, _, _ := strings.Cut(dutchText(r, 20), ".")
			body := dutchText(r, 1000+r.IntN(4000))
			_, err := txApp.DB().Insert(wiki.PagesCollection, dbx.Params{
				"id": id, "team": pageTeam, "slug": fmt.Sprintf("pagina-%d", i), "title": title, "body": body,
				"revision": 1, "summary": "", "shared": false, "protocol": false, "must_read": false,
				"must_read_team": "", "attachments": "[]", "created_by": author, "updated_by": author,
				"parent": "", "created": now, "updated": now,
			}).Execute()
			if err != nil {
				return err
			}
			_, err = txApp.DB().Insert(wiki.RevisionsCollection, dbx.Params{
				"id":   security.RandomStringWithAlphabet(15, "abcdefghijklmnopqrstuvwxyz0123456789"),
				"page": id, "revision": 1, "title": title, "body": body, "summary": "", "author": author, "created": now,
			}).Execute()
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("filling the wikis: %v", err)
	}
	return ids
}
