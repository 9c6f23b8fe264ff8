package metrics_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/metrics"

	"github.com/pocketbase/pocketbase/tests"
)

func TestMain(m *testing.M) { os.Exit(testapp.Run(m)) }

// token is the metrics token of the tests' apps.
const token = "een-lang-geheim-metrics-token-0123456789"

// names are the series the metrics name, each one a test looks for.
var names = []string{
	"buurtplein_http_requests_total",
	"buurtplein_http_request_duration_seconds",
	"buurtplein_realtime_clients",
	"buurtplein_realtime_fanout_queue",
	"buurtplein_realtime_hangups_total",
	"buurtplein_realtime_dropped_events_total",
	"buurtplein_sqlite_write_waits_total",
	"buurtplein_sqlite_write_wait_seconds_total",
	"buurtplein_sqlite_read_waits_total",
	"buurtplein_sqlite_read_wait_seconds_total",
	"buurtplein_push_queue",
	"buurtplein_push_dropped_total",
	"buurtplein_backup_age_seconds",
	"buurtplein_replica_age_seconds",
	"go_goroutines",
	"process_cpu_seconds_total",
}

// newApp returns a test app with the metrics registered with config.
func newApp(t *testing.T, config metrics.Config) *tests.TestApp {
	t.Helper()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	if err := metrics.Register(app, config); err != nil {
		t.Fatal(err)
	}
	return app
}

// scrape is one exposition: its series ("name{labels}", labels as the
// exposition sorts them) and their values, and the metric names it has.
type scrape struct {
	series map[string]float64
	names  map[string]bool
}

// get fetches url with an optional bearer token and parses the Prometheus
// text exposition it answers.
func get(t *testing.T, url, bearer string) scrape {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(ct, "version=0.0.4") {
		t.Errorf("GET %s: Content-Type %q, want Prometheus's text format", url, ct)
	}
	return parse(t, res.Body)
}

// getWhen fetches url as [get] does until the exposition meets cond, for
// at most 5 seconds: a request is counted after its answer is written, so
// its client may read the answer first.
func getWhen(t *testing.T, url, bearer string, cond func(s scrape) bool) scrape {
	t.Helper()
	s := get(t, url, bearer)
	for deadline := time.Now().Add(5 * time.Second); !cond(s) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		s = get(t, url, bearer)
	}
	return s
}

