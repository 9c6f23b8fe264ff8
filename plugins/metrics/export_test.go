package metrics

import "github.com/pocketbase/pocketbase/core"

// ListenAddr returns the address the metrics' own listener of app listens
// on, "" when it does not listen.
func ListenAddr(app core.App) string {
	p, ok := app.Store().Get(storeKey).(*plugin)
	if !ok || p.listener == nil {
		return ""
	}
	return p.listener.address()
}
