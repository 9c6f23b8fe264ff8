package bob_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/bob"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

var statuses = []string{bob.StatusNew, bob.StatusInProgress, bob.StatusWaiting, bob.StatusAnswered, bob.StatusClosed}

// TestQuestionCreate checks a new question: status new whatever is sent,
// each server field refused with its code, only for one's own team.
func TestQuestionCreate(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ask := func(extra map[string]any) map[string]any {
		b := map[string]any{"team": d.haarlem, "asker": d.bram, "category": "ict", "subject": "Printer", "body": "De printer doet het niet."}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "bram asks for his team: status new", Method: http.MethodPost, URL: "/api/collections/questions/records",
			Headers: authHeader(d.bramT), Body: jsonOf(t, ask(map[string]any{"status": "new"})),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"new"`, `"closed":""`, `"first_response":""`, `"flagged":""`},
			ExpectedEvents:  map[string]int{"OnRecordCreate": 1},
		},
		{
			Name: "bram cannot ask for Schalkwijk", Method: http.MethodPost, URL: "/api/collections/questions/records",
			Headers: authHeader(d.bramT), Body: jsonOf(t, ask(map[string]any{"team": d.schalkwijk})),
			ExpectedStatus: 400, ExpectedContent: []string{`"data":{}`},
		},
		{
			Name: "bram cannot ask in anna's name", Method: http.MethodPost, URL: "/api/collections/questions/records",
			Headers: authHeader(d.bramT), Body: jsonOf(t, ask(map[string]any{"asker": d.anna})),
			ExpectedStatus: 400, ExpectedContent: []string{`"data":{}`},
		},
		{
			Name: "a batch is the same path: a status sent along is refused", Method: http.MethodPost, URL: "/api/batch",
			Headers: authHeader(d.bramT),
			Body: jsonOf(t, map[string]any{"requests": []map[string]any{
				{"method": "POST", "url": "/api/collections/questions/records", "body": ask(nil)},
				{"method": "POST", "url": "/api/collections/questions/records", "body": ask(map[string]any{"status": "closed"})},
			}}),
			ExpectedStatus:  400,
			ExpectedContent: []string{"bob_question_server_field"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if n, _ := app.CountRecords(bob.QuestionsCollection); n != 5 {
					t.Errorf("%d questions, want the demo's 5: the batch wrote half", n)
				}
			},
		},
		{
			Name: "nobody asks anonymously", Method: http.MethodPost, URL: "/api/collections/questions/records",
			Body: jsonOf(t, ask(nil)), ExpectedStatus: 400, ExpectedContent: []string{`"data":{}`},
		},
	}
	for field, value := range map[string]any{
		"status": "answered", "assignee": d.bo, "first_response": "2026-01-01 10:00:00.000Z",
		"closed": "2026-01-01 10:00:00.000Z", "flagged": "2026-01-01 10:00:00.000Z", "wiki_page": "abcdefghijklmno",
	} {
		scenarios = append(scenarios, tests.ApiScenario{
			Name: "a new question cannot come with " + field, Method: http.MethodPost, URL: "/api/collections/questions/records",
			Headers: authHeader(d.boT), Body: jsonOf(t, ask(map[string]any{field: value, "asker": d.bo, "team": d.bob})),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"bob_question_server_field"`, `"field":"` + field + `"`},
		})
	}
	runScenarios(t, scenarios)
}

