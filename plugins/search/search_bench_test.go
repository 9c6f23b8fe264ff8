package search_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins"
	"buurtplein/plugins/search"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// The benchmark organisation: 200,000 posts and comments and 20,000 wiki
// pages of Dutch home-care text, over 60 teams and the demo teams.
const (
	benchTeams    = 60
	benchUsers    = 600
	benchPosts    = 80000
	benchComments = 120000
	benchPages    = 20000
)

var (
	benchOnce sync.Once
	benchDir  string // the migrated, seeded and indexed data dir
	benchErr  error
	benchInfo string // how long seeding and indexing took
)

// benchData builds the benchmark organisation once per run, in a temp dir:
// the demo organisation, the rows inserted with SQL, then indexed by the
// search migration as it indexes an existing installation.
func benchData(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		app := testapp.Factory(b)
		start := time.Now()
		if benchErr = seedBench(app); benchErr != nil {
			return
		}
		seeded := time.Since(start)
		start = time.Now()
		if benchErr = reindex(app); benchErr != nil {
			return
		}
		indexed := time.Since(start)
		var index, total int64
		if benchErr = app.DB().NewQuery("SELECT sum(pgsize) FROM dbstat WHERE substr(name, 1, 8) = '_search_'").Row(&index); benchErr != nil {
			return
		}
		if benchErr = app.DB().NewQuery("SELECT sum(pgsize) FROM dbstat").Row(&total); benchErr != nil {
			return
		}
		benchInfo = fmt.Sprintf("seeded in %s, indexed by the migration in %s; the index takes %d MiB of the database's %d MiB",
			seeded.Round(time.Millisecond), indexed.Round(time.Millisecond), index>>20, total>>20)
		if _, benchErr = app.DB().NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); benchErr != nil {
			return
		}
		benchDir, benchErr = os.MkdirTemp("", "buurtplein-search-bench-")
		if benchErr != nil {
			return
		}
		benchErr = os.CopyFS(benchDir, os.DirFS(app.DataDir()))
		app.Cleanup()
	})
	if benchErr != nil {
		b.Fatalf("building the benchmark organisation: %v", benchErr)
	}
	b.Log(benchInfo)
	return benchDir
}

// reindex runs the search migration down and up: it indexes every row.
func reindex(app core.App) error {
	for _, m := range core.AppMigrations.Items() {
		if m.File == "1764200500_search.go" {
			return app.RunInTransaction(func(txApp core.App) error {
				if err := m.Down(txApp); err != nil {
					return err
				}
				return m.Up(txApp)
			})
		}
	}
	return fmt.Errorf("no search migration")
}

