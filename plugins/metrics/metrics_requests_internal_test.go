package metrics

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// appWithUsers returns an app whose cached collections, all a route class
// looks up, are some 40 as Buurtplein's, users the last.
func appWithUsers(t testing.TB) core.App {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	var collections []*core.Collection
	for i := range 40 {
		collections = append(collections, core.NewBaseCollection(fmt.Sprintf("collection%d", i)))
	}
	collections = append(collections, core.NewAuthCollection("users"))
	app.Store().Set(core.StoreKeyCachedCollections, collections)
	return app
}

// TestRouteClassFromPattern: the class comes from the pattern of the route
// that matched, such as the dashboard's, which a test app's router lacks,
// and never from a wildcard.
func TestRouteClassFromPattern(t *testing.T) {
	t.Parallel()
	app := appWithUsers(t)
	long := strings.Repeat("x", 3000)
	cases := []struct {
		pattern, path, collection, want string
	}{
		{"GET /_/{path...}", "/_/images/logo.svg", "", "admin"},
		{"GET /_/{path...}", "/_/" + long, "", "admin"},
		{"GET /api/collections/{collection}/records/{id}", "/api/collections/users/records/" + long, "users", "records:users"},
		{"GET /api/collections/{collection}/records", "/api/collections/" + long + "/records", long, "records:other"},
		{"GET /api/collections/{collection}/records", "/api/collections//records", "", "records:other"},
		{"POST /api/collections/{collection}/impersonate/{id}", "/api/collections/users/impersonate/x", "users", "auth"},
		{"DELETE /api/collections/{collection}/truncate", "/api/collections/users/truncate", "users", "admin"},
		{"GET /api/buurtplein/{kind}/x", "/api/buurtplein/" + long + "/x", "", "buurtplein:other"},
		{"GET /api/buurtplein/tasks/{id}", "/api/buurtplein/tasks/" + long, "", "buurtplein:tasks"},
		{"", "/api/buurtplein/tasks", "", "other"},
		{"/", "/" + long, "", "other"},
		{"GET /api/crons", "/api/crons", "", "admin"},
		{"GET /api/cronsx", "/api/cronsx", "", "other"},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodGet, c.path, nil)
		r.Pattern = c.pattern
		if c.collection != "" {
			r.SetPathValue("collection", c.collection)
		}
		if got := routeClass(app, r); got != c.want {
			t.Errorf("%s for %.60s: class %q, want %q", c.pattern, c.path, got, c.want)
		}
	}
}

// TestLabelsBounded: a made-up method and an odd status take one label.
func TestLabelsBounded(t *testing.T) {
	t.Parallel()
	for method, want := range map[string]string{"GET": "GET", "HEAD": "HEAD", "PROPFIND": "other", "get": "other", strings.Repeat("X", 500): "other"} {
		if got := methodLabel(method); got != want {
			t.Errorf("method %.20s: %q, want %q", method, got, want)
		}
	}
	for status, want := range map[int]string{101: "1xx", 200: "2xx", 204: "2xx", 304: "3xx", 401: "4xx", 503: "5xx", 0: "other", 999: "other"} {
		if got := statusClass(status); got != want {
			t.Errorf("status %d: %q, want %q", status, got, want)
		}
	}
}

// BenchmarkRequestMiddleware is what the middleware adds to a request: the
// route class of a record request (a look-up of its collection among the
// cached ones) and the count and latency observed.
func BenchmarkRequestMiddleware(b *testing.B) {
	app := appWithUsers(b)
	m := newRequestMetrics()
	r := httptest.NewRequest(http.MethodGet, "/api/collections/users/records/abcdefghij12345", nil)
	r.Pattern = "GET /api/collections/{collection}/records/{id}"
	r.SetPathValue("collection", "users")

	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		m.observe(r.Method, routeClass(app, r), http.StatusOK, time.Since(start))
	}
}
