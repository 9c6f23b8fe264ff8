package drill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ReplicaConfig configures [Replica].
type ReplicaConfig struct {
	// Bin is the buurtplein binary.
	Bin string

	// Dir is an empty or missing work directory: the data dir, the replica
	// and the point-in-time restores go in it.
	Dir string

	// Rounds is how many times the data dir is lost and restored; from the
	// second round on, the replication continues from a restored data dir.
	// Default: 2.
	Rounds int

	// Writers is how many clients write at once. Default: 20.
	Writers int

	// Load is how long the writers write before the loss. Default: 4 s.
	Load time.Duration

	// Interval is the replication interval the server runs with (the
	// replica plugin's default): every write acknowledged more than this
	// before the loss must be restored.
	Interval time.Duration

	// Log gets a line per round; nil logs nothing.
	Log io.Writer
}

// ReplicaRound is what one round of [Replica] saw.
type ReplicaRound struct {
	Acked int // writes acknowledged in the round

	// Lost are the acknowledged writes missing from the restore; all
	// were acknowledged within the interval before the loss. Window is
	// the longest of them, from its acknowledgement to the loss: the
	// recovery point (zero when nothing was lost).
	Lost   int
	Window time.Duration

	Restore time.Duration // "replica restore" of the latest state
	Start   time.Duration // start on the restored data dir until /api/health

	// PointInTime counts the writes checked in the restore to the middle
	// of the round: the acknowledged ones before it there, the ones begun
	// after it absent.
	PointInTime int
}

// ReplicaReport is the outcome of [Replica].
type ReplicaReport struct {
	Rounds   []ReplicaRound
	Acked    int // every acknowledged write, checked after the last restore
	Duration time.Duration
}

// Replica runs the replication drill. It starts the binary with the demo
// organisation and --replica on a directory, lets concurrent writers create
// posts, comments, tasks and offers over HTTP, notes a moment halfway, and
// then loses the data dir: SIGKILL, and the data dir deleted. It restores
// the latest state with the binary's "replica restore" into the empty data
// dir, checks it with the server down (integrity, foreign keys, relations,
// and every write acknowledged more than Interval before the loss there
// with what was sent, in this round or an earlier one), and measures the
// recovery time: the restore, plus the start until /api/health answers. It
// also restores the halfway moment into a directory of its own: every write
// acknowledged more than Interval before it is there, none begun after it.
// A restore to a moment before the replica's first is refused. The next
// round writes on the restored data dir, whose replication goes on.
func Replica(ctx context.Context, cfg ReplicaConfig) (*ReplicaReport, error) {
	if cfg.Rounds == 0 {
		cfg.Rounds = 2
	}
	if cfg.Writers == 0 {
		cfg.Writers = 20
	}
	if cfg.Load == 0 {
		cfg.Load = 4 * time.Second
	}
	logf := logger(cfg.Log)
	began := time.Now()
	report := &ReplicaReport{}

	dataDir := filepath.Join(cfg.Dir, "pb_data")
	replicaDir := filepath.Join(cfg.Dir, "replica")
	opts := ServerOptions{Bin: cfg.Bin, DataDir: dataDir, WorkDir: cfg.Dir, Demo: true, Args: []string{"--replica", replicaDir}}
	srv, err := Start(opts)
	if err != nil {
		return report, serverError("starting the server", srv, err)
	}
	a := newAPI(srv.URL)
	o, err := setUp(ctx, a)
	if err != nil {
		_ = srv.Kill()
		return report, err
	}

	var l ledger
	// kept: the writes every later restore must hold, by id: those of an
	// earlier round that its restore held. A write acknowledged within the
	// interval before a loss may be lost with it, and stays lost.
	kept := map[string]bool{}
	for n := 1; n <= cfg.Rounds; n++ {
		var round ReplicaRound
		before := len(l.all())
		roundBegan := time.Now()
		ws := startWriters(ctx, nil, a, o, &l, cfg.Writers)
		sleep(ctx, cfg.Load/2)
		middle := time.Now()
		sleep(ctx, cfg.Load-cfg.Load/2)

		lost := time.Now()
		killErr := srv.Kill()
		writeErr := ws.Wait()
		a.close()
		if err := errors.Join(killErr, writeErr, ctx.Err()); err != nil {
			return report, serverError(fmt.Sprintf("round %d", n), srv, err)
		}
		if err := os.RemoveAll(dataDir); err != nil {
			return report, fmt.Errorf("round %d: deleting the data dir: %w", n, err)
		}
		writes := l.all()
		for _, w := range writes[before:] {
			if w.acked {
				round.Acked++
			}
		}

		started := time.Now()
		if out, err := replicaRestore(ctx, cfg.Bin, replicaDir, dataDir, ""); err != nil {
			return report, fmt.Errorf("round %d: replica restore: %w\n%s", n, err, out)
		}
		round.Restore = time.Since(started)

		st, err := readState(dataDir)
		if err != nil {
			return report, fmt.Errorf("round %d: reading the restored data dir: %w", n, err)
		}
		due := func(w write) bool {
			return kept[w.id] || w.start.After(roundBegan) && w.acked && w.end.Before(lost.Add(-cfg.Interval))
		}
		found := checkWrites(st, writes, due)
		var held []string // this round's writes the restore holds
		for _, w := range writes[before:] {
			if _, there := st.rows[w.collection][w.id]; there {
				held = append(held, w.id)
			} else if w.acked {
				round.Lost++
				round.Window = max(round.Window, lost.Sub(w.end))
			}
		}
		report.Acked = found.Required
		if problems := append(st.problems, found.Problems...); len(problems) > 0 {
			return report, fmt.Errorf("round %d: %d problem(s) in the restore (%d of %d writes acknowledged more than %s before the loss at %s there):\n%s",
				n, len(problems), found.RequiredFound, found.Required, cfg.Interval, lost.Format("15:04:05.000"), firstLines(problems, 50))
		}

		if round.PointInTime, err = checkPointInTime(ctx, cfg, replicaDir, roundBegan, middle, writes, kept, n); err != nil {
			return report, err
		}
		for _, id := range held {
			kept[id] = true
		}

		started = time.Now()
		if srv, err = Start(opts); err != nil {
			return report, serverError(fmt.Sprintf("round %d: starting on the restored data dir", n), srv, err)
		}
		round.Start = time.Since(started)
		a = newAPI(srv.URL)

		report.Rounds = append(report.Rounds, round)
		logf("round %d/%d: data dir lost after %.1f s of writes: %d acknowledged, %d lost (all within %d ms of the loss); restore %.2f s + start %.2f s; to the halfway moment: %d writes checked",
			n, cfg.Rounds, cfg.Load.Seconds(), round.Acked, round.Lost, round.Window.Milliseconds(), round.Restore.Seconds(), round.Start.Seconds(), round.PointInTime)
	}
	a.close()
	if err := srv.Stop(); err != nil {
		return report, err
	}

	// a moment before the replica's first is refused, with the reason
	out, err := replicaRestore(ctx, cfg.Bin, replicaDir, filepath.Join(cfg.Dir, "too-early"), "2000-01-01 00:00")
	if err == nil || !strings.Contains(out, "vroegste moment") {
		return report, fmt.Errorf("a restore to a moment before the replica's first: %v, want a refusal naming the first moment\n%s", err, out)
	}
	report.Duration = time.Since(began)
	return report, nil
}

