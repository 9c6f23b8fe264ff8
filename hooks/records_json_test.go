package hooks_test

import (
	"bytes"
	"encoding/json/jsontext"
	"encoding/json/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"
	"github.com/pocketbase/pocketbase/tools/types"
)

// encodeAnswer encodes data as router.Event.JSON writes an answer.
func encodeAnswer(t testing.TB, data any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.MarshalWrite(&buf, data, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// streamedFixture returns records of every collection of the demo
// organisation, each with its relations expanded two levels deep, and
// posts and users whose text holds what JSON must escape: HTML, quotes,
// control characters, U+2028, invalid UTF-8, and a custom field with a
// key that sorts before the rest.
func streamedFixture(t testing.TB) (*core.Record, []*core.Record) {
	app := testapp.New(t)
	var all []*core.Record
	for _, c := range []string{"posts", "comments", "tasks", "task_events", "task_transfers", "notifications", "memberships", "users", "teams"} {
		records, err := app.FindAllRecords(c)
		if err != nil {
			t.Fatal(err)
		}
		var expand []string
		collection, _ := app.FindCachedCollectionByNameOrId(c)
		for _, f := range collection.Fields {
			if rel, ok := f.(*core.RelationField); ok {
				expand = append(expand, rel.Name)
				if rel.Name == "author" || rel.Name == "task" || rel.Name == "post" {
					expand = append(expand, rel.Name+".team", rel.Name+".author")
				}
			}
		}
		if c == "users" {
			expand = append(expand, "memberships_via_user.team")
		}
		if len(expand) > 0 {
			app.ExpandRecords(records, expand, nil) // the paths that fail stay unexpanded
		}
		all = append(all, records...)
	}

	odd := "<b>\"Tom & Jerry\"</b>\t\n\u2028\u2029 \x01 ünï 🏠 \xff\xfe end\\"
	for _, r := range all {
		switch r.Collection().Name {
		case "posts":
			r.Set("title", odd)
			r.Set("body", strings.Repeat(odd, 3))
		case "users":
			r.Set("name", odd)
			r.WithCustomData(true)
			r.Set("_Extra", []any{1.5, 1e21, -0.0, nil, map[string]any{"z": 1, "a": odd}})
			r.Set("_nils", map[string]any{"slice": []string(nil), "map": map[string]any(nil), "records": []*core.Record(nil), "record": (*core.Record)(nil)})
			r.Set("_Ünï", []string{odd, ""})
			r.Hide("avatar")
		}
	}
	return all[0], all
}

// TestStreamedRecordsSameBytes: records encoded streamed are byte for
// byte what PocketBase's own encoding gives, as a list answer (a
// search.Result), a slice, one record and a record by value.
func TestStreamedRecordsSameBytes(t *testing.T) {
	one, all := streamedFixture(t)
	if len(all) < 50 {
		t.Fatalf("only %d records in the fixture", len(all))
	}
	cases := map[string]any{
		"list":   &search.Result{Page: 1, PerPage: 30, TotalItems: -1, TotalPages: -1, Items: all},
		"slice":  all,
		"record": one,
		"value":  *one,
		"empty":  &search.Result{Items: []*core.Record{}},
		"nil":    (*core.Record)(nil),
		"map":    map[string]any{"b": all[:3]}, // one key: unsorted outside a record
		"structure": struct {
			A types.JSONRaw
			B []*core.Record
		}{types.JSONRaw(`{"x":1}`), all[:5]},
	}
	for name, data := range cases {
		want := encodeAnswer(t, data)
		var got []byte
		if result, ok := data.(*search.Result); ok {
			streamed := *result
			streamed.Items = hooks.StreamedRecords{Value: result.Items}
			got = encodeAnswer(t, &streamed)
		} else {
			got = encodeAnswer(t, hooks.StreamedRecords{Value: data})
		}
		if !bytes.Equal(got, want) {
			i := 0
			for i < len(got) && i < len(want) && got[i] == want[i] {
				i++
			}
			t.Errorf("%s: the bytes differ at %d of %d:\nstreamed:   %q\npocketbase: %q", name, i, len(want),
				got[max(i-80, 0):min(i+80, len(got))], want[max(i-80, 0):min(i+80, len(want))])
		}
	}
}

// TestStreamedRecordsAnswers: list answers over HTTP, expanded, with a
// fields parameter, empty, and of accounts (hidden fields, e-mail
// addresses shown to their owner only), are byte for byte those of the
// same app without the streamed records.
func TestStreamedRecordsAnswers(t *testing.T) {
	streamed, plain := testapp.New(t), testapp.New(t)
	plain.OnRecordsListRequest().Unbind("buurtpleinStreamedRecords")
	servers := []*httptest.Server{testapp.Serve(t, streamed), testapp.Serve(t, plain)}

	for _, who := range []string{"carla@buurtplein.test", "anna@buurtplein.test"} {
		for _, q := range []string{
			"/api/collections/posts/records?perPage=5&sort=-created,-id&expand=author,team",
			"/api/collections/posts/records?perPage=5&sort=-created,-id&expand=author,team&fields=id,title,expand.author.name",
			"/api/collections/posts/records?filter=" + url.QueryEscape(`title = "none such"`),
			"/api/collections/comments/records?sort=created,id&expand=author,post.team",
			"/api/collections/tasks/records?perPage=100&sort=due,id&expand=assignee,team,created_by",
			"/api/collections/users/records?perPage=50&sort=name,id",
			"/api/collections/memberships/records?expand=team,user",
			"/api/collections/notifications/records?sort=-created,-id",
		} {
			var bodies [2][]byte
			for i, server := range servers {
				app := []core.App{streamed, plain}[i]
				status, body := testapp.Do(t, http.MethodGet, server.URL+q, testapp.Token(t, app, who), nil)
				if status != http.StatusOK {
					t.Fatalf("%s as %s: %d %s", q, who, status, body)
				}
				bodies[i] = body
			}
			same := bytes.Equal(bodies[0], bodies[1])
			if strings.Contains(q, "fields=") {
				// PocketBase's field picker hands maps to the encoder
				// unsorted: the order of the keys varies from one answer
				// to the next, the values do not
				var a, b any
				same = json.Unmarshal(bodies[0], &a) == nil && json.Unmarshal(bodies[1], &b) == nil && reflect.DeepEqual(a, b)
			}
			if !same {
				t.Errorf("%s as %s: the answers differ:\nstreamed: %.300s\nplain:    %.300s", q, who, bodies[0], bodies[1])
			}
		}
	}
}

// BenchmarkRecordsJSON compares encoding a feed page (20 posts, author and
// team expanded) PocketBase's way and streamed.
func BenchmarkRecordsJSON(b *testing.B) {
	app := testapp.New(b)
	posts, err := app.FindRecordsByFilter("posts", "", "-created", 20, 0)
	if err != nil {
		b.Fatal(err)
	}
	if failed := app.ExpandRecords(posts, []string{"author", "team"}, nil); len(failed) > 0 {
		b.Fatal(failed)
	}
	result := &search.Result{Page: 1, PerPage: 20, TotalItems: -1, TotalPages: -1, Items: posts}
	streamed := *result
	streamed.Items = hooks.StreamedRecords{Value: posts}
	for name, data := range map[string]*search.Result{"pocketbase": result, "streamed": &streamed} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := json.MarshalWrite(discard{}, data, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
