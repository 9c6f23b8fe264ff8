// Package replica streams Buurtplein's database to a replica while the
// server runs, with Litestream (as a library, inside the binary), and
// restores it from there to a chosen moment: "replica restore --to
// '2026-12-01 14:05'".
//
// Litestream copies every transaction from SQLite's write-ahead log to the
// replica within about a second (LTX files, compacted as they age, with a
// full snapshot each day), so a lost disk costs the last second of writes
// instead of the day since the nightly backup. The replica is a directory
// (another disk, a network share) or an S3 bucket ("s3://bucket/path";
// credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).
//
// Only data.db is replicated: the logs' database is rebuilt empty, and the
// uploaded files live on S3 (plugins/storage) or in the backups.
//
// Example usage:
//
//	replica.MustRegister(app, replica.Config{
//		URL:     "s3://buurtplein-replica/haarlem", // empty: no replication
//		Command: app.RootCmd,                        // add "replica restore"
//	})
package replica

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file" // file:// replicas
	_ "github.com/benbjohnson/litestream/s3" // s3:// replicas
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Config defines the config options of the replica plugin.
type Config struct {
	// URL is where the database is replicated to while the server runs: a
	// directory ("/mnt/replica/buurtplein" or "file:///mnt/...") or an S3
	// bucket ("s3://bucket/path", with "?endpoint=host:port" for an
	// S3-compatible server). Empty replicates nothing.
	URL string

	// SyncInterval is the replication interval: a transaction committed
	// longer ago than this is in the replica, so it is the most a lost
	// disk costs. Default: 1 s.
	SyncInterval time.Duration

	// Retention is how far back a restore can go. Default: 72 h.
	Retention time.Duration

	// StallAfter is how long the replica may lack the latest transactions
	// before the replication is reported stalled (logged, in Dutch).
	// Default: 30 s.
	StallAfter time.Duration

	// Command is the root command the "replica" command group is added
	// to; nil adds none.
	Command *cobra.Command
}

// Defaults of [Config].
const (
	DefaultSyncInterval = time.Second
	DefaultRetention    = 72 * time.Hour
)

// metaDirName is Litestream's working directory beside data.db: its own
// copies of the latest transactions. It is left out of the zip backups
// (a restored zip starts a new history in the replica).
const metaDirName = ".data.db" + litestream.MetaDirSuffix

type plugin struct {
	app    core.App
	config Config

	mu      sync.Mutex
	running *Replication
}

// MustRegister registers the replica plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the replica plugin to app: the "replica" commands,
// and with a URL the replication from the server's start to its end.
func Register(app core.App, config Config) error {
	if config.SyncInterval <= 0 {
		config.SyncInterval = DefaultSyncInterval
	}
	p := &plugin{app: app, config: config}

	if config.Command != nil {
		// the data dir as it was before this process bootstrapped: a
		// command's bootstrap makes a database where there was none
		_, err := os.Stat(filepath.Join(app.DataDir(), "data.db"))
		config.Command.AddCommand(newCommand(app, config, errors.Is(err, os.ErrNotExist)))
	}
	if config.URL == "" {
		return nil
	}
	if _, err := newClient(config.URL); err != nil {
		return fmt.Errorf("replica: %w", err)
	}

	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err := p.start(e.App); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		p.stop()
		return e.Next()
	})
	app.OnBackupCreate().BindFunc(func(e *core.BackupEvent) error {
		e.Exclude = append(e.Exclude, metaDirName)
		return e.Next()
	})
	return nil
}

// storeKey holds the app's running [Replication], for [Synced].
const storeKey = "buurtplein.replica"

// Synced returns when app's database was last sent to its replica, and
// false when app replicates nothing or has not sent anything yet.
func Synced(app core.App) (time.Time, bool) {
	r, _ := app.Store().Get(storeKey).(*Replication)
	if r == nil {
		return time.Time{}, false
	}
	return r.Synced()
}

