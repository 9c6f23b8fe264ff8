package hooks

import (
	"log/slog"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// SQLite copies its write-ahead log into the database file (a checkpoint)
// in the commit that brings the log past 1,000 pages, before that commit
// answers. A list of 50 clients writes 50 access-log entries, some 50
// pages, so about every tenth such request paid for a checkpoint: the
// case list's p95 was 36 ms against its 20 ms, with a median of 10 ms.
// DBConnect switches the automatic checkpoint off, and the app runs it in
// the background instead ([CheckpointInterval]): no request waits for
// one. A passive checkpoint waits for no reader and no writer; what it
// cannot copy yet, the next one does.

// A transaction begins with SQLite's write lock (_txlock=immediate). The
// app writes through one connection, but another writer may share the
// database: the replication (plugins/replica) commits a line after each of
// its checkpoints, and a command such as "users import" runs beside the
// server. A transaction that read before such a commit and wrote after it
// would fail ("database is locked (517)", SQLITE_BUSY_SNAPSHOT) instead of
// waiting: the replication drill lost requests to it.

// dbPragmas are the pragmas of PocketBase's core.DefaultDBConnect, in its
// order (busy_timeout first, before the journal mode),
// wal_autocheckpoint(0), and immediate transactions.
const dbPragmas = "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)&_pragma=wal_autocheckpoint(0)&_defensive=1&_txlock=immediate"

// DBConnect opens the SQLite database at dbPath as PocketBase's
// core.DefaultDBConnect does, without the automatic checkpoint and with
// transactions that take the write lock when they begin: the app's
// BaseAppConfig.DBConnect, in main.go and the test apps alike.
func DBConnect(dbPath string) (*dbx.DB, error) {
	return dbx.Open("sqlite", dbPath+dbPragmas)
}

// CheckpointInterval is how often the write-ahead logs of the app's two
// databases are copied into their files, in the background.
const CheckpointInterval = time.Second

// bindCheckpoints runs the checkpoints from the app's bootstrap (or now,
// for an app bootstrapped already, as a test app is) until its databases
// close or it terminates.
func bindCheckpoints(app core.App) {
	var mu sync.Mutex
	var stop chan struct{}
	var done sync.WaitGroup
	start := func(app core.App) {
		mu.Lock()
		defer mu.Unlock()
		if stop != nil {
			return
		}
		stop = make(chan struct{})
		done.Add(1)
		go func(stop <-chan struct{}) {
			defer done.Done()
			checkpointEvery(app, CheckpointInterval, stop)
		}(stop)
	}
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		start(e.App)
		return nil
	})
	// stopped, and waited for, before the databases close: a checkpoint
	// still running would hold a connection whose close removes the
	// write-ahead log files later, under whoever copies the data dir then
	// (the test apps copy a template)
	halt := func() {
		mu.Lock()
		if stop != nil {
			close(stop)
			stop = nil
		}
		mu.Unlock()
		done.Wait()
	}
	app.OnBootstrapClear().BindFunc(func(e *core.BootstrapEvent) error {
		halt()
		return e.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		halt()
		return e.Next()
	})
	if app.IsBootstrapped() {
		start(app)
	}
}

// checkpointEvery checkpoints app's databases every interval until stop
// is closed.
func checkpointEvery(app core.App, interval time.Duration, stop <-chan struct{}) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
			checkpoint(app)
		}
	}
}

// checkpoint copies what it can of the write-ahead logs of app's main and
// auxiliary databases into their files, without waiting for anyone. It
// runs on a connection of the concurrent pools: the single connection of
// the writes stays free for them.
func checkpoint(app core.App) {
	for name, db := range map[string]dbx.Builder{"main": app.ConcurrentDB(), "auxiliary": app.AuxConcurrentDB()} {
		if db == nil {
			continue
		}
		if _, err := db.NewQuery("PRAGMA wal_checkpoint(PASSIVE)").Execute(); err != nil {
			app.Logger().Warn("checkpoint of the "+name+" database failed", slog.String("error", err.Error()))
		}
	}
}
