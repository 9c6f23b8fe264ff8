package drill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
)

// BackupConfig configures [Backup].
type BackupConfig struct {
	// Bin is the buurtplein binary.
	Bin string

	// Dir is an empty or missing work directory: the server's data dir and
	// the restores go in it.
	Dir string

	// Writers is how many clients write at once. Default: 20.
	Writers int

	// Fill is how many posts (of about 1 KB) are added with SQL before the
	// load, so that the backup has a database of some size to copy.
	Fill int

	// Load is how long the writers write before the backup begins, and
	// again after it ends. Default: 2 s.
	Load time.Duration

	// Log gets a line per step; nil logs nothing.
	Log io.Writer
}

// Latency sums up how long acknowledged writes took.
type Latency struct {
	Writes        int
	P50, P99, Max time.Duration
}

func (l Latency) String() string {
	return fmt.Sprintf("%d writes, p50 %.1f ms, p99 %.1f ms, max %.1f ms", l.Writes, ms(l.P50), ms(l.P99), ms(l.Max))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BackupReport is the outcome of [Backup].
type BackupReport struct {
	DatabaseSize int64 // data.db at the end, bytes
	ZipSize      int64 // the backup made under load, bytes

	Backup      time.Duration // POST /api/backups under load
	QuietBackup time.Duration // POST /api/backups with the writers stopped
	Restore     time.Duration // "backup restore" of the backup made under load

	// Before are the writes in the Load before the backup began (the
	// first half second left out), During those that overlapped it.
	Before, During Latency

	// SlowestAt is when the slowest write of During began, counted from
	// the start of the backup: where in the backup the stall is.
	SlowestAt time.Duration

	// AckedBefore writes were acknowledged before the backup began: all are
	// in its restore. Of the AckedDuring, acknowledged while it ran,
	// DuringFound are in it (those the copy's snapshot saw).
	AckedBefore, AckedDuring, DuringFound int

	// Tables were compared between the data dir and the restore of the
	// backup made with the writers stopped; all matched, but for Later
	// rows the server's own jobs wrote after the backup began.
	Tables, Later int

	Duration time.Duration
}

// Backup runs the backup drill. It starts the binary with the demo
// organisation (plus Fill posts), lets concurrent writers create records
// over HTTP and, while they write, has the server make a backup (POST
// /api/backups as IT). With the writers stopped it makes a second one.
// Then it stops the server and restores both with the binary's own "backup
// restore" into fresh data dirs, and checks:
//
//   - the restore of the backup made under load passes integrity_check,
//     foreign_key_check and the relation check; every write acknowledged
//     before the backup began is in it with what was sent; it holds no
//     record nobody sent; and it serves;
//   - the restore of the quiet backup matches the data dir row for row:
//     every table's row count and checksum;
//   - "backup restore" into the live data dir is refused while the server
//     runs.
//
// It measures the write stall: the latency of the writes that overlapped
// the backup against that of the writes before it.
func Backup(ctx context.Context, cfg BackupConfig) (*BackupReport, error) {
	if cfg.Writers == 0 {
		cfg.Writers = 20
	}
	if cfg.Load == 0 {
		cfg.Load = 2 * time.Second
	}
	logf := logger(cfg.Log)
	began := time.Now()
	report := &BackupReport{}

	dataDir := filepath.Join(cfg.Dir, "pb_data")
	opts := ServerOptions{Bin: cfg.Bin, DataDir: dataDir, WorkDir: cfg.Dir, Demo: true}
	o, err := prepare(ctx, opts, cfg.Fill, logf)
	if err != nil {
		return report, err
	}
	baseline, err := readState(dataDir)
	if err != nil {
		return report, fmt.Errorf("reading the data dir before the load: %w", err)
	}

	srv, err := Start(opts)
	if err != nil {
		return report, serverError("starting the server", srv, err)
	}
	defer srv.Kill()
	a := newAPI(srv.URL)
	defer a.close()

	// the load, and the backup in the middle of it
	var l ledger
	stop := make(chan struct{})
	ws := startWriters(ctx, stop, a, o, &l, cfg.Writers)
	loadBegan := time.Now()
	sleep(ctx, cfg.Load)
	backupBegan := time.Now()
	if _, err := a.call(ctx, http.MethodPost, "/api/backups", o.superuser, map[string]string{"name": "drill_load.zip"}, nil); err != nil {
		close(stop)
		return report, errors.Join(fmt.Errorf("the backup under load: %w", err), ws.Wait())
	}
	backupEnded := time.Now()
	report.Backup = backupEnded.Sub(backupBegan)
	sleep(ctx, cfg.Load)
	close(stop)
	if err := errors.Join(ws.Wait(), ctx.Err()); err != nil {
		return report, serverError("the writers", srv, err)
	}
	writes := l.all()
	var slowest write
	report.Before, report.During, slowest = stall(writes, loadBegan.Add(500*time.Millisecond), backupBegan, backupEnded)
	report.SlowestAt = slowest.start.Sub(backupBegan)
	logf("backup under load: %.2f s; writes before it: %s; during it: %s, the slowest sent %.2f s into the backup",
		report.Backup.Seconds(), report.Before, report.During, report.SlowestAt.Seconds())

	// the quiet backup, and a restore the running server must refuse
	quietBegan := time.Now()
	if _, err := a.call(ctx, http.MethodPost, "/api/backups", o.superuser, map[string]string{"name": "drill_quiet.zip"}, nil); err != nil {
		return report, fmt.Errorf("the backup with the writers stopped: %w", err)
	}
	report.QuietBackup = time.Since(quietBegan)
	if out, err := restore(ctx, cfg.Bin, dataDir, "drill_quiet.zip", ""); err == nil || !strings.Contains(out, "in gebruik") {
		return report, fmt.Errorf("backup restore into the data dir of a running server: %v, want the refusal \"in gebruik\":\n%s", err, out)
	}
	if err := srv.Stop(); err != nil {
		return report, err
	}
	if info, err := os.Stat(filepath.Join(dataDir, "data.db")); err == nil {
		report.DatabaseSize = info.Size()
	}
	if info, err := os.Stat(filepath.Join(dataDir, "backups", "drill_load.zip")); err == nil {
		report.ZipSize = info.Size()
	}

	var problems []string
	quiet, err := compareQuiet(ctx, cfg, dataDir, quietBegan)
	if err != nil {
		return report, err
	}
	report.Tables, problems = quiet.tables, quiet.problems
	report.Later = quiet.later
	logf("quiet backup: %.2f s; its restore against the data dir in %d tables: %d difference(s), %d row(s) the server wrote after the backup began",
		report.QuietBackup.Seconds(), quiet.tables, len(quiet.problems), quiet.later)

	loadRestore := filepath.Join(cfg.Dir, "restore_load")
	restoreBegan := time.Now()
	if out, err := restore(ctx, cfg.Bin, dataDir, "drill_load.zip", loadRestore); err != nil {
		return report, fmt.Errorf("restoring the backup made under load: %w\n%s", err, out)
	}
	report.Restore = time.Since(restoreBegan)
	st, err := readState(loadRestore)
	if err != nil {
		return report, fmt.Errorf("reading the restore of the backup made under load: %w", err)
	}
	found := checkWrites(st, writes, func(w write) bool { return w.acked && w.end.Before(backupBegan) })
	report.AckedBefore = found.Required
	for _, w := range writes {
		if w.acked && !w.end.Before(backupBegan) && w.end.Before(backupEnded) {
			report.AckedDuring++
			if _, ok := st.rows[w.collection][w.id]; ok {
				report.DuringFound++
			}
		}
	}
	problems = append(problems, st.problems...)
	problems = append(problems, found.Problems...)
	problems = append(problems, checkAttempted(st, writes, baseline.ids())...)
	logf("restore of the backup under load: %.2f s; %d of %d writes acknowledged before the backup there, %d of %d acknowledged during it",
		report.Restore.Seconds(), found.RequiredFound, found.Required, report.DuringFound, report.AckedDuring)

	// the restored data dir must serve
	restored, err := Start(ServerOptions{Bin: cfg.Bin, DataDir: loadRestore, WorkDir: cfg.Dir})
	if err != nil {
		return report, serverError("starting on the restored data dir", restored, err)
	}
	if err := restored.Stop(); err != nil {
		return report, err
	}

	report.Duration = time.Since(began)
	if len(problems) > 0 {
		return report, fmt.Errorf("%d problem(s) in the restored backups:\n%s", len(problems), firstLines(problems, 50))
	}
	return report, nil
}

// prepare starts a server on the new data dir with the demo organisation,
// switches its rate limits off and signs the writers in; then it stops it
// and adds fill posts.
func prepare(ctx context.Context, opts ServerOptions, fill int, logf func(string, ...any)) (*org, error) {
	srv, err := Start(opts)
	if err != nil {
		return nil, serverError("starting the server", srv, err)
	}
	a := newAPI(srv.URL)
	defer a.close()
	o, err := setUp(ctx, a)
	if stopErr := srv.Stop(); err == nil {
		err = stopErr
	}
	if err != nil || fill == 0 {
		return o, err
	}

	filled := time.Now()
	if err := fillPosts(opts.DataDir, o.accounts[0], fill); err != nil {
		return nil, fmt.Errorf("adding %d posts: %w", fill, err)
	}
	logf("added %d posts with SQL in %.1f s", fill, time.Since(filled).Seconds())
	return o, nil
}

// fillPosts adds n posts of about 1 KB by acc to her team, with SQL in one
// transaction, in the column formats PocketBase writes.
func fillPosts(dataDir string, acc account, n int) error {
	db, err := openDB(dataDir)
	if err != nil {
		return err
	}
	defer db.Close()

	return db.Transactional(func(tx *dbx.Tx) error {
		now := types.NowDateTime().String()
		for i := range n {
			_, err := tx.Insert("posts", dbx.Params{
				"id":         security.RandomStringWithAlphabet(15, "abcdefghijklmnopqrstuvwxyz0123456789"),
				"team":       acc.team,
				"author":     acc.id,
				"kind":       "update",
				"title":      fmt.Sprintf("fill #%d", i),
				"body":       text(800, 1200),
				"must_read":  false,
				"visibility": "team",
				"images":     "[]",
				"created":    now,
				"updated":    now,
			}).Execute()
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// quietResult is how the restore of the quiet backup compares.
type quietResult struct {
	tables   int
	later    int // rows the server wrote after the backup began
	problems []string
}

// compareQuiet restores the quiet backup into a fresh data dir and
// compares its tables with the (stopped) server's data dir. The writers
// were stopped, but the server's own jobs (the tasks plugin's overdue
// check, every 10 minutes) may still write: a row of the data dir stamped
// (created or updated) after the backup began may differ.
func compareQuiet(ctx context.Context, cfg BackupConfig, dataDir string, began time.Time) (quietResult, error) {
	var res quietResult
	live, err := tableSums(dataDir)
	if err != nil {
		return res, fmt.Errorf("summing the data dir: %w", err)
	}
	quietRestore := filepath.Join(cfg.Dir, "restore_quiet")
	if out, err := restore(ctx, cfg.Bin, dataDir, "drill_quiet.zip", quietRestore); err != nil {
		return res, fmt.Errorf("restoring the quiet backup: %w\n%s", err, out)
	}
	restored, err := tableSums(quietRestore)
	if err != nil {
		return res, fmt.Errorf("summing the restore of the quiet backup: %w", err)
	}

	tables := make([]string, 0, len(live))
	for table := range live {
		tables = append(tables, table)
	}
	for table := range restored {
		if _, ok := live[table]; !ok {
			tables = append(tables, table)
		}
	}
	slices.Sort(tables)
	res.tables = len(tables)
	for _, table := range tables {
		if live[table] == restored[table] {
			continue
		}
		later, problems, err := diffTable(dataDir, quietRestore, table, began.UTC().Format(types.DefaultDateLayout))
		if err != nil {
			return res, err
		}
		res.later += later
		res.problems = append(res.problems, problems...)
	}
	return res, nil
}

// diffTable compares table row by row (by id) between the data dir and the
// restore, and returns how many rows differ only because the data dir's
// copy was written since (a created or updated stamp of since or later),
// and a problem for every other difference.
func diffTable(dataDir, restoreDir, table, since string) (int, []string, error) {
	rowsOf := func(dir string) (map[string]map[string]string, error) {
		db, err := openDB(dir)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		rows, err := readRows(db, "SELECT * FROM {{"+table+"}}")
		if err != nil {
			return nil, err
		}
		byKey := make(map[string]map[string]string, len(rows))
		for _, row := range rows {
			key, ok := row["id"]
			if !ok {
				key = sum(row, row) // a table without ids: the row is its key
			}
			byKey[key] = row
		}
		return byKey, nil
	}
	live, err := rowsOf(dataDir)
	if err != nil {
		return 0, nil, fmt.Errorf("reading %s of the data dir: %w", table, err)
	}
	restored, err := rowsOf(restoreDir)
	if err != nil {
		return 0, nil, fmt.Errorf("reading %s of the restore: %w", table, err)
	}

	later := 0
	var problems []string
	for key, row := range live {
		if other, ok := restored[key]; ok && sum(row, row) == sum(other, other) {
			continue
		}
		if row["created"] >= since || row["updated"] >= since {
			later++
			continue
		}
		problems = append(problems, fmt.Sprintf("quiet backup: %s row %v differs from the restore's %v", table, row, restored[key]))
	}
	for key, row := range restored {
		if _, ok := live[key]; !ok {
			problems = append(problems, fmt.Sprintf("quiet backup: %s row %v is in the restore, not in the data dir", table, row))
		}
	}
	slices.Sort(problems)
	return later, problems, nil
}

// restore runs "backup restore name" of the binary on dataDir, into into
// (empty: the data dir itself), and returns its output.
func restore(ctx context.Context, bin, dataDir, name, into string) (string, error) {
	args := []string{"backup", "restore", name, "--dir", dataDir, "--dev=false"}
	if into != "" {
		args = append(args, "--into", into)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = filepath.Dir(dataDir)
	killWithParent(cmd)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// stall returns the latency of the acknowledged writes that began after
// from and ended before the backup began, and of those that overlapped
// the backup, and the slowest of the latter.
func stall(writes []write, from, backupBegan, backupEnded time.Time) (before, during Latency, slowest write) {
	var b, d []time.Duration
	for _, w := range writes {
		switch {
		case !w.acked:
		case !w.start.Before(from) && w.end.Before(backupBegan):
			b = append(b, w.latency())
		case w.start.Before(backupEnded) && w.end.After(backupBegan):
			d = append(d, w.latency())
			if w.latency() > slowest.latency() {
				slowest = w
			}
		}
	}
	return latencyOf(b), latencyOf(d), slowest
}

func latencyOf(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	at := func(p float64) time.Duration { return ds[int(p*float64(len(ds)-1))] }
	return Latency{Writes: len(ds), P50: at(0.50), P99: at(0.99), Max: ds[len(ds)-1]}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}
