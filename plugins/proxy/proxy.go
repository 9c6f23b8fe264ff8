// Package proxy tells Buurtplein which reverse proxy header holds a
// caller's address, when it runs behind one (nginx, Caddy, Traefik, a load
// balancer): PocketBase's trusted proxy setting, pinned from the
// --trusted-proxy flag. The rate limits (sign-in guesses, writes) count per
// address; behind a proxy without this setting every caller has the
// proxy's address, and one person's guesses lock out the organisation.
//
// The address is read from the right end of the header: the one the
// nearest proxy, ours, added. A caller can put any address in the header
// it sends, to the left of that, and is not believed. So the server must
// be reachable only through the proxy (listen on 127.0.0.1 or an internal
// network): a caller who reaches it directly could name any address.
//
// Example usage:
//
//	proxy.MustRegister(app, proxy.Config{Headers: []string{"X-Forwarded-For"}})
package proxy

import (
	"fmt"
	"net/textproto"
	"slices"

	"github.com/pocketbase/pocketbase/core"
)

// Config defines the config options of the proxy plugin.
type Config struct {
	// Headers are the headers the reverse proxy puts the caller's address
	// in ("X-Forwarded-For", "X-Real-IP"), tried in order. Empty leaves the
	// settings as they are (the dashboard's; no proxy by default).
	Headers []string
}

type plugin struct {
	config Config
}

// MustRegister registers the proxy plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the proxy plugin to app: with headers, the trusted
// proxy setting is written at bootstrap and again when the server starts,
// after the migrations; a change in the dashboard lasts until the next
// start.
func Register(app core.App, config Config) error {
	if len(config.Headers) == 0 {
		return nil
	}
	headers := make([]string, len(config.Headers))
	for i, h := range config.Headers {
		if h == "" {
			return fmt.Errorf("proxy: header %d is empty", i+1)
		}
		headers[i] = textproto.CanonicalMIMEHeaderKey(h)
	}
	p := &plugin{config: Config{Headers: headers}}
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return p.pin(e.App)
	})
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err := p.pin(e.App); err != nil {
			return err
		}
		return e.Next()
	})
	return nil
}

// pin writes the trusted proxy setting where it differs: the configured
// headers, read from the right.
func (p *plugin) pin(app core.App) error {
	s := app.Settings()
	if slices.Equal(s.TrustedProxy.Headers, p.config.Headers) && !s.TrustedProxy.UseLeftmostIP {
		return nil
	}
	clone, err := s.Clone()
	if err != nil {
		return fmt.Errorf("proxy: %w", err)
	}
	clone.TrustedProxy.Headers = slices.Clone(p.config.Headers)
	clone.TrustedProxy.UseLeftmostIP = false
	if err := app.Save(clone); err != nil {
		return fmt.Errorf("proxy: saving the trusted proxy setting: %w", err)
	}
	return nil
}
