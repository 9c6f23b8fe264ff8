package hooks

import (
	"net/http"
	"runtime"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// SQLite has one writer, and PocketBase gives writes a single connection:
// a write holds it while its goroutine competes for the CPU with every
// read in flight. With 500 users on two cores the reads kept the CPU busy
// and each write waited for the CPU at every step while the writes behind
// it waited for the connection: reads p50 93 ms, writes 4.5 s
// (docs/BENCHMARKS.md, "The default run with realtime by topic"). A bound
// on the reads in flight keeps the runnable goroutines few, so a write
// gets the CPU soon; the reads wait their turn in the gate instead of in
// the scheduler, which costs them little when the CPU is short anyway.

// ReadsInFlightPerCore is how many API reads per core the server works on
// at once; more wait in the gate. Reads are CPU-bound here (the pure-Go
// SQLite reads pages from memory), so a few per core keep the cores busy.
const ReadsInFlightPerCore = 4

const readGateStoreKey = "buurtplein.readGate"

// SetReadGate sets how many API reads app serves at once (at least 1);
// for tests. The default is [ReadsInFlightPerCore] per core.
func SetReadGate(app core.App, inFlight int) {
	app.Store().Set(readGateStoreKey, make(chan struct{}, max(inFlight, 1)))
}

func bindReadGate(app core.App) {
	if _, ok := app.Store().Get(readGateStoreKey).(chan struct{}); !ok {
		SetReadGate(app, ReadsInFlightPerCore*runtime.GOMAXPROCS(0))
	}
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "buurtpleinReadGate",
		Func: func(se *core.ServeEvent) error {
			se.Router.Bind(&hook.Handler[*core.RequestEvent]{
				Id: "buurtpleinReadGate",
				// after the rate limiter (a 429 waits for nothing) and
				// the auth token, before any handler's work
				Priority: apis.DefaultBodyLimitMiddlewarePriority - 2,
				Func:     gateRead,
			})
			return se.Next()
		},
	})
}

// gateRead lets an API read through once fewer than the gate's reads are
// in flight. Writes pass at once; so do the realtime stream (it stays
// open) and file downloads (a slow phone would hold a place for the
// whole download).
func gateRead(e *core.RequestEvent) error {
	if !gatedRead(e.Request) {
		return e.Next()
	}
	gate, _ := e.App.Store().Get(readGateStoreKey).(chan struct{})
	if gate == nil {
		return e.Next()
	}
	select {
	case gate <- struct{}{}:
	case <-e.Request.Context().Done():
		return e.Request.Context().Err() // the client left while waiting
	}
	defer func() { <-gate }()
	return e.Next()
}

// gatedRead reports whether r is an API read the gate bounds.
func gatedRead(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	path := r.URL.Path
	return strings.HasPrefix(path, "/api/") &&
		path != "/api/realtime" &&
		!strings.HasPrefix(path, "/api/files/") &&
		!strings.HasPrefix(path, "/api/backups/")
}
