package tasks_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
)

// benchWords are the words the task texts of BenchmarkTaskSaveSearch are
// drawn from.
var benchWords = strings.Fields(`de het een en van voor bij met naar op in aan
	wondzorg verband medicatie insuline steunkousen douchen tillift rollator
	apotheek huisarts familie mantelzorger controleren bestellen ophalen
	afspreken overdragen nalopen mevrouw meneer cliënt dinsdag vrijdag ochtend
	avond sleutel kastje agenda overleg protocol dossier bloeddruk suiker`)

// BenchmarkTaskSaveSearch measures what the search index adds to a task's
// save: new tasks of Haarlem-Noord (a title, 20 to 80 words of description
// and three checklist items), saved from Go (app.Save, its own
// transaction), in the demo organisation with the index (indexed) and in
// the same organisation with the index tables dropped (not_indexed: the
// search plugin then leaves the index alone). Run it with:
//
//	GOTOOLCHAIN=auto go test ./plugins/tasks/ -run '^$' -bench TaskSaveSearch -benchtime 300x
func BenchmarkTaskSaveSearch(b *testing.B) {
	indexed := testapp.New(b)
	bare := testapp.New(b)
	for _, sql := range []string{`DROP TABLE _search_fts`, `DROP TABLE _search_docs`} {
		if _, err := bare.DB().NewQuery(sql).Execute(); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("indexed", func(b *testing.B) { benchTaskSave(b, indexed) })
	b.Run("not_indexed", func(b *testing.B) { benchTaskSave(b, bare) })
}

func benchTaskSave(b *testing.B, app core.App) {
	rng := rand.New(rand.NewPCG(1, 2026))
	words := func(lo, hi int) string {
		n := lo + rng.IntN(hi-lo+1)
		out := make([]string, n)
		for i := range out {
			out[i] = benchWords[rng.IntN(len(benchWords))]
		}
		return strings.Join(out, " ")
	}
	tasks, err := app.FindCollectionByNameOrId("tasks")
	if err != nil {
		b.Fatal(err)
	}
	team := testapp.Id(b, app, "teams", "slug", "haarlem-noord")
	bram := testapp.Id(b, app, "users", "email", "bram@buurtplein.test")
	var times []time.Duration
	i := 0
	for b.Loop() {
		i++
		task := core.NewRecord(tasks)
		task.Load(map[string]any{
			"team": team, "created_by": bram, "status": "open",
			"title":       fmt.Sprintf("%s %d", words(2, 5), i),
			"description": words(20, 80),
			"checklist": []map[string]any{
				{"text": words(2, 6), "done": false}, {"text": words(2, 6), "done": false}, {"text": words(2, 6), "done": true},
			},
		})
		start := time.Now()
		if err := app.Save(task); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	reportPercentiles(b, times)
}
