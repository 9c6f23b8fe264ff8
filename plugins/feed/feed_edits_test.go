package feed_test

import (
	"net/http"
	"testing"
	"time"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/tests"
)

// stored returns an AfterTestFunc that checks the stored fields of the
// record with id against want; a time.Time value wants a date no older
// than the test's start, a nil one an empty date.
func stored(collection, id string, want map[string]any) func(testing.TB, *tests.TestApp, *http.Response) {
	start := time.Now().Add(-time.Second)
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		record, err := app.FindRecordById(collection, id)
		if err != nil {
			t.Fatal(err)
		}
		for field, v := range want {
			switch v := v.(type) {
			case time.Time:
				if d := record.GetDateTime(field); d.IsZero() || d.Time().Before(start) {
					t.Errorf("%s.%s = %q, want the time of the edit", collection, field, d)
				}
			case nil:
				if d := record.GetDateTime(field); !d.IsZero() {
					t.Errorf("%s.%s = %q, want none", collection, field, d)
				}
			case bool:
				if record.GetBool(field) != v {
					t.Errorf("%s.%s = %v, want %v", collection, field, record.GetBool(field), v)
				}
			default:
				if record.GetString(field) != v {
					t.Errorf("%s.%s = %q, want %q", collection, field, record.GetString(field), v)
				}
			}
		}
	}
}

