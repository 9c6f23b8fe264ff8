package metrics_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/metrics"
)

// classLabel finds the route classes in an exposition.
var classLabel = regexp.MustCompile(`class="([^"]*)"`)

// TestRouteClasses: each request is counted once, under the class of the
// route that answered it; whatever the path (ids, made-up collections and
// routes, a very long path, an odd method), the classes stay the few that
// routes and collections give.
func TestRouteClasses(t *testing.T) {
	t.Parallel()
	app := newApp(t, metrics.Config{Addr: "127.0.0.1:0"})
	server := testapp.Serve(t, app)
	scrapeURL := "http://" + metrics.ListenAddr(app) + "/metrics"
	posts, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("a", 4000)

	cases := []struct {
		method, path, class string
	}{
		{"GET", "/api/collections/posts/records", "records:posts"},
		{"GET", "/api/collections/posts/records/abcdefghij12345", "records:posts"},
		{"GET", "/api/collections/POSTS/records", "records:posts"},
		{"GET", "/api/collections/" + posts.Id + "/records", "records:posts"},
		{"DELETE", "/api/collections/tasks/records/zzzzzzzzzzzzzzz", "records:tasks"},
		{"GET", "/api/collections/bestaatniet/records", "records:other"},
		{"GET", "/api/collections/" + long + "/records/" + long, "records:other"},
		{"GET", "/api/collections/%2e%2e/records", "records:other"},
		{"POST", "/api/collections/users/auth-with-password", "auth"},
		{"POST", "/api/collections/bestaatniet/request-otp", "auth"},
		{"GET", "/api/files/posts/abcdefghij12345/foto.png", "files"},
		{"POST", "/api/realtime", "realtime"},
		{"GET", "/api/health", "health"},
		{"POST", "/api/batch", "batch"},
		{"GET", "/api/settings", "admin"},
		{"GET", "/api/collections", "admin"},
		{"GET", "/api/logs/abcdefghij12345", "admin"},
		{"GET", "/api/buurtplein/push/key", "buurtplein:push"},
		{"GET", "/api/buurtplein/search?q=" + long, "buurtplein:search"},
		{"GET", "/api/buurtplein/" + long, "other"},
		{"GET", "/api/buurtplein/tasks/abcdefghij12345/bestaatniet", "other"},
		{"GET", "/api/" + long, "other"},
		{"GET", "/api", "other"},
		{"GET", "/", "static"},
		{"GET", "/taken/abcdefghij12345", "static"},
		{"GET", "/" + long, "static"},
		{"PUT", "/" + long, "other"},
		{"PROPFIND", "/api/collections/posts/records", "other"},
	}
	allowed := map[string]bool{}
	before := get(t, scrapeURL, "")
	for _, c := range cases {
		allowed[c.class] = true
		req, err := http.NewRequest(c.method, server.URL+c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()

		after := getWhen(t, scrapeURL, "", func(s scrape) bool {
			return s.total("buurtplein_http_requests_total") > before.total("buurtplein_http_requests_total")
		})
		name := c.method + " " + c.path[:min(len(c.path), 60)]
		if n := after.total("buurtplein_http_requests_total") - before.total("buurtplein_http_requests_total"); n != 1 {
			t.Errorf("%s: counted %v times, want once", name, n)
		}
		method := c.method
		if method == "PROPFIND" {
			method = "other"
		}
		status := map[int]string{2: "2xx", 3: "3xx", 4: "4xx", 5: "5xx"}[res.StatusCode/100]
		if n := after.requests(c.class, method, status) - before.requests(c.class, method, status); n != 1 {
			t.Errorf("%s (%d): not counted under class %s", name, res.StatusCode, c.class)
		}
		before = after
	}

	for _, match := range classLabel.FindAllStringSubmatch(strings.Join(keys(before.series), "\n"), -1) {
		if !allowed[match[1]] {
			t.Errorf("a class beyond the expected: %.80s", match[1])
		}
	}
}

func keys(m map[string]float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