// parse reads the text exposition format: "# TYPE name kind" lines name
// the metrics, the others are "series value".
func parse(t *testing.T, r io.Reader) scrape {
	t.Helper()
	s := scrape{series: map[string]float64{}, names: map[string]bool{}}
	lines := bufio.NewScanner(r)
	lines.Buffer(nil, 1<<20)
	for lines.Scan() {
		line := lines.Text()
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			s.names[strings.Fields(rest)[0]] = true
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		value, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		s.series[line[:i]] = value
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	return s
}

// requests returns the count of requests with the labels.
func (s scrape) requests(class, method, status string) float64 {
	return s.series[`buurtplein_http_requests_total{class="`+class+`",method="`+method+`",status="`+status+`"}`]
}

// total returns the sum of the series of metric name.
func (s scrape) total(name string) float64 {
	var sum float64
	for series, v := range s.series {
		if strings.HasPrefix(series, name+"{") || series == name {
			sum += v
		}
	}
	return sum
}

// TestMetricsRouteAuth: the route answers the token alone, for GET and
// HEAD: not an anonymous caller, a wrong token, the token sent any other
// way, or a superuser.
func TestMetricsRouteAuth(t *testing.T) {
	t.Parallel()
	factory := func(t testing.TB) *tests.TestApp {
		app := testapp.Factory(t)
		if err := metrics.Register(app, metrics.Config{Token: token}); err != nil {
			t.Fatal(err)
		}
		return app
	}
	refused := []string{`"status":401`, `"code":"metrics_token"`, `"message":"Deze metrics vragen het metrics-token`}
	scenarios := []tests.ApiScenario{
		{Name: "anonymous", Method: http.MethodGet, ExpectedStatus: 401, ExpectedContent: refused},
		{Name: "wrong token", Method: http.MethodGet, Headers: map[string]string{"Authorization": "Bearer " + token + "x"},
			ExpectedStatus: 401, ExpectedContent: refused},
		{Name: "a prefix of the token", Method: http.MethodGet, Headers: map[string]string{"Authorization": "Bearer " + token[:20]},
			ExpectedStatus: 401, ExpectedContent: refused},
		{Name: "token without Bearer", Method: http.MethodGet, Headers: map[string]string{"Authorization": token},
			ExpectedStatus: 401, ExpectedContent: refused},
		{Name: "token in the query", Method: http.MethodGet, URL: metrics.Route + "?token=" + token,
			ExpectedStatus: 401, ExpectedContent: refused},
		{Name: "HEAD anonymous", Method: http.MethodHead, ExpectedStatus: 401},
		{Name: "HEAD wrong token", Method: http.MethodHead, Headers: map[string]string{"Authorization": "Bearer nope-nope-nope-nope"},
			ExpectedStatus: 401},
		{Name: "HEAD token", Method: http.MethodHead, Headers: map[string]string{"Authorization": "Bearer " + token},
			ExpectedStatus: 200},
		{Name: "token", Method: http.MethodGet, Headers: map[string]string{"Authorization": "Bearer " + token},
			ExpectedStatus: 200, ExpectedContent: []string{"# TYPE buurtplein_realtime_clients gauge", "buurtplein_realtime_clients 0"}},
		{Name: "token, bearer in lower case", Method: http.MethodGet, Headers: map[string]string{"Authorization": "bearer " + token},
			ExpectedStatus: 200, ExpectedContent: []string{"buurtplein_realtime_clients"}},
		{Name: "POST", Method: http.MethodPost, ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
	}
	for _, s := range scenarios {
		if s.URL == "" {
			s.URL = metrics.Route
		}
		s.TestAppFactory = factory
		s.Test(t)
	}
}

// TestMetricsRouteRefusesSuperuser: a superuser's auth token does not
// open the metrics; the scraper's token does, with or without one.
func TestMetricsRouteRefusesSuperuser(t *testing.T) {
	t.Parallel()
	app := newApp(t, metrics.Config{Token: token})
	server := testapp.Serve(t, app)
	superuser := testapp.Token(t, app, "it@buurtplein.test")

	for _, auth := range []string{superuser, "Bearer " + superuser} {
		status, body := testapp.Do(t, http.MethodGet, server.URL+metrics.Route, auth, nil)
		if status != http.StatusUnauthorized || !strings.Contains(string(body), `"metrics_token"`) {
			t.Errorf("a superuser's token (%.12s…): %d %s", auth, status, body)
		}
	}
	if status, _ := testapp.Do(t, http.MethodGet, server.URL+metrics.Route, "Bearer "+token, nil); status != http.StatusOK {
		t.Errorf("the metrics token: %d", status)
	}
}

// TestMetricsAbsentWithoutToken: without a token the route does not
// exist: it answers what a route that never existed answers, for GET and
// HEAD, with the token or without, also when the metrics have a listener.
func TestMetricsAbsentWithoutToken(t *testing.T) {
	t.Parallel()
	for _, config := range []*metrics.Config{nil, {Addr: "127.0.0.1:0"}} {
		app := testapp.New(t)
		if config != nil {
			if err := metrics.Register(app, *config); err != nil {
				t.Fatal(err)
			}
		}
		server := testapp.Serve(t, app)
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			for _, auth := range []string{"", "Bearer " + token} {
				status, body := testapp.Do(t, method, server.URL+metrics.Route, auth, nil)
				never, neverBody := testapp.Do(t, method, server.URL+"/api/buurtplein/nooit-geweest", auth, nil)
				if status != never || string(body) != string(neverBody) || (auth == "" && status != http.StatusNotFound) {
					t.Errorf("config %+v, %s with %q: %d %s; a route that never existed: %d %s", config, method, auth, status, body, never, neverBody)
				}
			}
		}
	}
}

// replicaAge is the age of the replica in the apps of [serveAll].
const replicaAge = 42 * time.Second

// serveAll serves an app with every series: the metrics with the token,
// a replica synced replicaAge ago, a backup.
func serveAll(t *testing.T) (*httptest.Server, *tests.TestApp) {
	t.Helper()
	synced := time.Now().Add(-replicaAge)
	app := newApp(t, metrics.Config{Token: token, ReplicaSynced: func() (time.Time, bool) { return synced, true }})
	if err := app.CreateBackup(context.Background(), "metrics_test.zip"); err != nil {
		t.Fatal(err)
	}
	return testapp.Serve(t, app), app
}

// TestMetricsSeries: with the token the route answers every named series,
// and a request made before the scrape is counted under its route class.
func TestMetricsSeries(t *testing.T) {
	t.Parallel()
	server, app := serveAll(t)

	anna := testapp.Token(t, app, "anna@buurtplein.test")
	if status, body := testapp.Do(t, http.MethodGet, server.URL+"/api/collections/posts/records?perPage=1", anna, nil); status != http.StatusOK {
		t.Fatalf("listing posts: %d %s", status, body)
	}
	if status, _ := testapp.Do(t, http.MethodGet, server.URL+"/api/health", "", nil); status != http.StatusOK {
		t.Fatalf("health: %d", status)
	}

	s := getWhen(t, server.URL+metrics.Route, token, func(s scrape) bool {
		return s.requests("records:posts", "GET", "2xx") > 0 && s.requests("health", "GET", "2xx") > 0
	})
	for _, name := range names {
		if !s.names[name] {
			t.Errorf("the metrics have no %s", name)
		}
	}
	if n := s.requests("records:posts", "GET", "2xx"); n != 1 {
		t.Errorf("GET records:posts 2xx counted %v times, want 1", n)
	}
	if n := s.requests("health", "GET", "2xx"); n != 1 {
		t.Errorf("GET health 2xx counted %v times, want 1", n)
	}
	if n := s.series[`buurtplein_http_request_duration_seconds_count{class="records:posts",method="GET",status="2xx"}`]; n != 1 {
		t.Errorf("the latency of GET records:posts was observed %v times, want 1", n)
	}
	if age := s.series["buurtplein_replica_age_seconds"]; age < replicaAge.Seconds() || age > replicaAge.Seconds()+600 {
		t.Errorf("replica age %v s, want some 42", age)
	}
	if age := s.series["buurtplein_backup_age_seconds"]; age < 0 || age > 600 {
		t.Errorf("backup age %v s, want the age of the backup just made", age)
	}

	// the scrape before is counted too, once it is answered
	s = getWhen(t, server.URL+metrics.Route, token, func(s scrape) bool { return s.requests("buurtplein:metrics", "GET", "2xx") > 0 })
	if n := s.requests("buurtplein:metrics", "GET", "2xx"); n != 1 {
		t.Errorf("the scrape was counted %v times, want 1", n)
	}
}

// TestMetricsAbsentAges: without a backup, and without replication (or
// before its first sync), their ages are left out, not made up.
func TestMetricsAbsentAges(t *testing.T) {
	t.Parallel()
	for _, synced := range []func() (time.Time, bool){nil, func() (time.Time, bool) { return time.Time{}, false }} {
		app := newApp(t, metrics.Config{Token: token, ReplicaSynced: synced})
		s := get(t, testapp.Serve(t, app).URL+metrics.Route, token)
		for _, name := range []string{"buurtplein_backup_age_seconds", "buurtplein_replica_age_seconds"} {
			if s.names[name] {
				t.Errorf("%s is there without a backup or a replica", name)
			}
		}
		if !s.names["buurtplein_realtime_clients"] {
			t.Error("the other series are missing")
		}
	}
}

// TestMetricsListener: the listener serves /metrics without a token from
// the server's start until the app terminates.
func TestMetricsListener(t *testing.T) {
	t.Parallel()
	app := testapp.Factory(t)
	if err := metrics.Register(app, metrics.Config{Addr: "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	if addr := metrics.ListenAddr(app); addr != "" {
		t.Errorf("listening on %s before the server starts", addr)
	}
	server := testapp.Serve(t, app)
	addr := metrics.ListenAddr(app)
	if addr == "" {
		t.Fatal("no listener once the server started")
	}

	if status, _ := testapp.Do(t, http.MethodGet, server.URL+"/api/health", "", nil); status != http.StatusOK {
		t.Fatalf("health: %d", status)
	}
	s := getWhen(t, "http://"+addr+"/metrics", "", func(s scrape) bool { return s.requests("health", "GET", "2xx") > 0 })
	if s.requests("health", "GET", "2xx") != 1 || !s.names["buurtplein_realtime_clients"] {
		t.Errorf("the listener's metrics lack the request or the series: %v", s.names)
	}
	if status, _ := testapp.Do(t, http.MethodGet, "http://"+addr+"/", "", nil); status != http.StatusNotFound {
		t.Errorf("the listener serves / too: %d", status)
	}

	app.Cleanup()
	if _, err := http.Get("http://" + addr + "/metrics"); err == nil {
		t.Error("the listener still answers after the app terminated")
	}
}

// TestMetricsBadConfig: a short token or an address without a port stops
// the registration with a message saying what to give.
func TestMetricsBadConfig(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	for _, c := range []struct {
		config metrics.Config
		want   string
	}{
		{metrics.Config{Token: "kort"}, "at least 16"},
		{metrics.Config{Addr: "localhost"}, "host:port"},
		{metrics.Config{Addr: "127.0.0.1:0"}, ""},
		{metrics.Config{Token: "   "}, ""},
		{metrics.Config{Token: " " + token}, ""},
	} {
		err := metrics.Register(app, c.config)
		if (err == nil) != (c.want == "") || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%+v: %v, want an error with %q", c.config, err, c.want)
		}
	}
}
