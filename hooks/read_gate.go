package hooks

import (
	"net/http"
	"runtime"
	"strings"
	"time"

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

// GatedReadDeadline is how long a read that passed the gate may take to
// write its answer. A handler blocks writing an answer larger than the
// socket's buffers while the client does not read it; without a deadline
// a caller who stopped reading would hold a place up to PocketBase's write
// timeout of 5 minutes, and a few such callers would stop every read.
const GatedReadDeadline = 30 * time.Second

const readGateStoreKey = "buurtplein.readGate"

// readGate holds the places of the reads in flight and their deadline.
type readGate struct {
	places   chan struct{}
	deadline time.Duration
}

// SetReadGate sets how many API reads app serves at once (at least 1) and
// how long each may take to write its answer; for tests. The defaults are
// [ReadsInFlightPerCore] per core and [GatedReadDeadline].
func SetReadGate(app core.App, inFlight int, deadline time.Duration) {
	app.Store().Set(readGateStoreKey, &readGate{places: make(chan struct{}, max(inFlight, 1)), deadline: deadline})
}

func bindReadGate(app core.App) {
	if _, ok := app.Store().Get(readGateStoreKey).(*readGate); !ok {
		SetReadGate(app, ReadsInFlightPerCore*runtime.GOMAXPROCS(0), GatedReadDeadline)
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
// in flight, with a deadline for writing its answer. Writes pass at once; so do the realtime stream (it stays
// open) and file downloads (a slow phone would hold a place for the
// whole download).
func gateRead(e *core.RequestEvent) error {
	if !gatedRead(e.Request) {
		return e.Next()
	}
	gate, _ := e.App.Store().Get(readGateStoreKey).(*readGate)
	if gate == nil {
		return e.Next()
	}
	select {
	case gate.places <- struct{}{}:
	case <-e.Request.Context().Done():
		return e.Request.Context().Err() // the client left while waiting
	}
	defer func() { <-gate.places }()

	// the deadline is the connection's: lifted again after the answer, for
	// the connection's next request (a server with a WriteTimeout sets its
	// own again then anyway)
	rc := http.NewResponseController(e.Response)
	rc.SetWriteDeadline(time.Now().Add(gate.deadline))
	defer rc.SetWriteDeadline(time.Time{})
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
