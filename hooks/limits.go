package hooks

import (
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

const limitsStoreKey = "buurtplein.limits"

var limitsBindMu sync.Mutex

// BindLimits binds Buurtplein's resource limits to app, once per app: the
// caps on realtime connections and subscriptions ([RealtimeLimits]), the
// small body limit for everything but file uploads ([JSONBodyLimit]) and
// the limit on sign-in attempts per account ([SignInLimit]) and the bound
// on API reads in flight ([ReadsInFlightPerCore]). Calling it
// again for the same app changes nothing.
func BindLimits(app core.App) {
	limitsBindMu.Lock()
	defer limitsBindMu.Unlock()

	if bound, _ := app.Store().Get(limitsStoreKey).(bool); bound {
		return
	}
	app.Store().Set(limitsStoreKey, true)

	bindRealtimeLimits(app)
	bindBodyLimits(app)
	bindSignInLimits(app)
	bindRateLimitCode(app)
	bindReadGate(app)
}