// TestQuestionStatusTable checks every cell of the status table through
// the record API: BOB staff (bo) make every change, the asking team
// (bram) only closes, another team (carla) does not even see the
// question. Closing sets closed, any other status clears it.
func TestQuestionStatusTable(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	id := d.question[declaratie]
	url := server.URL + "/api/collections/questions/records/" + id

	for _, from := range statuses {
		for _, to := range statuses {
			if from == to {
				continue
			}
			for _, who := range []struct{ name, token string }{{"bo", d.boT}, {"bram", d.bramT}, {"anna", d.annaT}, {"carla", d.carlaT}} {
				setQuestion(t, app, id, map[string]any{"status": from})
				status, res := testapp.Do(t, http.MethodPatch, url, who.token, map[string]any{"status": to})
				want := http.StatusOK
				switch {
				case who.name == "carla":
					want = http.StatusNotFound
				case who.name != "bo" && (to != bob.StatusClosed || from == bob.StatusClosed):
					want = http.StatusForbidden
				}
				cell := fmt.Sprintf("%s: %s → %s", who.name, from, to)
				if status != want {
					t.Errorf("%s: %d %s, want %d", cell, status, res, want)
					continue
				}
				got := questionField(t, app, id, "status")
				if want != http.StatusOK {
					if got != from {
						t.Errorf("%s: refused, yet the status is %s", cell, got)
					}
					if want == http.StatusForbidden && !strings.Contains(string(res), `"code":"bob_question_status_forbidden"`) {
						t.Errorf("%s: %s", cell, res)
					}
					continue
				}
				if got != to {
					t.Errorf("%s: status %s", cell, got)
				}
				if closed := questionField(t, app, id, "closed"); (closed != "") != (to == bob.StatusClosed) {
					t.Errorf("%s: closed %q", cell, closed)
				}
			}
		}
	}
}

// TestQuestionUpdates checks the other fields of a question: the server's
// stay the server's, BOB alone assigns (to BOB staff), the asking team
// changes nothing but the status; each refusal with its code.
func TestQuestionUpdates(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	q := d.question[declaratie]
	url := "/api/collections/questions/records/" + q
	patch := func(name, token string, body map[string]any, status int, content ...string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodPatch, URL: url, Headers: authHeader(token),
			Body: jsonOf(t, body), ExpectedStatus: status, ExpectedContent: content}
	}
	scenarios := []tests.ApiScenario{
		patch("bram cannot assign", d.bramT, map[string]any{"assignee": d.bo}, 403, `"code":"bob_question_assign_forbidden"`),
		patch("bo cannot assign to carla", d.boT, map[string]any{"assignee": d.carla}, 400, `"code":"validation_bob_assignee_not_staff"`),
		patch("bram cannot reword the question", d.bramT, map[string]any{"subject": "Anders"}, 403, `"code":"bob_question_field_forbidden"`),
		patch("bo recategorises", d.boT, map[string]any{"category": "planning"}, 200, `"category":"planning"`),
		patch("bo cannot move the question to another team", d.boT, map[string]any{"team": d.schalkwijk}, 404, `"status":404`),
		patch("bram cannot clear the flag", d.bramT, map[string]any{"flagged": "2026-01-01 10:00:00.000Z"}, 400, `"code":"bob_question_server_field"`),
	}
	for _, field := range []string{"first_response", "closed", "flagged", "wiki_page"} {
		value := "2026-01-01 10:00:00.000Z"
		if field == "wiki_page" {
			value = "abcdefghijklmno"
		}
		scenarios = append(scenarios, patch("bo cannot set "+field, d.boT, map[string]any{field: value}, 400,
			`"code":"bob_question_server_field"`, `"field":"`+field+`"`))
	}
	scenarios = append(scenarios, tests.ApiScenario{
		Name: "bo assigns dirk, a second staff member, who is told", Method: http.MethodPatch, URL: url,
		Headers: authHeader(d.boT), Body: jsonOf(t, map[string]any{"assignee": d.dirk}),
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) { makeStaff(t, app, d.dirk, d.bob) },
		ExpectedStatus: 200, ExpectedContent: []string{`"assignee":"` + d.dirk + `"`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if got := notifications(t, app, d.dirk, q); !slices.Equal(got, []string{"question_assigned"}) {
				t.Errorf("dirk's notifications: %v", got)
			}
		},
	}, tests.ApiScenario{
		Name: "bo takes a question himself: no notification", Method: http.MethodPatch, URL: url,
		Headers: authHeader(d.boT), Body: jsonOf(t, map[string]any{"assignee": d.bo}),
		ExpectedStatus: 200, ExpectedContent: []string{`"assignee":"` + d.bo + `"`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if got := notifications(t, app, d.bo, q); len(got) != 0 {
				t.Errorf("bo's notifications: %v", got)
			}
		},
	}, tests.ApiScenario{
		// a batch is the same path with the same hooks: refused as a whole
		Name: "bram's batch cannot move the status", Method: http.MethodPost, URL: "/api/batch",
		Headers: authHeader(d.bramT),
		Body: jsonOf(t, map[string]any{"requests": []map[string]any{
			{"method": "PATCH", "url": "/api/collections/questions/records/" + q, "body": map[string]any{"status": "answered"}},
		}}),
		ExpectedStatus: 400, ExpectedContent: []string{"bob_question_status_forbidden"},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if got := questionField(t, app, q, "status"); got != "new" {
				t.Errorf("status %s", got)
			}
		},
	})
	runScenarios(t, scenarios)
}

