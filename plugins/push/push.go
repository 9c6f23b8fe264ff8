// Package push sends Buurtplein's notifications to the lock screen with
// Web Push: a browser subscribes (a push_subscriptions record with the
// push service's endpoint and the browser's keys), and every notification
// of the kinds worth waking a phone for is sent to each of the person's
// subscriptions, encrypted for the browser (RFC 8291, aes128gcm) and
// signed with the server's VAPID key (RFC 8292).
//
// The VAPID key pair is made on first start and kept in the data dir
// (push_vapid.json, mode 0600); the PWA asks for its public half at
//
//	GET /api/buurtplein/push/key   {"publicKey": "<base64url>"}, for a signed-in person
//
// The server posts to a subscription's endpoint, so only https endpoints
// of the known push services are accepted (Config.AllowEndpoint): never
// the intranet. A payload carries ids, the kind and its parameters, never
// client data: {id, kind, params, subject_collection, subject}. It is sent
// after the notification is committed, in the background (a bounded
// queue, a few workers, timeouts), and not inside the person's quiet
// hours. A push service that answers 404 or 410 has forgotten the
// subscription: it is deleted.
//
// Example usage:
//
//	push.MustRegister(app, push.Config{})
package push

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/pocketbase/core"
)

// Collection holds the Web Push subscriptions: a person lists, makes and
// deletes their own; nobody changes one.
const Collection = "push_subscriptions"

// DefaultKinds are the kinds of notification sent to the lock screen:
// handover offers, new and overdue tasks, mentions, BOB's answers and
// must-reads. The others wait in the app.
var DefaultKinds = []notify.Kind{
	notify.KindHandoverOffered,
	notify.KindHandoverShift,
	notify.KindTaskAssigned,
	notify.KindTaskOverdue,
	notify.KindMention,
	notify.KindChatMention,
	notify.KindQuestionAnswered,
	notify.KindMustreadNew,
	notify.KindMustreadReminder,
}

// pushServices are the hosts (and their subdomains) of the push services
// the browsers use: Chrome's and Android's, Firefox's, Safari's, Edge's.
var pushServices = []string{
	"fcm.googleapis.com",
	"push.services.mozilla.com",
	"push.apple.com",
	"notify.windows.com",
}

// Config defines the config options of the push plugin.
type Config struct {
	// AllowEndpoint reports whether the server may post to endpoint, an
	// https URL a browser subscribed with. Default: the hosts of the
	// known push services (and their subdomains) on the default port.
	AllowEndpoint func(endpoint *url.URL) bool

	// Kinds are the kinds of notification that are pushed. Default:
	// [DefaultKinds].
	Kinds []notify.Kind

	// Subscriber is the contact the push services may reach the sender
	// at (the VAPID "sub": an https URL or an e-mail address). Default:
	// the app's sender address.
	Subscriber string

	// QueueSize is the most pushes waiting to be sent; a push that finds
	// the queue full is dropped (and counted). Default: 10000.
	QueueSize int

	// Workers is the most pushes sent at the same time. Default: 4.
	Workers int

	// Timeout bounds one post to a push service. Default: 10 seconds.
	Timeout time.Duration

	// TTL is how long a push service keeps a push for a phone that is
	// off. Default: 12 hours.
	TTL time.Duration

	// HTTPClient posts to the push services. Default: a client with
	// Timeout that follows no redirect.
	HTTPClient *http.Client
}

type plugin struct {
	app    core.App
	config Config
	keys   vapidKeys
	queue  *queue
	now    func() time.Time
}

// storeKey is the app store key of the registered plugin.
const storeKey = "buurtplein.push"

// MustRegister registers the push plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the push plugin to app. Register it after notify and
// the plugins that notify.
func Register(app core.App, config Config) error {
	p := &plugin{app: app, config: config, now: time.Now}
	if p.config.AllowEndpoint == nil {
		p.config.AllowEndpoint = knownPushService
	}
	if p.config.Kinds == nil {
		p.config.Kinds = DefaultKinds
	}
	if p.config.QueueSize <= 0 {
		p.config.QueueSize = 10000
	}
	if p.config.Workers <= 0 {
		p.config.Workers = 4
	}
	if p.config.Timeout <= 0 {
		p.config.Timeout = 10 * time.Second
	}
	if p.config.TTL <= 0 {
		p.config.TTL = 12 * time.Hour
	}
	if p.config.HTTPClient == nil {
		p.config.HTTPClient = &http.Client{
			Timeout: p.config.Timeout,
			// a push service answers; it never sends the server elsewhere
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	p.queue = newQueue(p.config.QueueSize, p.config.Workers, p.send)
	app.Store().Set(storeKey, p)

	hooks.GuardScoped(app, Collection)
	p.bindSubscriptions()
	p.bindKeys()
	p.bindNotifications()
	return nil
}

// pushed reports whether notifications of kind go to the lock screen.
func (p *plugin) pushed(kind string) bool {
	return slices.Contains(p.config.Kinds, notify.Kind(kind))
}

// knownPushService reports whether endpoint is on a known push service's
// host, or a subdomain of one, on the default port.
func knownPushService(endpoint *url.URL) bool {
	if endpoint.Port() != "" && endpoint.Port() != "443" {
		return false
	}
	host := strings.ToLower(endpoint.Hostname())
	for _, service := range pushServices {
		if host == service || strings.HasSuffix(host, "."+service) {
			return true
		}
	}
	return false
}