func seedBench(app core.App) error {
	rng := rand.New(rand.NewPCG(10, 2026))
	v := newVocabulary(rng)
	return app.RunInTransaction(func(tx core.App) error {
		insert := func(table string, p dbx.Params) error {
			_, err := tx.DB().Insert(table, p).Execute()
			return err
		}
		id := func(prefix string, i int) string { return fmt.Sprintf("%s%0*d", prefix, 15-len(prefix), i) }

		// the demo teams take part, so carla (Schalkwijk) has team content
		var teams []string
		if err := tx.DB().Select("id").From(hooks.TeamsCollection).Where(dbx.HashExp{"kind": "buurtteam"}).Column(&teams); err != nil {
			return err
		}
		for i := range benchTeams {
			teams = append(teams, id("bteam", i))
			if err := insert("teams", dbx.Params{"id": id("bteam", i), "name": fmt.Sprintf("Buurtteam %d", i),
				"slug": fmt.Sprintf("buurtteam-%d", i), "kind": "buurtteam"}); err != nil {
				return err
			}
		}
		users := make([]string, benchUsers)
		for i := range users {
			users[i] = id("buser", i)
			if err := insert("users", dbx.Params{"id": users[i], "name": fmt.Sprintf("Medewerker %d", i),
				"email": fmt.Sprintf("m%d@example.test", i), "password": "x", "tokenKey": fmt.Sprintf("key%027d", i)}); err != nil {
				return err
			}
		}
		created := func(i int) string {
			return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7 * time.Minute).Format("2006-01-02 15:04:05.000Z")
		}

		for i := range benchPosts {
			team, visibility := teams[rng.IntN(len(teams))], "team"
			switch r := rng.IntN(20); {
			case r == 0:
				team, visibility = "", "organisation"
			case r < 4:
				visibility = "organisation"
			}
			if err := insert("posts", dbx.Params{"id": id("bpost", i), "team": team, "author": users[rng.IntN(len(users))],
				"kind": "update", "visibility": visibility, "title": dutchTitle(rng, v), "body": dutchText(rng, v, 30, 120),
				"created": created(i), "updated": created(i)}); err != nil {
				return err
			}
		}
		for i := range benchComments {
			if err := insert("comments", dbx.Params{"id": id("bcomm", i), "post": id("bpost", rng.IntN(benchPosts)),
				"author": users[rng.IntN(len(users))], "body": dutchText(rng, v, 5, 30), "created": created(i), "updated": created(i)}); err != nil {
				return err
			}
		}
		for i := range benchPages {
			team, shared := teams[rng.IntN(len(teams))], rng.IntN(10) == 0
			if rng.IntN(10) < 3 {
				team, shared = "", false
			}
			if err := insert("wiki_pages", dbx.Params{"id": id("bpage", i), "team": team, "slug": fmt.Sprintf("pagina-%d", i),
				"title": dutchTitle(rng, v), "body": dutchText(rng, v, 100, 400), "revision": 1, "shared": shared,
				"created": created(i), "updated": created(i)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Words of the benchmark's text: what home-care teams write about.
var (
	benchNouns = strings.Fields(`cliënt cliënten wondzorg wond verband medicatie insuline steunkousen dementie mantelzorger
		zorgplan overdracht rooster dienst weekend avonddienst nachtdienst sleutelkastje sleutel huisarts apotheek
		valpreventie rolstoel tillift douche hulpmiddelen thuiszorg wijkverpleegkundige verzorgende indicatie
		decubitus katheter stoma diabetes bloeddruk pijnstilling palliatieve zorg familie buurthuis teamoverleg
		scholing protocol richtlijn incident melding evaluatie intake huisbezoek voeding vochtbalans zuurstof
		infuus injectie medicijnrol baxterrol hygiëne handschoenen mondkapje griepprik vaccinatie planning
		vakantie ziekmelding inwerken stagiair leerling collega coördinator budget declaratie parkeervergunning
		auto fiets telefoon laptop app inlogcode wachtwoord agenda notulen afspraak bezoek rapportage dossier`)
	benchVerbs = strings.Fields(`controleren verschonen bestellen bellen overleggen plannen rapporteren meten
		toedienen aanvragen evalueren bespreken vervangen opruimen regelen ophalen afstemmen noteren`)
	benchWords = strings.Fields(`de het een en van in op met voor bij naar is zijn wordt graag vandaag morgen
		dinsdag vrijdag mevrouw meneer nieuwe goede extra alle elke onze jullie ook nog even wel niet
		let op vanaf tot eerst daarna want dus omdat zodat hierover hieronder afgelopen volgende week`)
)

// vocabulary is the benchmark's content words: the nouns and verbs, and
// compounds of two nouns as Dutch makes them ("wondzorgprotocol"), in a
// fixed shuffled order, picked by Zipf's law as words are in real text:
// a few are common, most are rare.
type vocabulary struct {
	words []string
	zipf  *rand.Zipf
}

func newVocabulary(rng *rand.Rand) *vocabulary {
	words := append(slices.Clone(benchNouns), benchVerbs...)
	for len(words) < 4000 {
		words = append(words, benchNouns[rng.IntN(len(benchNouns))]+benchNouns[rng.IntN(len(benchNouns))])
	}
	rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	return &vocabulary{words: words, zipf: rand.NewZipf(rng, 1.07, 2, uint64(len(words)-1))}
}

func (v *vocabulary) word() string { return v.words[v.zipf.Uint64()] }

func dutchTitle(rng *rand.Rand, v *vocabulary) string {
	n := v.word()
	return strings.ToUpper(n[:1]) + n[1:] + " " + benchWords[rng.IntN(len(benchWords))] + " " + v.word()
}

func dutchText(rng *rand.Rand, v *vocabulary, minWords, maxWords int) string {
	n := minWords + rng.IntN(maxWords-minWords+1)
	var sb strings.Builder
	for i := range n {
		if i > 0 {
			sb.WriteByte(' ')
		}
		if rng.IntN(10) < 4 {
			sb.WriteString(v.word())
		} else {
			sb.WriteString(benchWords[rng.IntN(len(benchWords))])
		}
		if rng.IntN(12) == 0 {
			sb.WriteByte('.')
		}
	}
	return sb.String()
}

// benchQueries are what colleagues search for: whole words, prefixes,
// two words, with and without accents.
var benchQueries = []string{
	"wondzorg", "wond", "insuline", "client", "cliënt dementie", "medicatie bestellen", "steunk",
	"overdracht weekend", "sleutelkastje", "tillift", "valpreventie rolstoel", "zorgplan evalueren",
	"decubitus", "katheter", "griepprik", "protocol hygiëne", "baxterrol", "nachtdienst rooster",
	"palliatieve zorg", "parkeervergunning", "de", "zuurstof meten", "mantelzorger bellen", "inlog",
}

// BenchmarkSearch measures the search route as carla (one team) and bo
// (BOB: organisation content only) use it, over the benchmark
// organisation, and what the index adds to saving a post. It reports the
// p50 and p95 of each.
//
//	GOTOOLCHAIN=auto go test ./plugins/search/ -run '^$' -bench BenchmarkSearch -benchtime 200x
func BenchmarkSearch(b *testing.B) {
	dir := benchData(b)

	app, err := tests.NewTestApp(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer app.Cleanup()
	testapp.Register(app)
	testapp.Unlimited(b, app)
	server := testapp.Serve(b, app)

	for _, who := range []string{"carla", "bo"} {
		token := testapp.Token(b, app, who+"@buurtplein.test")
		for _, kind := range []string{"", "wiki_pages"} {
			name := who + "_all_kinds"
			if kind != "" {
				name = who + "_" + kind
			}
			b.Run(name, func(b *testing.B) {
				var times []time.Duration
				i := 0
				for b.Loop() {
					u := server.URL + query(benchQueries[i%len(benchQueries)])
					if kind != "" {
						u += "&kind=" + kind
					}
					i++
					start := time.Now()
					status := get(b, u, token)
					times = append(times, time.Since(start))
					if status != http.StatusOK {
						b.Fatalf("status %d", status)
					}
				}
				report(b, times)
			})
		}
	}

	// the CPU time of the search itself (search.Search for each kind, on
	// this goroutine's thread): what a search costs on a machine busy
	// with other work, where the wall time also counts the waiting
	var carlaTeams []string
	if err := app.DB().Select("team").From("memberships").Where(dbx.HashExp{"user": testapp.Id(b, app, "users", "email", "carla@buurtplein.test")}).Column(&carlaTeams); err != nil {
		b.Fatal(err)
	}
	b.Run("carla_all_kinds_cpu", func(b *testing.B) {
		var times []time.Duration
		i := 0
		for b.Loop() {
			terms, err := search.ParseQuery(benchQueries[i%len(benchQueries)])
			if err != nil {
				b.Fatal(err)
			}
			i++
			cpu := threadCPU()
			if _, err := search.Search(app, search.Kinds(app), terms, carlaTeams); err != nil {
				b.Fatal(err)
			}
			times = append(times, cpu())
		}
		report(b, times)
	})

	b.Run("save_post_indexed", func(b *testing.B) { benchSave(b, app) })

	bare, err := tests.NewTestApp(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer bare.Cleanup()
	hooks.Bind(bare)
	for _, p := range plugins.All {
		// tasks adds its kind to the search plugin and needs it; a post's
		// save does not involve it
		if p.Name != "search" && p.Name != "tasks" {
			if err := p.Register(bare, plugins.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("save_post_without_index", func(b *testing.B) { benchSave(b, bare) })
}

// benchSave saves new posts of 30 to 120 words in carla's team, each
// from Go (app.Save, its own transaction).
func benchSave(b *testing.B, app core.App) {
	rng := rand.New(rand.NewPCG(1, 2))
	v := newVocabulary(rand.New(rand.NewPCG(10, 2026)))
	posts, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		b.Fatal(err)
	}
	carla := testapp.Id(b, app, "users", "email", "carla@buurtplein.test")
	team := testapp.Id(b, app, "teams", "slug", "schalkwijk")
	var times []time.Duration
	for b.Loop() {
		post := core.NewRecord(posts)
		post.Load(map[string]any{"team": team, "author": carla, "kind": "update", "visibility": "team",
			"title": dutchTitle(rng, v), "body": dutchText(rng, v, 30, 120)})
		start := time.Now()
		if err := app.Save(post); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	report(b, times)
}

func get(b *testing.B, u, token string) int {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// threadCPU locks the goroutine to its thread and returns a function that
// unlocks it and returns the CPU time the thread used meanwhile.
func threadCPU() func() time.Duration {
	runtime.LockOSThread()
	var before syscall.Rusage
	syscall.Getrusage(rusageThread, &before)
	return func() time.Duration {
		var after syscall.Rusage
		syscall.Getrusage(rusageThread, &after)
		runtime.UnlockOSThread()
		return time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	}
}

// rusageThread is Linux's RUSAGE_THREAD.
const rusageThread = 1

// report adds the p50 and p95 of times, in milliseconds.
func report(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	at := func(p float64) float64 {
		return float64(times[int(p*float64(len(times)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}
