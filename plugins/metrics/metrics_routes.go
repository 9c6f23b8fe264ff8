package metrics

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Route is the API route of the metrics, served when a token is set.
const Route = "/api/buurtplein/metrics"

// handler returns the exposition of the plugin's registry.
func (p *plugin) handler() http.Handler {
	return promhttp.HandlerFor(p.registry, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError, // one failing collector leaves the others
	})
}

// bindRoute adds GET (and so HEAD) /api/buurtplein/metrics for a caller
// with the token.
func (p *plugin) bindRoute() {
	metrics := p.handler()
	p.app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		e.Router.GET(Route, func(e *core.RequestEvent) error {
			e.Response.Header().Set("Cache-Control", "no-store")
			if e.Request.Method == http.MethodHead {
				return e.NoContent(http.StatusOK) // no need to gather what is not sent
			}
			metrics.ServeHTTP(e.Response, e.Request)
			return nil
		}).Bind(&hook.Handler[*core.RequestEvent]{
			Id: "buurtpleinMetricsToken",
			// before PocketBase reads the header as an auth token (and
			// Buurtplein refuses it as a session that ended)
			Priority: apis.DefaultLoadAuthTokenMiddlewarePriority - 1,
			Func:     p.checkToken,
		})
		return e.Next()
	})
}

// checkToken answers 401 to a request without the token; with it, the
// header is taken off, being no one's session.
func (p *plugin) checkToken(e *core.RequestEvent) error {
	if !p.tokenGiven(e.Request) {
		return hooks.Err(http.StatusUnauthorized, "metrics_token", nil,
			"Deze metrics vragen het metrics-token: stuur het mee in de header Authorization, na \"Bearer \".")
	}
	e.Request.Header.Del("Authorization")
	return e.Next()
}

// tokenGiven reports whether r carries the configured token as
// "Authorization: Bearer <token>", compared in constant time. A
// superuser's auth token does not do: a scraper's credential should open
// the metrics and nothing else, and a superuser's opens everything.
func (p *plugin) tokenGiven(r *http.Request) bool {
	scheme, given, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	given = strings.TrimSpace(given)
	return subtle.ConstantTimeCompare([]byte(given), []byte(p.config.Token)) == 1
}

// listener is the metrics' own HTTP server.
type listener struct {
	mu     sync.Mutex
	server *http.Server
	addr   net.Addr
}

// bindListener starts the metrics' own listener when the server starts and
// stops it when the app terminates.
func (p *plugin) bindListener() {
	p.listener = &listener{}
	p.app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err := p.listener.start(p.app, p.config.Addr, p.handler()); err != nil {
			return err
		}
		p.app.Logger().Info("metrics: serving /metrics", "addr", p.listener.address())
		if host, _, _ := net.SplitHostPort(p.config.Addr); host == "" || net.ParseIP(host).IsUnspecified() {
			// right inside a container whose port is not published; a
			// risk on a host whose firewall lets the port through
			p.app.Logger().Warn("metrics: /metrics answers anyone who reaches this port, without a token: keep it off the internet",
				"addr", p.config.Addr)
		}
		return e.Next()
	})
	p.app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id: "buurtpleinMetricsListenerStop",
		Func: func(e *core.TerminateEvent) error {
			p.listener.stop()
			return e.Next()
		},
	})
}

// start listens on addr, at once so that a port in use stops the server
// with a clear message, and serves metrics at /metrics in the background.
func (l *listener) start(app core.App, addr string, metrics http.Handler) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.server != nil {
		return nil // started by an earlier serve of the same app
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("metrics: listening on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	l.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	l.addr = ln.Addr()
	go func(server *http.Server) {
		if err := server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			// the API serves on; the scraper will miss the metrics
			app.Logger().Error("metrics: the listener stopped", "addr", addr, "error", err)
		}
	}(l.server)
	return nil
}

// address returns the address the listener listens on, "" before start.
func (l *listener) address() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.addr == nil {
		return ""
	}
	return l.addr.String()
}

// stop closes the listener, letting a scrape under way finish.
func (l *listener) stop() {
	l.mu.Lock()
	server := l.server
	l.server, l.addr = nil, nil
	l.mu.Unlock()
	if server == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = server.Shutdown(ctx)
}
