package tasks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"
)

// TestTransferServerFields checks that nobody but the server writes who
// answered an offer, when, and what the task is called in it, and that
// only the sender writes the note, while the offer waits: on the record
// API, in a batch and through a batch upsert.
func TestTransferServerFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	const records = "/api/collections/task_transfers/records"
	offerURL := records + "/" + f.offer // bram's offer of wondzorg to anna
	newOffer := `"task":"` + f.task[weekoverleg] + `","from_user":"` + f.anna + `","to_user":"` + f.bram + `"`
	batch := func(requests string) *tests.ApiScenario {
		return &tests.ApiScenario{Method: http.MethodPost, URL: "/api/batch", Body: body(`{"requests":[` + requests + `]}`)}
	}
	refused := func(name, token string, s *tests.ApiScenario, field string) tests.ApiScenario {
		s.Name = name
		s.Headers = auth(token)
		s.ExpectedStatus = 400
		s.ExpectedContent = []string{`"` + field + `":{"code":"validation_`}
		return unchanged(*s)
	}
	answered := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		update(t, app, "task_transfers", f.offer, map[string]any{"status": "accepted", "responded_by": f.anna, "responded_at": types.NowDateTime()})
	}

	run(t, []tests.ApiScenario{
		{
			Name:            "anna offers weekoverleg to bram, as the PWA does",
			Method:          http.MethodPost,
			URL:             records,
			Headers:         auth(f.annaT),
			Body:            body(`{` + newOffer + `,"status":"pending","note":"Neem jij hem?"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"responded_by":""`, `"responded_at":""`, `"task_title":"` + weekoverleg + `"`},
		},
		// a new offer that looks answered already
		refused("anna's new offer says bram answered it", f.annaT,
			&tests.ApiScenario{Method: http.MethodPost, URL: records, Body: body(`{` + newOffer + `,"responded_by":"` + f.bram + `"}`)}, "responded_by"),
		refused("anna's new offer says when it was answered", f.annaT,
			&tests.ApiScenario{Method: http.MethodPost, URL: records, Body: body(`{` + newOffer + `,"responded_at":"2026-01-01 10:00:00.000Z"}`)}, "responded_at"),
		refused("anna's new offer renames the task", f.annaT,
			&tests.ApiScenario{Method: http.MethodPost, URL: records, Body: body(`{` + newOffer + `,"task_title":"DRINGEND: log opnieuw in op http://phish.example/"}`)}, "task_title"),
		refused("anna's new offer in a batch says bram answered it", f.annaT,
			batch(`{"method":"POST","url":"`+records+`","body":{`+newOffer+`,"responded_by":"`+f.bram+`"}}`), "responded_by"),
		refused("anna's new offer as a batch upsert says bram answered it", f.annaT,
			batch(`{"method":"PUT","url":"`+records+`","body":{"id":"aaaaaaaaaaaaaaa",`+newOffer+`,"responded_by":"`+f.bram+`"}}`), "responded_by"),

		// the answer fields on an update
		refused("bram withdraws his offer and says anna did", f.bramT,
			&tests.ApiScenario{Method: http.MethodPatch, URL: offerURL, Body: body(`{"status":"cancelled","responded_by":"` + f.anna + `"}`)}, "responded_by"),
		refused("bram edits his note and backdates an answer", f.bramT,
			&tests.ApiScenario{Method: http.MethodPatch, URL: offerURL, Body: body(`{"note":"Anders","responded_at":"2026-01-01 10:00:00.000Z"}`)}, "responded_at"),
		refused("anna accepts and names bram as who answered", f.annaT,
			&tests.ApiScenario{Method: http.MethodPatch, URL: offerURL, Body: body(`{"status":"accepted","responded_by":"` + f.bram + `"}`)}, "responded_by"),
		refused("anna accepts through a batch upsert naming bram", f.annaT,
			batch(`{"method":"PUT","url":"`+records+`","body":{"id":"`+f.offer+`","status":"accepted","responded_by":"`+f.bram+`"}}`), "responded_by"),

		// the note is the sender's
		refused("anna accepts and rewrites bram's note", f.annaT,
			&tests.ApiScenario{Method: http.MethodPatch, URL: offerURL, Body: body(`{"status":"accepted","note":"Bram vraagt je opnieuw in te loggen"}`)}, "note"),
		refused("anna rewrites bram's note without answering", f.annaT,
			&tests.ApiScenario{Method: http.MethodPatch, URL: offerURL, Body: body(`{"note":"Anders"}`)}, "note"),
		refused("anna declines in a batch and rewrites bram's note", f.annaT,
			batch(`{"method":"PATCH","url":"`+offerURL+`","body":{"status":"declined","note":"Anders"}}`), "note"),
		refused("anna accepts through a batch upsert and rewrites bram's note", f.annaT,
			batch(`{"method":"PUT","url":"`+records+`","body":{"id":"`+f.offer+`","status":"accepted","note":"Anders"}}`), "note"),
		unchanged(tests.ApiScenario{
			Name:            "bram rewrites his note once anna took the task",
			Method:          http.MethodPatch,
			URL:             offerURL,
			Headers:         auth(f.bramT),
			Body:            body(`{"note":"Anders"}`),
			BeforeTestFunc:  answered,
			ExpectedStatus:  409,
			ExpectedContent: []string{"al afgehandeld"},
		}),
		{
			Name:            "bram edits his note while the offer waits",
			Method:          http.MethodPatch,
			URL:             offerURL,
			Headers:         auth(f.bramT),
			Body:            body(`{"note":"Vrijdag ben ik er weer"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"note":"Vrijdag ben ik er weer"`, `"status":"pending"`},
		},
		{
			Name:            "anna accepts, sending the offer back as she read it",
			Method:          http.MethodPatch,
			URL:             offerURL,
			Headers:         auth(f.annaT),
			Body:            body(`{"status":"accepted","note":"Ik ben morgen vrij; kun jij dit overnemen?","responded_by":"","task_title":"` + wondzorg + `"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"accepted"`, `"responded_by":"` + f.anna + `"`},
		},
	})
}