func TestEdits(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sleutel := f.post["Sleutelkastje Zijlweg"] // bram's
	sleutelBody := "De code van het sleutelkastje bij de Zijlweg is gewijzigd; vraag hem bij Anna."
	bramComment := f.haarlemComment // "Ik neem zaterdagochtend."

	scenarios := []tests.ApiScenario{
		{
			Name:            "bram edits the body of his post: edited, and the text before it kept",
			Method:          http.MethodPatch,
			URL:             "/api/collections/posts/records/" + sleutel,
			Headers:         auth(f.bramT),
			Body:            body(`{"body":"De code is weer de oude."}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"body":"De code is weer de oude."`, `"previous_body":"` + sleutelBody + `"`, `"previous_title":"Sleutelkastje Zijlweg"`, `"edited":"20`},
			AfterTestFunc: stored("posts", sleutel, map[string]any{
				"edited": time.Time{}, "previous_body": sleutelBody, "previous_title": "Sleutelkastje Zijlweg", "body": "De code is weer de oude.",
			}),
		},
		{
			Name:            "bram edits the title only",
			Method:          http.MethodPatch,
			URL:             "/api/collections/posts/records/" + sleutel,
			Headers:         auth(f.bramT),
			Body:            body(`{"title":"Sleutelkastje Zijlweg (nieuw)"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"previous_title":"Sleutelkastje Zijlweg"`},
			AfterTestFunc: stored("posts", sleutel, map[string]any{
				"edited": time.Time{}, "previous_title": "Sleutelkastje Zijlweg", "previous_body": sleutelBody,
			}),
		},
		{
			Name:            "bram saves his post unchanged but for its kind: no edit of the text",
			Method:          http.MethodPatch,
			URL:             "/api/collections/posts/records/" + sleutel,
			Headers:         auth(f.bramT),
			Body:            body(`{"kind":"blog","title":"Sleutelkastje Zijlweg","body":"` + sleutelBody + `"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"kind":"blog"`, `"edited":""`, `"previous_body":""`},
			AfterTestFunc:   stored("posts", sleutel, map[string]any{"edited": nil, "previous_body": "", "previous_title": ""}),
		},
		{
			Name:            "bram edits his post in a batch",
			Method:          http.MethodPost,
			URL:             "/api/batch",
			Headers:         auth(f.bramT),
			Body:            body(`{"requests":[{"method":"PATCH","url":"/api/collections/posts/records/` + sleutel + `","body":{"body":"Via een batch."}}]}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"previous_body":"` + sleutelBody + `"`},
			AfterTestFunc:   stored("posts", sleutel, map[string]any{"edited": time.Time{}, "previous_body": sleutelBody, "body": "Via een batch."}),
		},
		{
			Name:            "bram edits his comment",
			Method:          http.MethodPatch,
			URL:             "/api/collections/comments/records/" + bramComment,
			Headers:         auth(f.bramT),
			Body:            body(`{"body":"Ik neem zaterdagmiddag."}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"previous_body":"Ik neem zaterdagochtend."`, `"edited":"20`},
			AfterTestFunc:   stored("comments", bramComment, map[string]any{"edited": time.Time{}, "previous_body": "Ik neem zaterdagochtend."}),
		},
		{
			Name:            "bram edits his comment in a batch",
			Method:          http.MethodPost,
			URL:             "/api/batch",
			Headers:         auth(f.bramT),
			Body:            body(`{"requests":[{"method":"PATCH","url":"/api/collections/comments/records/` + bramComment + `","body":{"body":"Zaterdag kan ik niet."}}]}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"previous_body":"Ik neem zaterdagochtend."`},
			AfterTestFunc:   stored("comments", bramComment, map[string]any{"edited": time.Time{}, "previous_body": "Ik neem zaterdagochtend."}),
		},
		{
			Name:            "IT edits a post: the server's fields are the server's, for a superuser too",
			Method:          http.MethodPatch,
			URL:             "/api/collections/posts/records/" + sleutel,
			Headers:         auth(f.itT),
			Body:            body(`{"edited":"2020-01-01 10:00:00.000Z","previous_body":"Verzonnen","previous_title":"Verzonnen"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"edited":""`, `"previous_body":""`},
			AfterTestFunc:   stored("posts", sleutel, map[string]any{"edited": nil, "previous_body": "", "previous_title": ""}),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

// TestServerFieldsRefused checks that no client sets edited, the previous
// text or pinned through the record API or a batch: not on a create, not
// on an update, not in a multipart form.
func TestServerFieldsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sleutel := f.post["Sleutelkastje Zijlweg"] // bram's
	bramComment := f.haarlemComment
	newPost := `"team":"` + f.haarlem + `","author":"` + f.bram + `","kind":"update","visibility":"team","title":"Nieuw","body":"Hallo"`
	newComment := `"post":"` + f.haarlemPost + `","author":"` + f.bram + `","body":"Hallo"`

	forged := map[string]string{
		"pinned":         `true`,
		"edited":         `"2020-01-01 10:00:00.000Z"`,
		"previous_title": `"Verzonnen"`,
		"previous_body":  `"Verzonnen"`,
	}
	var scenarios []tests.ApiScenario
	for field, value := range forged {
		scenarios = append(scenarios,
			tests.ApiScenario{
				Name:               "bram creates a post with " + field,
				Method:             http.MethodPost,
				URL:                "/api/collections/posts/records",
				Headers:            auth(f.bramT),
				Body:               body(`{` + newPost + `,"` + field + `":` + value + `}`),
				ExpectedStatus:     400,
				NotExpectedContent: []string{`"id"`},
				ExpectedEvents:     map[string]int{"OnRecordCreate": 0},
			},
			tests.ApiScenario{
				Name:               "bram creates a post with " + field + " in a batch",
				Method:             http.MethodPost,
				URL:                "/api/batch",
				Headers:            auth(f.bramT),
				Body:               body(`{"requests":[{"method":"POST","url":"/api/collections/posts/records","body":{` + newPost + `,"` + field + `":` + value + `}}]}`),
				ExpectedStatus:     400,
				NotExpectedContent: []string{"Verzonnen", `"pinned":true`},
				ExpectedEvents:     map[string]int{"OnRecordCreate": 0},
			},
			tests.ApiScenario{
				Name:            "bram sets " + field + " on his post",
				Method:          http.MethodPatch,
				URL:             "/api/collections/posts/records/" + sleutel,
				Headers:         auth(f.bramT),
				Body:            body(`{"body":"Nieuw","` + field + `":` + value + `}`),
				ExpectedStatus:  404,
				ExpectedContent: []string{`"status":404`},
				ExpectedEvents:  map[string]int{"OnRecordUpdate": 0},
				AfterTestFunc:   stored("posts", sleutel, map[string]any{"edited": nil, "previous_body": "", "previous_title": "", "pinned": false}),
			},
			tests.ApiScenario{
				Name:            "bram sets " + field + " on his post in a batch",
				Method:          http.MethodPost,
				URL:             "/api/batch",
				Headers:         auth(f.bramT),
				Body:            body(`{"requests":[{"method":"PATCH","url":"/api/collections/posts/records/` + sleutel + `","body":{"` + field + `":` + value + `}}]}`),
				ExpectedStatus:  400,
				ExpectedContent: []string{`"response":{"data":{},"message":"The requested resource wasn't found.","status":404}`},
				AfterTestFunc:   stored("posts", sleutel, map[string]any{"edited": nil, "previous_body": "", "previous_title": "", "pinned": false}),
			},
		)
		if field == "pinned" || field == "previous_title" {
			continue // posts only
		}
		scenarios = append(scenarios,
			tests.ApiScenario{
				Name:               "bram comments with " + field,
				Method:             http.MethodPost,
				URL:                "/api/collections/comments/records",
				Headers:            auth(f.bramT),
				Body:               body(`{` + newComment + `,"` + field + `":` + value + `}`),
				ExpectedStatus:     400,
				NotExpectedContent: []string{`"id"`},
				ExpectedEvents:     map[string]int{"OnRecordCreate": 0},
			},
			tests.ApiScenario{
				Name:            "bram sets " + field + " on his comment",
				Method:          http.MethodPatch,
				URL:             "/api/collections/comments/records/" + bramComment,
				Headers:         auth(f.bramT),
				Body:            body(`{"body":"Nieuw","` + field + `":` + value + `}`),
				ExpectedStatus:  404,
				ExpectedContent: []string{`"status":404`},
				AfterTestFunc:   stored("comments", bramComment, map[string]any{"edited": nil, "previous_body": ""}),
			},
			tests.ApiScenario{
				Name:            "bram sets " + field + " on his comment in a batch",
				Method:          http.MethodPost,
				URL:             "/api/batch",
				Headers:         auth(f.bramT),
				Body:            body(`{"requests":[{"method":"PATCH","url":"/api/collections/comments/records/` + bramComment + `","body":{"body":"Nieuw","` + field + `":` + value + `}}]}`),
				ExpectedStatus:  400,
				ExpectedContent: []string{`"response":{"data":{},"message":"The requested resource wasn't found.","status":404}`},
				AfterTestFunc:   stored("comments", bramComment, map[string]any{"edited": nil, "previous_body": ""}),
			},
		)
	}

	// a multipart form says "true" as text
	multipart, contentType := form(t, map[string]string{
		"team": f.haarlem, "author": f.bram, "kind": "update", "visibility": "team", "body": "Hallo", "pinned": "true",
	}, nil)
	scenarios = append(scenarios, tests.ApiScenario{
		Name:               "bram creates a pinned post in a multipart form",
		Method:             http.MethodPost,
		URL:                "/api/collections/posts/records",
		Headers:            map[string]string{"Authorization": f.bramT, "Content-Type": contentType},
		Body:               multipart,
		ExpectedStatus:     400,
		NotExpectedContent: []string{`"id"`},
		ExpectedEvents:     map[string]int{"OnRecordCreate": 0},
	})

	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}
