// Package metrics exposes Buurtplein's metrics to Prometheus: requests by
// route class (count and latency), realtime clients and the topic fan-out,
// the SQLite write wait, the push notifications' send queue, and the age of
// the newest backup and of the replica. A Grafana dashboard for them is
// docs/grafana-buurtplein.json.
//
// The metrics are served only when asked for, in one or both of two ways:
// on the API at GET /api/buurtplein/metrics to a scraper that sends the
// configured token (Authorization: Bearer <token>), and on a listener of
// their own at /metrics, without a token, for an address only the scraper
// reaches (127.0.0.1:9090, a pod's internal port). With neither, nothing is
// measured and the route does not exist.
//
// Example usage:
//
//	metrics.MustRegister(app, metrics.Config{
//		Token: os.Getenv("BUURTPLEIN_METRICS_TOKEN"), // the API route
//		Addr:  "127.0.0.1:9090",                     // the listener
//	})
package metrics

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Config defines the config options of the metrics plugin.
type Config struct {
	// Token, when set, serves the metrics at GET /api/buurtplein/metrics to
	// a caller that sends it as "Authorization: Bearer <token>". At least
	// [MinTokenLength] characters. Empty: the route does not exist.
	Token string

	// Addr, when set, serves the metrics at /metrics on a listener of
	// their own at this address (host:port), without a token: bind it to
	// an address only the scraper reaches. It listens from the server's
	// start until it terminates. Empty: no listener.
	Addr string

	// ReplicaSynced returns when the database was last replicated to the
	// replica, and whether it has been; nil, or false, leaves the
	// replica's age out.
	ReplicaSynced func() (time.Time, bool)
}

// MinTokenLength is the shortest token accepted: a scraper's token is
// read by no person, so a long random one costs nothing.
const MinTokenLength = 16

// storeKey is the app store key of the registered plugin.
const storeKey = "buurtplein.metrics"

type plugin struct {
	app      core.App
	config   Config
	registry *prometheus.Registry
	requests *requestMetrics
	listener *listener
}

// MustRegister registers the metrics plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the metrics plugin to app. With neither a Token nor
// an Addr it does nothing.
func Register(app core.App, config Config) error {
	config.Token = strings.TrimSpace(config.Token)
	config.Addr = strings.TrimSpace(config.Addr)
	if config.Token == "" && config.Addr == "" {
		return nil
	}
	if config.Token != "" && len(config.Token) < MinTokenLength {
		return fmt.Errorf("metrics: the token is %d characters long, give at least %d (openssl rand -hex 32)", len(config.Token), MinTokenLength)
	}
	if config.Addr != "" {
		if _, _, err := net.SplitHostPort(config.Addr); err != nil {
			return fmt.Errorf("metrics: address %q: want host:port, such as 127.0.0.1:9090: %w", config.Addr, err)
		}
	}

	p := &plugin{app: app, config: config, registry: prometheus.NewRegistry()}
	p.requests = newRequestMetrics()
	err := p.registry.Register(collectors.NewGoCollector())
	if err == nil {
		err = p.registry.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	if err == nil {
		err = p.registry.Register(p.requests)
	}
	if err == nil {
		err = p.registry.Register(newAppCollector(app, config.ReplicaSynced))
	}
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}

	app.Store().Set(storeKey, p)

	p.bindRequests()
	if config.Token != "" {
		p.bindRoute()
	}
	if config.Addr != "" {
		p.bindListener()
	}
	return nil
}
