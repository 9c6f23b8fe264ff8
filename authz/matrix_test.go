package authz_test

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
)

// TestMatrix runs every line of matrix.txt for every role against one real
// app: first the reads (in parallel; they change nothing; each GET is sent
// as HEAD too), then the
// realtime subscriptions, then the writes one by one, each on records
// made for it, then the custom routes (signing out revokes the caller's
// tokens; the next case gets new ones).
func TestMatrix(t *testing.T) {
	rows, err := loadMatrix("matrix.txt")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	start := time.Now()

	var reads, live, writes, routes []row
	for _, r := range rows {
		switch r.op {
		case "list", "view", "file":
			reads = append(reads, r)
		case "realtime", "realtime-record", "topic":
			live = append(live, r)
		case "route":
			routes = append(routes, r)
		default:
			writes = append(writes, r)
		}
	}

	t.Run("reads", func(t *testing.T) {
		for _, r := range reads {
			for _, role := range roles {
				t.Run(caseName(r, role), func(t *testing.T) {
					t.Parallel()
					f.read(t, r, role)
				})
			}
		}
	})
	t.Run("realtime", func(t *testing.T) { f.realtime(t, live) })
	t.Run("writes", func(t *testing.T) {
		for _, r := range writes {
			for _, role := range roles {
				t.Run(caseName(r, role), func(t *testing.T) { f.write(t, r, role) })
			}
		}
	})
	t.Run("routes", func(t *testing.T) {
		for _, r := range routes {
			for _, role := range roles {
				t.Run(caseName(r, role), func(t *testing.T) { f.write(t, r, role) })
			}
		}
	})

	t.Logf("%d cases from %d lines of matrix.txt in %s", len(rows)*len(roles), len(rows), time.Since(start).Round(time.Millisecond))
}

func caseName(r row, role string) string {
	return fmt.Sprintf("L%d %s %s %s", r.line, r.target, r.op, role)
}

// where names a case in a failure: the matrix line and the role.
func where(r row, role string) string {
	return fmt.Sprintf("matrix.txt:%d: %s | %s | as %s", r.line, r.target, r.text, role)
}

// read runs a list, view or file download case.
func (f *fixture) read(t *testing.T, r row, role string) {
	target := f.shared[r.target]
	q := url.Values{}
	maps.Copy(q, r.query)

	var path string
	switch r.op {
	case "list":
		collection := r.base
		if collection == "" {
			collection = target.Collection().Name
		}
		if !q.Has("perPage") {
			q.Set("perPage", "500")
		}
		path = "/api/collections/" + collection + "/records?" + q.Encode()
	case "view":
		record := target
		if r.base != "" {
			record = f.shared[r.base]
		}
		path = "/api/collections/" + record.Collection().Name + "/records/" + record.Id + "?" + q.Encode()
	case "file":
		if token := f.fileToken[role]; token != "" {
			q.Set("token", token)
		}
		path = "/api/files/" + target.Collection().Name + "/" + target.Id + "/" + firstFile(t, target) + "?" + q.Encode()
	}

	// a browser loads files without the Authorization header: only the
	// file token counts
	token := f.tokens[role]
	if r.op == "file" {
		token = ""
	}
	status, body := f.do(t, http.MethodGet, path, token, nil)
	f.check(t, r, role, status, body, target)
	f.checkHead(t, r, role, path, token, status, body)
}

// checkHead sends the HEAD request matching a GET case: Go's router answers
// it with the GET handler, so it must get the GET's status and no body, and
// a refused GET must be a HEAD refused alike, its Content-Length that of
// the GET's error, so that HEAD tells nothing GET does not.
func (f *fixture) checkHead(t *testing.T, r row, role, path, token string, getStatus int, getBody []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodHead, f.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("HEAD %s: %v", path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)

	if res.StatusCode != getStatus {
		t.Errorf("%s: HEAD status %d, GET %d", where(r, role), res.StatusCode, getStatus)
	}
	if len(body) != 0 {
		t.Errorf("%s: HEAD answered a body of %d bytes", where(r, role), len(body))
	}
	if getStatus >= 400 && res.ContentLength >= 0 && res.ContentLength != int64(len(getBody)) {
		t.Errorf("%s: refused HEAD has Content-Length %d, the GET's error %d bytes", where(r, role), res.ContentLength, len(getBody))
	}
}

// check compares a response with the matrix: the status ("visible" and
// "hidden" are a 200 with and without the target record), and that the
// body shows nothing the role may not read.
func (f *fixture) check(t *testing.T, r row, role string, status int, body []byte, target *core.Record) {
	t.Helper()
	want := r.want[role]
	wantStatus := http.StatusOK
	if want != "visible" && want != "hidden" {
		wantStatus, _ = strconv.Atoi(want)
	}
	if status != wantStatus {
		t.Errorf("%s: status %d, want %s\n%s", where(r, role), status, want, snippet(body))
		return
	}
	for _, leak := range f.oracle.leaks(role, body) {
		t.Errorf("%s: the response shows %s\n%s", where(r, role), leak, snippet(body))
	}
	switch want {
	case "visible":
		if !containsRecord(body, target.Id) {
			t.Errorf("%s: %s %s is not in the response\n%s", where(r, role), r.target, target.Id, snippet(body))
		}
	case "hidden":
		if containsRecord(body, target.Id) {
			t.Errorf("%s: %s %s is in the response\n%s", where(r, role), r.target, target.Id, snippet(body))
		}
	}
}