// checkPointInTime restores the replica's state at middle into a directory
// of its own and checks it: every write kept from an earlier round and
// every one of the round (begun after began) acknowledged more than the
// interval before middle there, none begun after middle. It returns how many writes it checked.
func checkPointInTime(ctx context.Context, cfg ReplicaConfig, replicaDir string, began, middle time.Time, writes []write, kept map[string]bool, n int) (int, error) {
	into := filepath.Join(cfg.Dir, fmt.Sprintf("at-%d", n))
	if out, err := replicaRestore(ctx, cfg.Bin, replicaDir, into, middle.Format(time.RFC3339Nano)); err != nil {
		return 0, fmt.Errorf("round %d: replica restore --to the halfway moment: %w\n%s", n, err, out)
	}
	st, err := readState(into)
	if err != nil {
		return 0, fmt.Errorf("round %d: reading the restore to the halfway moment: %w", n, err)
	}
	found := checkWrites(st, writes, func(w write) bool {
		return kept[w.id] || w.start.After(began) && w.acked && w.end.Before(middle.Add(-cfg.Interval))
	})
	problems := append(st.problems, found.Problems...)
	checked := found.Required
	for _, w := range writes {
		if w.start.After(middle) {
			checked++
			if _, there := st.rows[w.collection][w.id]; there {
				problems = append(problems, fmt.Sprintf("from after the moment: %s %s, sent %s", w.collection, w.id, w.start.Format("15:04:05.000")))
			}
		}
	}
	if len(problems) > 0 {
		return 0, fmt.Errorf("round %d: %d problem(s) in the restore to %s:\n%s", n, len(problems), middle.Format("15:04:05.000"), firstLines(problems, 50))
	}
	return checked, os.RemoveAll(into)
}

// replicaRestore runs "replica restore" of the binary from replicaDir into
// into, to the moment to (empty: the latest), and returns its output.
func replicaRestore(ctx context.Context, bin, replicaDir, into, to string) (string, error) {
	args := []string{"replica", "restore", "--replica", replicaDir, "--into", into, "--dir", into}
	if to != "" {
		args = append(args, "--to", to)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = filepath.Dir(into)
	killWithParent(cmd)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
