package metrics

import (
	"net/http"
	"strings"
	"time"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/prometheus/client_golang/prometheus"
)

// requestPriority runs the request middleware before every other one,
// PocketBase's www redirect included, so that every request is counted and
// its latency is all the server's.
const requestPriority = apis.DefaultWWWRedirectMiddlewarePriority - 1

// requestMetrics are the request count and latency by method, route class
// and status class.
type requestMetrics struct {
	count    *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

var requestLabels = []string{"method", "class", "status"}

func newRequestMetrics() *requestMetrics {
	return &requestMetrics{
		count: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "buurtplein_http_requests_total",
			Help: "Requests answered, by method, route class and status class (2xx, 4xx, 5xx…).",
		}, requestLabels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "buurtplein_http_request_duration_seconds",
			Help: "Time from a request's arrival to its answer, by method, route class and status class; a realtime connection's is how long it stayed open.",
			// from a cached read to a slow upload
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, requestLabels),
	}
}

// Describe implements prometheus.Collector.
func (m *requestMetrics) Describe(ch chan<- *prometheus.Desc) {
	m.count.Describe(ch)
	m.duration.Describe(ch)
}

// Collect implements prometheus.Collector.
func (m *requestMetrics) Collect(ch chan<- prometheus.Metric) {
	m.count.Collect(ch)
	m.duration.Collect(ch)
}

// observe counts one answered request.
func (m *requestMetrics) observe(method, class string, status int, took time.Duration) {
	labels := []string{methodLabel(method), class, statusClass(status)}
	m.count.WithLabelValues(labels...).Inc()
	m.duration.WithLabelValues(labels...).Observe(took.Seconds())
}

// bindRequests binds the middleware that observes every request.
func (p *plugin) bindRequests() {
	hooks.BindMiddleware(p.app, "buurtpleinMetricsRequests", requestPriority, func(e *core.RequestEvent) error {
		start := time.Now()
		err := e.Next()
		p.requests.observe(e.Request.Method, routeClass(e.App, e.Request), answerStatus(e, err), time.Since(start))
		return err
	})
}

// answerStatus returns the status the request is answered with: the one
// written, or the error's that PocketBase writes after the middlewares.
func answerStatus(e *core.RequestEvent, err error) int {
	if status := e.Status(); status != 0 {
		return status
	}
	if err != nil {
		return router.ToApiError(err).Status
	}
	return http.StatusOK
}

// methodLabel returns method, or "other" for a method no route has: the
// label never takes what a client made up.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return method
	}
	return "other"
}

// statusClass returns "2xx" for 200 to 299 and so on.
func statusClass(status int) string {
	switch status / 100 {
	case 1:
		return "1xx"
	case 2:
		return "2xx"
	case 3:
		return "3xx"
	case 4:
		return "4xx"
	case 5:
		return "5xx"
	}
	return "other"
}

// Route classes besides records:<collection> and buurtplein:<segment>.
const (
	classAdmin    = "admin"    // the dashboard (/_/) and the superusers' API
	classAuth     = "auth"     // signing in, OTPs, password resets, impersonation
	classBatch    = "batch"    // /api/batch
	classFiles    = "files"    // /api/files
	classHealth   = "health"   // /api/health
	classRealtime = "realtime" // the realtime connection and its subscriptions
	classStatic   = "static"   // the PWA
	classOther    = "other"    // no route (404, a method no route has)
)

// adminPrefixes are the API paths of the superusers' dashboard.
var adminPrefixes = []string{"/api/collections", "/api/settings", "/api/logs", "/api/backups", "/api/crons"}

// routeClass returns the class of a request: what the route the router
// chose says, never the raw path, so the classes stay few whatever is
// asked (ids, made-up collections, a very long path): each comes from a
// registered route or a collection that exists.
func routeClass(app core.App, r *http.Request) string {
	pattern := r.Pattern
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		pattern = pattern[i+1:] // "GET /api/health" -> "/api/health"
	}
	switch {
	case pattern == "" || pattern == "/":
		return classOther // PocketBase's catch-all: no route matched
	case pattern == "/{path...}":
		if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/api" {
			return classOther // the PWA refuses an unknown API route
		}
		return classStatic
	case strings.HasPrefix(pattern, "/_/"), pattern == "/_":
		return classAdmin
	case pattern == "/api/health":
		return classHealth
	case pattern == "/api/realtime":
		return classRealtime
	case pattern == "/api/batch":
		return classBatch
	case strings.HasPrefix(pattern, "/api/files/"):
		return classFiles
	case strings.HasPrefix(pattern, "/api/buurtplein/"):
		return buurtpleinClass(pattern)
	case strings.HasPrefix(pattern, "/api/collections/{collection}/records"):
		return recordsClass(app, r.PathValue("collection"))
	case strings.HasPrefix(pattern, "/api/collections/{collection}/auth-"),
		strings.HasPrefix(pattern, "/api/collections/{collection}/request-"),
		strings.HasPrefix(pattern, "/api/collections/{collection}/confirm-"),
		strings.HasPrefix(pattern, "/api/collections/{collection}/impersonate/"):
		return classAuth
	}
	for _, prefix := range adminPrefixes {
		if pattern == prefix || strings.HasPrefix(pattern, prefix+"/") {
			return classAdmin
		}
	}
	return classOther
}

// buurtpleinClass returns "buurtplein:<segment>" for a route of Buurtplein's
// own API, with the first segment of its pattern (a registered route's).
func buurtpleinClass(pattern string) string {
	segment, _, _ := strings.Cut(strings.TrimPrefix(pattern, "/api/buurtplein/"), "/")
	if segment == "" || strings.ContainsAny(segment, "{}") {
		return "buurtplein:other"
	}
	return "buurtplein:" + segment
}

// recordsClass returns "records:<collection>" for a collection of app
// named (or identified) by name, "records:other" for one it does not have.
func recordsClass(app core.App, name string) string {
	if name == "" {
		return "records:other"
	}
	collection, err := app.FindCachedCollectionByNameOrId(name)
	if err != nil {
		return "records:other"
	}
	return "records:" + collection.Name
}
