package bob_test

import (
	"net/http"
	"slices"
	"testing"

	"buurtplein/plugins/bob"

	"github.com/pocketbase/pocketbase/tests"
)

// TestReplies checks what a reply does: its author is the caller, notes
// are BOB's, BOB's first public reply is the first response, the asking
// team's reply reopens, and no team reply to a closed question; each
// change of the question lands with the reply.
func TestReplies(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	reply := func(name, token string, body map[string]any, status int, content ...string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodPost, URL: "/api/collections/question_replies/records",
			Headers: authHeader(token), Body: jsonOf(t, body), ExpectedStatus: status, ExpectedContent: content}
	}
	unchangedQuestion := func(id, status string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if got := questionField(t, app, id, "status"); got != status {
				t.Errorf("status %s, want %s", got, status)
			}
			n, err := app.CountRecords(bob.RepliesCollection)
			if err != nil || n != 5 {
				t.Errorf("%d replies (%v), want the demo's 5", n, err)
			}
		}
	}
	decl, flyerQ, roosterQ, closedQ := d.question[declaratie], d.question[flyer], d.question[rooster], d.question[nieuwsbrief]

	scenarios := []tests.ApiScenario{
		reply("bram cannot write an internal note", d.bramT,
			map[string]any{"question": decl, "author": d.bram, "body": "Intern", "internal": true},
			403, `"code":"bob_reply_internal_forbidden"`),
		reply("bram cannot reply in anna's name", d.bramT,
			map[string]any{"question": decl, "author": d.anna, "body": "Hallo"}, 400, `"data":{}`),
		reply("carla cannot reply to Haarlem-Noord's question, and learns nothing", d.carlaT,
			map[string]any{"question": decl, "author": d.carla, "body": "Hallo", "internal": true}, 400, `"data":{}`),
		reply("eva's team cannot reply to its closed question", d.evaT,
			map[string]any{"question": closedQ, "author": d.eva, "body": "Nog een vraag"},
			400, `"code":"bob_question_closed"`),
	}
	for i := range scenarios {
		scenarios[i].AfterTestFunc = unchangedQuestion(decl, "new")
	}
	scenarios[3].AfterTestFunc = unchangedQuestion(closedQ, "closed")

	first := reply("bo's first public reply: the first response, in progress, anna told", d.boT,
		map[string]any{"question": decl, "author": d.bo, "body": "Kostenplaats 4410."}, 200, `"internal":false`)
	first.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		if questionField(t, app, decl, "first_response") == "" || questionField(t, app, decl, "status") != "in_progress" {
			t.Error("no first response, or not in progress")
		}
		if got := notifications(t, app, d.anna, decl); !slices.Equal(got, []string{"question_answered"}) {
			t.Errorf("anna's notifications: %v", got)
		}
	}
	note := reply("bo's internal note changes nothing of the question", d.boT,
		map[string]any{"question": decl, "author": d.bo, "body": "Even navragen", "internal": true}, 200, `"internal":true`)
	note.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		if questionField(t, app, decl, "first_response") != "" || questionField(t, app, decl, "status") != "new" {
			t.Error("a note counted as a response")
		}
		if got := notifications(t, app, d.anna, decl); len(got) != 0 {
			t.Errorf("anna was told of a note: %v", got)
		}
	}
	reopen := reply("bram's reply reopens the waiting question and tells bo", d.bramT,
		map[string]any{"question": flyerQ, "author": d.bram, "body": "Tekst volgt."}, 200, `"author":"`+d.bram+`"`)
	reopen.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		if got := questionField(t, app, flyerQ, "status"); got != "in_progress" {
			t.Errorf("status %s", got)
		}
		if got := notifications(t, app, d.bo, flyerQ); !slices.Contains(got, "question_replied") {
			t.Errorf("bo's notifications: %v", got)
		}
	}
	answered := reply("dirk's reply reopens Schalkwijk's answered question", d.dirkT,
		map[string]any{"question": roosterQ, "author": d.dirk, "body": "Waar in de wiki?"}, 200)
	answered.ExpectedContent = []string{`"body":"Waar in de wiki?"`}
	answered.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		if got := questionField(t, app, roosterQ, "status"); got != "in_progress" {
			t.Errorf("status %s", got)
		}
	}
	bobClosed := reply("BOB may still write on a closed question", d.boT,
		map[string]any{"question": closedQ, "author": d.bo, "body": "Aanvulling"}, 200, `"body":"Aanvulling"`)
	scenarios = append(scenarios, first, note, reopen, answered, bobClosed,
		tests.ApiScenario{
			Name: "bo replies and marks answered in one batch", Method: http.MethodPost, URL: "/api/batch",
			Headers: authHeader(d.boT),
			Body: jsonOf(t, map[string]any{"requests": []map[string]any{
				{"method": "POST", "url": "/api/collections/question_replies/records", "body": map[string]any{"question": decl, "author": d.bo, "body": "Zie de wiki."}},
				{"method": "PATCH", "url": "/api/collections/questions/records/" + decl, "body": map[string]any{"status": "answered"}},
			}}),
			ExpectedStatus: 200, ExpectedContent: []string{`"status":"answered"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if questionField(t, app, decl, "first_response") == "" || questionField(t, app, decl, "status") != "answered" {
					t.Error("the batch's reply or status did not land")
				}
				if got := notifications(t, app, d.anna, decl); !slices.Equal(got, []string{"question_answered"}) {
					t.Errorf("anna's notifications: %v", got)
				}
			},
		},
		tests.ApiScenario{
			Name: "a batch whose status change is refused writes no reply either", Method: http.MethodPost, URL: "/api/batch",
			Headers: authHeader(d.bramT),
			Body: jsonOf(t, map[string]any{"requests": []map[string]any{
				{"method": "POST", "url": "/api/collections/question_replies/records", "body": map[string]any{"question": flyerQ, "author": d.bram, "body": "Hier is de tekst"}},
				{"method": "PATCH", "url": "/api/collections/questions/records/" + flyerQ, "body": map[string]any{"status": "answered"}},
			}}),
			ExpectedStatus: 400, ExpectedContent: []string{"bob_question_status_forbidden"},
			AfterTestFunc: unchangedQuestion(flyerQ, "waiting"),
		},
		tests.ApiScenario{
			Name: "replies are never changed", Method: http.MethodPatch, URL: "/api/collections/question_replies/records/" + d.publicReply,
			Headers: authHeader(d.boT), Body: jsonOf(t, map[string]any{"body": "Anders"}),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
		},
	)
	runScenarios(t, scenarios)
}