// write runs a create, update, delete, batch or custom route case, on a
// record made for it where it changes one.
func (f *fixture) write(t *testing.T, r row, role string) {
	k, _ := kindByName(r.target)
	collection := k.collection()
	records := "/api/collections/" + collection + "/records"

	var method, path string
	var body any
	var target *core.Record
	switch r.op {
	case "create", "batch-create":
		if k.create == nil {
			t.Fatalf("%s: kind %s has no create body (kinds_test.go)", where(r, role), k.name)
		}
		method, path, body = http.MethodPost, records, k.create(t, f, f.me(role))
	case "update", "batch-update", "batch-upsert":
		target = f.fresh(t, k, false)
		method, path, body = http.MethodPatch, records+"/"+target.Id, f.updateBody(t, r, k)
	case "delete", "batch-delete":
		target = f.fresh(t, k, true)
		method, path = http.MethodDelete, records+"/"+target.Id
	case "route":
		target = f.fresh(t, k, false)
		method, path, body = r.method, replaceId(r.path, target.Id), map[string]any{}
		if b, ok := routeBodies[r.path]; ok {
			body = b(f, target)
		}
	}

	switch r.op {
	case "batch-create", "batch-update", "batch-delete":
		f.batch(t, r, role, map[string]any{"method": method, "url": path, "body": body})
		return
	case "batch-upsert":
		upsert := maps.Clone(body.(map[string]any))
		upsert["id"] = target.Id
		f.batch(t, r, role, map[string]any{"method": http.MethodPut, "url": records, "body": upsert})
		return
	}
	status, resBody := f.do(t, method, path, f.tokens[role], body)
	f.check(t, r, role, status, resBody, target)
	if method == http.MethodGet {
		f.checkHead(t, r, role, path, f.tokens[role], status, resBody)
	}
	if r.op == "route" {
		// a route may have revoked the caller's tokens (signing out)
		f.renewTokens(t, role)
	}
}

// fresh returns a record of kind k for a case to change: a new one, or the
// shared one for a fixed kind. A delete needs a new one.
func (f *fixture) fresh(t *testing.T, k kind, deleting bool) *core.Record {
	t.Helper()
	if k.make != nil {
		return k.make(t, f)
	}
	if deleting {
		t.Fatalf("kind %s is a fixed record: a delete needs a kind with make (kinds_test.go)", k.name)
	}
	return f.shared[k.name]
}

func (f *fixture) updateBody(t *testing.T, r row, k kind) map[string]any {
	t.Helper()
	body := k.update
	if r.body != "" {
		body = nil // a fresh map: k.update is shared
		if err := json.Unmarshal([]byte(r.body), &body); err != nil {
			t.Fatalf("matrix.txt:%d: the update body is no JSON object: %v", r.line, err)
		}
	}
	// names are unique in the organisation: each case renames to its own
	if name, ok := body["name"].(string); ok && k.collection() == "users" {
		body = maps.Clone(body)
		body["name"] = unique(name + " ")
	}
	return body
}

// batch sends one request in a batch. The matrix gives the status of that
// request: a batch answers 200 with it when it succeeds, else 400 with it
// in data.requests.0.response. A batch refused as a whole (a 401 for a
// stale token) answers that status itself.
func (f *fixture) batch(t *testing.T, r row, role string, request map[string]any) {
	t.Helper()
	status, body := f.do(t, http.MethodPost, "/api/batch", f.tokens[role], map[string]any{"requests": []any{request}})

	inner := 0
	if status == http.StatusOK {
		var results []struct{ Status int }
		if json.Unmarshal(body, &results) == nil && len(results) == 1 {
			inner = results[0].Status
		}
	} else {
		var failed struct {
			Data struct {
				Requests map[string]struct {
					Response struct{ Status int }
				}
			}
		}
		if json.Unmarshal(body, &failed) == nil {
			inner = failed.Data.Requests["0"].Response.Status
		}
	}

	want, _ := strconv.Atoi(r.want[role])
	wantOuter := http.StatusOK
	if want >= 300 {
		wantOuter = http.StatusBadRequest
	}
	if inner == 0 && status != http.StatusOK && status != http.StatusBadRequest {
		inner, wantOuter = status, want
	}
	if status != wantOuter || inner != want {
		t.Errorf("%s: batch status %d with the request's %d, want %d with %d\n%s", where(r, role), status, inner, wantOuter, want, snippet(body))
		return
	}
	for _, leak := range f.oracle.leaks(role, body) {
		t.Errorf("%s: the response shows %s\n%s", where(r, role), leak, snippet(body))
	}
}

// do sends a request to the test server with token (none when "").
func (f *fixture) do(t testing.TB, method, path, token string, body any) (int, []byte) {
	t.Helper()
	return testapp.Do(t, method, f.url+path, token, body)
}

// firstFile returns the name of the first file a record holds.
func firstFile(t testing.TB, record *core.Record) string {
	t.Helper()
	for _, field := range record.Collection().Fields {
		if _, ok := field.(*core.FileField); ok {
			if files := record.GetStringSlice(field.GetName()); len(files) > 0 {
				return files[0]
			}
		}
	}
	t.Fatalf("%s %s holds no file", record.Collection().Name, record.Id)
	return ""
}

func replaceId(path, id string) string { return strings.ReplaceAll(path, "{id}", id) }

// snippet returns the start of a body for a failure message.
func snippet(body []byte) string {
	const max = 600
	if !utf8.Valid(body) {
		return fmt.Sprintf("(%d bytes)", len(body))
	}
	if len(body) > max {
		return string(body[:max]) + "…"
	}
	return string(body)
}
