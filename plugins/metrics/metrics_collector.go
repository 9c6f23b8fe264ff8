package metrics

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"buurtplein/hooks"
	"buurtplein/plugins/push"

	"github.com/pocketbase/pocketbase/core"
	"github.com/prometheus/client_golang/prometheus"
)

// backupListEvery is how long the newest backup's time is kept: listing
// the backups may ask S3, and a backup is made once a day.
const backupListEvery = time.Minute

// appCollector reads the app's state at each scrape: realtime clients,
// the topic fan-out, the database pools' waits, the push queue and the
// ages of the newest backup and of the replica.
type appCollector struct {
	app           core.App
	replicaSynced func() (time.Time, bool)

	mu         sync.Mutex
	backupRead time.Time // when the backups were last listed
	backupTime time.Time // the newest backup's, zero for none
	backupOk   bool      // whether the last listing worked
}

func newAppCollector(app core.App, replicaSynced func() (time.Time, bool)) *appCollector {
	return &appCollector{app: app, replicaSynced: replicaSynced}
}

func desc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, nil, nil)
}

var (
	realtimeClientsDesc = desc("buurtplein_realtime_clients",
		"Realtime (server-sent events) connections open now.")
	fanoutQueueDesc = desc("buurtplein_realtime_fanout_queue",
		"Record events waiting to be sent to the realtime topics' subscribers.")
	fanoutHangUpsDesc = desc("buurtplein_realtime_hangups_total",
		"Realtime clients disconnected because they fell behind (their queue of events was full).")
	fanoutDroppedDesc = desc("buurtplein_realtime_dropped_events_total",
		"Realtime events never delivered: those waiting for a client when it was disconnected for falling behind.")
	writeWaitsDesc = desc("buurtplein_sqlite_write_waits_total",
		"Times a write waited for the database's one write connection.")
	writeWaitDesc = desc("buurtplein_sqlite_write_wait_seconds_total",
		"Time writes spent waiting for the database's one write connection.")
	readWaitsDesc = desc("buurtplein_sqlite_read_waits_total",
		"Times a read waited for a free connection of the database's read pool.")
	readWaitDesc = desc("buurtplein_sqlite_read_wait_seconds_total",
		"Time reads spent waiting for a free connection of the database's read pool.")
	pushQueueDesc = desc("buurtplein_push_queue",
		"Push notifications waiting to be sent to the push services.")
	pushDroppedDesc = desc("buurtplein_push_dropped_total",
		"Push notifications not sent because the send queue was full.")
	backupAgeDesc = desc("buurtplein_backup_age_seconds",
		"Seconds since the newest backup was made; absent when there is none or the backups cannot be listed.")
	replicaAgeDesc = desc("buurtplein_replica_age_seconds",
		"Seconds since the database was last replicated to the replica; absent without replication.")
)

// Describe implements prometheus.Collector.
func (c *appCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		realtimeClientsDesc, fanoutQueueDesc, fanoutHangUpsDesc, fanoutDroppedDesc,
		writeWaitsDesc, writeWaitDesc, readWaitsDesc, readWaitDesc,
		pushQueueDesc, pushDroppedDesc, backupAgeDesc, replicaAgeDesc,
	} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *appCollector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}

	gauge(realtimeClientsDesc, float64(c.app.SubscriptionsBroker().TotalClients()))
	topics := hooks.TopicStatsOf(c.app)
	gauge(fanoutQueueDesc, float64(topics.Pending))
	counter(fanoutHangUpsDesc, float64(topics.HangUps))
	counter(fanoutDroppedDesc, float64(topics.Dropped))

	if stats, ok := poolStats(c.app.NonconcurrentDB()); ok {
		counter(writeWaitsDesc, float64(stats.WaitCount))
		counter(writeWaitDesc, stats.WaitDuration.Seconds())
	}
	if stats, ok := poolStats(c.app.ConcurrentDB()); ok {
		counter(readWaitsDesc, float64(stats.WaitCount))
		counter(readWaitDesc, stats.WaitDuration.Seconds())
	}

	if q, ok := push.QueueStatsOf(c.app); ok {
		gauge(pushQueueDesc, float64(q.Waiting))
		counter(pushDroppedDesc, float64(q.Dropped))
	}

	now := time.Now()
	if newest, ok := c.newestBackup(now); ok {
		gauge(backupAgeDesc, now.Sub(newest).Seconds())
	}
	if c.replicaSynced != nil {
		if synced, ok := c.replicaSynced(); ok {
			gauge(replicaAgeDesc, now.Sub(synced).Seconds())
		}
	}
}

// poolStats returns the statistics of the connection pool under db, a
// *dbx.DB; false for anything else.
func poolStats(db any) (sql.DBStats, bool) {
	pool, ok := db.(interface{ DB() *sql.DB })
	if !ok || pool.DB() == nil {
		return sql.DBStats{}, false
	}
	return pool.DB().Stats(), true
}

// newestBackup returns when the newest backup was made, listing the
// backups at most once every backupListEvery; false when there is none or
// they cannot be listed.
func (c *appCollector) newestBackup(now time.Time) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.backupRead.IsZero() && now.Sub(c.backupRead) < backupListEvery {
		return c.backupTime, c.backupOk && !c.backupTime.IsZero()
	}
	c.backupRead = now
	newest, err := c.listNewestBackup()
	if err != nil {
		c.app.Logger().Warn("metrics: listing the backups", "error", err)
	}
	c.backupTime, c.backupOk = newest, err == nil
	return newest, err == nil && !newest.IsZero()
}

// listNewestBackup returns the time of the newest file in the app's
// backups filesystem (a local folder or S3), zero for none.
func (c *appCollector) listNewestBackup() (time.Time, error) {
	fsys, err := c.app.NewBackupsFilesystem()
	if err != nil {
		return time.Time{}, err
	}
	defer fsys.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fsys.SetContext(ctx)

	files, err := fsys.List("")
	if err != nil {
		return time.Time{}, err
	}
	var newest time.Time
	for _, f := range files {
		if f.ModTime.After(newest) {
			newest = f.ModTime
		}
	}
	return newest, nil
}
