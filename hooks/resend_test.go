package hooks_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// TestResendAnswersStored: every create the PWA's outbox makes offline,
// sent again with its id after a lost answer, is answered 200 with the
// stored record and kept once; the same id from a colleague is refused,
// in a batch too; two copies at once keep one.
func TestResendAnswersStored(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	srv := testapp.Serve(t, app)

	anna, bram := testapp.Id(t, app, "users", "email", "anna@buurtplein.test"), testapp.Id(t, app, "users", "email", "bram@buurtplein.test")
	annaT, bramT := testapp.Token(t, app, "anna@buurtplein.test"), testapp.Token(t, app, "bram@buurtplein.test")
	dirkT := testapp.Token(t, app, "dirk@buurtplein.test")
	haarlem := testapp.Id(t, app, "teams", "slug", "haarlem-noord")

	// a must-read post by the coordinator, for the comment and the confirmation
	status, raw := testapp.Do(t, http.MethodPost, srv.URL+"/api/collections/posts/records", annaT, map[string]any{
		"team": haarlem, "author": anna, "kind": "update", "title": "Nieuw protocol", "body": "Lees dit.", "must_read": true, "visibility": "team",
	})
	if status != 200 {
		t.Fatalf("must-read post: %d %s", status, raw)
	}
	var post map[string]any
	_ = json.Unmarshal(raw, &post)
	task := bramsTask(t, app, bram, haarlem)

	cases := []struct {
		collection string
		body       map[string]any
	}{
		{"posts", map[string]any{"id": "outboxpost00001", "team": haarlem, "author": bram, "kind": "update", "title": "Onderweg", "body": "Geschreven zonder verbinding.", "visibility": "team"}},
		{"comments", map[string]any{"id": "outboxcomment01", "post": post["id"], "author": bram, "body": "Gelezen, dank je."}},
		{"reads", map[string]any{"id": "outboxread00001", "post": post["id"], "user": bram}},
		{"task_transfers", map[string]any{"id": "outboxoffer0001", "task": task, "from_user": bram, "to_user": anna, "status": "pending", "note": "Kun jij dit overnemen?"}},
		{"questions", map[string]any{"id": "outboxquestion1", "team": haarlem, "asker": bram, "category": "ict", "subject": "Printer", "body": "De printer doet het niet."}},
	}
	for _, c := range cases {
		t.Run(c.collection, func(t *testing.T) {
			url := srv.URL + "/api/collections/" + c.collection + "/records"
			status, raw := testapp.Do(t, http.MethodPost, url, bramT, c.body)
			if status != 200 {
				t.Fatalf("first create: %d %s", status, raw)
			}
			var first map[string]any
			_ = json.Unmarshal(raw, &first)
			before := countAll(t, app, c.collection)

			status, raw = testapp.Do(t, http.MethodPost, url+"?expand=team", bramT, c.body)
			var again map[string]any
			_ = json.Unmarshal(raw, &again)
			if status != 200 || again["id"] != c.body["id"] || again["created"] != first["created"] {
				t.Fatalf("resend: %d %s, want 200 with the stored record %v", status, raw, first)
			}

			status, raw = testapp.Do(t, http.MethodPost, srv.URL+"/api/batch", bramT, map[string]any{"requests": []map[string]any{
				{"method": "POST", "url": "/api/collections/" + c.collection + "/records", "body": c.body},
			}})
			if status != 200 || !strings.Contains(string(raw), `"status":200`) || !strings.Contains(string(raw), c.body["id"].(string)) {
				t.Fatalf("resend in a batch: %d %s", status, raw)
			}
			if n := countAll(t, app, c.collection); n != before {
				t.Fatalf("%d records after the resends, want %d", n, before)
			}

			// a colleague with the same id is no resend: refused, nothing shown
			status, raw = testapp.Do(t, http.MethodPost, url, dirkT, c.body)
			if status < 400 || status >= 500 || strings.Contains(string(raw), `"created"`) {
				t.Fatalf("a colleague's create with the id: %d %s, want a 4xx without the record", status, raw)
			}
		})
	}

	// two copies of one create at once, as a flaky connection sends them
	race := map[string]any{"id": "outboxrace00001", "post": post["id"], "author": bram, "body": "Twee keer verstuurd."}
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _ = testapp.Do(t, http.MethodPost, srv.URL+"/api/collections/comments/records", bramT, race)
		}()
	}
	wg.Wait()
	if statuses[0] != 200 || statuses[1] != 200 {
		t.Fatalf("racing copies answered %v, want 200 twice", statuses)
	}
	if n, err := app.CountRecords("comments", dbx.HashExp{"id": "outboxrace00001"}); err != nil || n != 1 {
		t.Fatalf("%d racing comments stored (%v), want 1", n, err)
	}
}

// bramsTask returns a new open task of bram's in team.
func bramsTask(t *testing.T, app core.App, bram, team string) string {
	t.Helper()
	tasks, err := app.FindCollectionByNameOrId("tasks")
	if err != nil {
		t.Fatal(err)
	}
	task := core.NewRecord(tasks)
	task.Set("team", team)
	task.Set("title", "Boodschappen voor mevrouw K.")
	task.Set("status", "open")
	task.Set("assignee", bram)
	task.Set("created_by", bram)
	if err := app.Save(task); err != nil {
		t.Fatalf("bram's task: %v", err)
	}
	return task.Id
}

// countAll returns how many records collection holds.
func countAll(t *testing.T, app core.App, collection string) int {
	t.Helper()
	n, err := app.CountRecords(collection)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}