// start starts the replication when the server starts. A replica that
// cannot be reached is no reason to stop serving: Litestream keeps the
// transactions beside the database and retries, and logs the error.
func (p *plugin) start(app core.App) error {
	r, err := Start(app, p.config)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.running = r
	p.mu.Unlock()
	app.Store().Set(storeKey, r)
	app.Logger().Info("Replicatie gestart", "replica", redact(p.config.URL), "interval", p.config.SyncInterval.String())
	return nil
}

// stop ends the replication when the app terminates.
func (p *plugin) stop() {
	p.mu.Lock()
	r := p.running
	p.running = nil
	p.mu.Unlock()
	if r != nil {
		r.Close()
	}
}

// Replication is the running replication of an app's data.db.
type Replication struct {
	app        core.App
	url        string
	store      *litestream.Store
	db         *litestream.DB
	started    time.Time
	stallAfter time.Duration
	done       chan struct{}
	closing    sync.Once
}

// Start starts replicating app's data.db to config.URL, in the background,
// until [Replication.Close]. The server does it with the plugin; tests and
// tools may call it themselves.
func Start(app core.App, config Config) (*Replication, error) {
	if config.SyncInterval <= 0 {
		config.SyncInterval = DefaultSyncInterval
	}
	if config.Retention <= 0 {
		config.Retention = DefaultRetention
	}
	if config.StallAfter <= 0 {
		config.StallAfter = DefaultStallAfter
	}
	client, err := newClient(config.URL)
	if err != nil {
		return nil, fmt.Errorf("replica: %w", err)
	}
	db := litestream.NewDB(filepath.Join(app.DataDir(), "data.db"))
	// Litestream reads the log every MonitorInterval and sends what it
	// read at most every SyncInterval, so a commit can wait for both, plus
	// the work: at a quarter each, a commit is sent within the interval
	// even with both cores busy (the replication drill; at the full
	// interval each, commits 1.2 s old were lost)
	db.MonitorInterval = config.SyncInterval / 4
	replica := litestream.NewReplicaWithClient(db, client)
	replica.SyncInterval = config.SyncInterval / 4
	db.Replica = replica
	if fc, ok := client.(*file.ReplicaClient); ok {
		fc.Replica = replica // keeps the data dir's owner and modes on the copies
	}

	store := litestream.NewStore([]*litestream.DB{db}, litestream.DefaultCompactionLevels)
	store.SnapshotRetention = config.Retention
	// Litestream's lines go to the app's log (the dashboard's Logs), beside
	// the stall report they explain, instead of the console
	logger := slog.New(textDurations{app.Logger().Handler()}).With("replica", redact(config.URL))
	store.Logger = logger
	db.SetLogger(logger)
	if err := store.Open(context.Background()); err != nil {
		return nil, fmt.Errorf("replica: starting the replication to %s: %w", redact(config.URL), err)
	}
	r := &Replication{app: app, url: config.URL, store: store, db: db, started: time.Now(), stallAfter: config.StallAfter, done: make(chan struct{})}
	go r.watch(r.done)
	return r, nil
}

// Sync sends every committed transaction to the replica now, and waits.
func (r *Replication) Sync(ctx context.Context) error {
	return r.db.SyncAndWait(ctx)
}

// Synced returns when the database was last sent to the replica, and
// false when nothing was sent yet.
func (r *Replication) Synced() (time.Time, bool) {
	at := r.db.LastSuccessfulSyncAt()
	return at, !at.IsZero()
}

// Close sends what is left to the replica (Litestream's shutdown sync,
// bounded) and ends the replication. Closing again does nothing.
func (r *Replication) Close() {
	r.closing.Do(func() {
		close(r.done)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := r.store.Close(ctx); err != nil && !errors.Is(err, context.Canceled) {
			r.app.Logger().Error("Replicatie niet netjes gestopt", "error", err)
		}
	})
}