// TestQuestionInvariants checks what holds on a save from Go code, where
// no request says who makes it: closed follows the status, a first
// response is never taken back, the assignee is BOB staff.
func TestQuestionInvariants(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	app := testapp.New(t)
	id := d.question[rooster]

	setQuestion(t, app, id, map[string]any{"status": "closed"})
	closed := questionField(t, app, id, "closed")
	if closed == "" {
		t.Fatal("closing set no time")
	}
	setQuestion(t, app, id, map[string]any{"subject": "Rooster zomer"})
	if got := questionField(t, app, id, "closed"); got != closed {
		t.Errorf("a save of a closed question moved closed from %s to %s", closed, got)
	}
	setQuestion(t, app, id, map[string]any{"status": "in_progress", "first_response": ""})
	if got := questionField(t, app, id, "closed"); got != "" {
		t.Errorf("reopening left closed %s", got)
	}
	if questionField(t, app, id, "first_response") == "" {
		t.Error("the first response was taken back")
	}

	q, err := app.FindRecordById(bob.QuestionsCollection, id)
	if err != nil {
		t.Fatal(err)
	}
	q.Set("assignee", d.carla)
	if err := app.Save(q); err == nil || !strings.Contains(err.Error(), "BOB") {
		t.Errorf("assigning carla from Go: %v", err)
	}
}

// TestTeamDeletedTakesQuestions checks that IT can delete a team that
// asked BOB something: its questions and their replies go with it, and so
// do the notifications about them.
func TestTeamDeletedTakesQuestions(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	app := testapp.New(t)
	q := d.question[flyer]
	c, err := app.FindCollectionByNameOrId(bob.RepliesCollection)
	if err != nil {
		t.Fatal(err)
	}
	reply := core.NewRecord(c)
	reply.Load(map[string]any{"question": q, "author": d.bram, "body": "Hier is de tekst"})
	if err := app.Save(reply); err != nil {
		t.Fatal(err)
	}
	if len(notifications(t, app, d.bo, q)) == 0 {
		t.Fatal("bo was not told of bram's reply")
	}
	team, err := app.FindRecordById("teams", d.haarlem)
	if err != nil {
		t.Fatal(err)
	}
	testapp.DeleteClients(t, app, d.haarlem)
	if err := app.Delete(team); err != nil {
		t.Fatalf("deleting Haarlem-Noord: %v", err)
	}
	for _, c := range []struct{ collection, id string }{{bob.QuestionsCollection, q}, {bob.RepliesCollection, d.note}, {bob.RepliesCollection, d.publicReply}} {
		if _, err := app.FindRecordById(c.collection, c.id); err == nil {
			t.Errorf("%s %s is still there", c.collection, c.id)
		}
	}
	if got := notifications(t, app, d.bo, q); len(got) != 0 {
		t.Errorf("notifications about a deleted question: %v", got)
	}
	if _, err := app.FindRecordById(bob.QuestionsCollection, d.question[rooster]); err != nil {
		t.Errorf("Schalkwijk's question went too: %v", err)
	}
}
