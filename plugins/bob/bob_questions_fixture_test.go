package bob_test

import (
	"net/http"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/bob"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Subjects of the demo questions (plugins/bob/bob_questions_demo.go).
const (
	declaratie  = "Declaratie reiskosten scholing" // haarlem-noord, anna, new
	flyer       = "Flyer voor de open dag"         // haarlem-noord, bram, waiting, bo, a public reply and an internal note
	rooster     = "Rooster zomerperiode"           // schalkwijk, carla, answered
	tablet      = "Tablet start niet meer op"      // schalkwijk, dirk, new, flagged
	nieuwsbrief = "Nieuwsbrief voor de wijk"       // heemstede, eva, closed
)

// desk holds the ids and tokens of the questions desk's scenarios. The
// test apps are copies of one seeded data dir, so they hold in each.
type desk struct {
	haarlem, schalkwijk, bob                       string // team ids
	anna, bram, carla, dirk, eva, bo               string // user ids
	annaT, bramT, carlaT, dirkT, evaT, boT, superT string // tokens
	question                                       map[string]string
	note, publicReply                              string // the internal note and the public reply on flyer
}

func newDesk(t testing.TB) desk {
	t.Helper()
	app := testapp.New(t)
	user := func(name string) string { return testapp.Id(t, app, "users", "email", name+"@buurtplein.test") }
	team := func(slug string) string { return testapp.Id(t, app, "teams", "slug", slug) }
	d := desk{
		haarlem: team("haarlem-noord"), schalkwijk: team("schalkwijk"), bob: team("bob"),
		anna: user("anna"), bram: user("bram"), carla: user("carla"), dirk: user("dirk"), eva: user("eva"), bo: user("bo"),
		annaT:    testapp.Token(t, app, "anna@buurtplein.test"),
		bramT:    testapp.Token(t, app, "bram@buurtplein.test"),
		carlaT:   testapp.Token(t, app, "carla@buurtplein.test"),
		dirkT:    testapp.Token(t, app, "dirk@buurtplein.test"),
		evaT:     testapp.Token(t, app, "eva@buurtplein.test"),
		boT:      testapp.Token(t, app, "bo@buurtplein.test"),
		superT:   testapp.Token(t, app, "it@buurtplein.test"),
		question: map[string]string{},
	}
	for _, s := range []string{declaratie, flyer, rooster, tablet, nieuwsbrief} {
		d.question[s] = testapp.Id(t, app, bob.QuestionsCollection, "subject", s)
	}
	note, err := app.FindFirstRecordByFilter(bob.RepliesCollection, "question = {:q} && internal = true", dbx.Params{"q": d.question[flyer]})
	if err != nil {
		t.Fatal(err)
	}
	public, err := app.FindFirstRecordByFilter(bob.RepliesCollection, "question = {:q} && internal = false", dbx.Params{"q": d.question[flyer]})
	if err != nil {
		t.Fatal(err)
	}
	d.note, d.publicReply = note.Id, public.Id
	return d
}

// The texts of the demo conversation on flyer: the note's is BOB's alone.
const (
	noteWord   = "PR-budget"
	publicWord = "catalogus"
)

// setQuestion changes a question as Go code does.
func setQuestion(t testing.TB, app core.App, id string, fields map[string]any) {
	t.Helper()
	q, err := app.FindRecordById(bob.QuestionsCollection, id)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		q.Set(k, v)
	}
	if err := app.Save(q); err != nil {
		t.Fatalf("saving question %s: %v", id, err)
	}
}

// questionField reads one field of a question.
func questionField(t testing.TB, app core.App, id, field string) string {
	t.Helper()
	q, err := app.FindRecordById(bob.QuestionsCollection, id)
	if err != nil {
		t.Fatal(err)
	}
	return q.GetString(field)
}

// notifications returns the kinds of the notifications of user about
// question id.
func notifications(t testing.TB, app core.App, user, id string) []string {
	t.Helper()
	var kinds []string
	err := app.DB().Select("kind").From("notifications").
		Where(dbx.HashExp{"user": user, "subject": id}).OrderBy("rowid").Column(&kinds)
	if err != nil {
		t.Fatal(err)
	}
	return kinds
}

// makeStaff adds user to BOB's team, so a scenario has a second staff
// member.
func makeStaff(t testing.TB, app core.App, user, bobTeam string) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("memberships")
	if err != nil {
		t.Fatal(err)
	}
	m := core.NewRecord(c)
	m.Set("team", bobTeam)
	m.Set("user", user)
	m.Set("role", "member")
	if err := app.Save(m); err != nil {
		t.Fatal(err)
	}
}

var _ = http.StatusOK
