package push

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Configure changes the config of the push plugin registered to app, as
// a test needs it (its own push service, a small queue), before anything
// is sent; a zero QueueSize or Workers keeps the queue.
func Configure(app core.App, fn func(c *Config)) {
	p := app.Store().Get(storeKey).(*plugin)
	fn(&p.config)
	p.queue = newQueue(p.config.QueueSize, p.config.Workers, p.send)
}

// SetNow makes the plugin's clock (for quiet hours) say now.
func SetNow(app core.App, now time.Time) {
	app.Store().Get(storeKey).(*plugin).now = func() time.Time { return now }
}

// Wait returns when every queued push of app is sent.
func Wait(app core.App) { app.Store().Get(storeKey).(*plugin).queue.wait() }

// Dropped returns how many pushes found the queue full.
func Dropped(app core.App) int64 { return app.Store().Get(storeKey).(*plugin).queue.dropped.Load() }
