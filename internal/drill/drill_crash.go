package drill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"
)

// CrashConfig configures [Crash].
type CrashConfig struct {
	// Bin is the buurtplein binary to crash.
	Bin string

	// DataDir is the server's data dir: empty or missing at the start, it
	// gets the demo organisation. The rounds go on with the same data.
	DataDir string

	// Rounds is how many times the server is killed. Default: 20.
	Rounds int

	// Writers is how many clients write at once. Default: 20.
	Writers int

	// MinLoad and MaxLoad bound the moment of the kill, after the writers
	// begin. Default: 0.3 s and 3 s.
	MinLoad, MaxLoad time.Duration

	// Log gets a line per round; nil logs nothing.
	Log io.Writer
}

// CrashRound is what one round of [Crash] saw.
type CrashRound struct {
	Load            time.Duration // writers at work until the SIGKILL
	Acked           int           // writes acknowledged in the round
	Unanswered      int           // writes in flight when the server died
	UnansweredFound int           // of those, committed all the same
	Restart         time.Duration // start until /api/health answered
	Check           time.Duration // reading and checking the data dir
}

// CrashReport is the outcome of [Crash].
type CrashReport struct {
	Rounds   []CrashRound
	Duration time.Duration

	// Acked counts every acknowledged write of every round; after each
	// kill all of them (the earlier rounds' too) were checked.
	Acked int

	// Records is how many records the written collections held at the
	// end, the demo organisation's included.
	Records int
}

// Unanswered sums the writes in flight at a kill, and those found anyway.
func (r *CrashReport) Unanswered() (total, found int) {
	for _, round := range r.Rounds {
		total += round.Unanswered
		found += round.UnansweredFound
	}
	return total, found
}

// Crash runs the crash drill: it starts the binary on the data dir, lets
// concurrent writers create posts, comments, tasks and offers over HTTP,
// kills the server with SIGKILL at a random moment, and checks the data
// dir with the server down: PRAGMA integrity_check is ok, foreign_key_check
// is empty, every relation points at a record, every write a client saw
// acknowledged (in this round or an earlier one) is there with what was
// sent, and every task and offer there has the history line of its
// transaction. Then it restarts the server and does it again.
//
// A lost or changed write or any inconsistency ends the drill with an
// error that lists them.
func Crash(ctx context.Context, cfg CrashConfig) (*CrashReport, error) {
	if cfg.Rounds == 0 {
		cfg.Rounds = 20
	}
	if cfg.Writers == 0 {
		cfg.Writers = 20
	}
	if cfg.MaxLoad == 0 {
		cfg.MinLoad, cfg.MaxLoad = 300*time.Millisecond, 3*time.Second
	}
	logf := logger(cfg.Log)

	began := time.Now()
	report := &CrashReport{}
	opts := ServerOptions{Bin: cfg.Bin, DataDir: cfg.DataDir, WorkDir: filepath.Dir(cfg.DataDir), Demo: true}
	srv, err := Start(opts)
	if err != nil {
		return report, serverError("starting the server", srv, err)
	}
	a := newAPI(srv.URL)
	o, err := setUp(ctx, a)
	if err != nil {
		_ = srv.Stop()
		return report, err
	}

	var l ledger
	for n := 1; n <= cfg.Rounds; n++ {
		var round CrashRound
		if n > 1 {
			started := time.Now()
			if srv, err = Start(opts); err != nil {
				return report, serverError(fmt.Sprintf("round %d: restarting after the kill", n), srv, err)
			}
			round.Restart = time.Since(started)
			a = newAPI(srv.URL)
		}

		before := len(l.all())
		round.Load = cfg.MinLoad + rand.N(cfg.MaxLoad-cfg.MinLoad+1)
		ws := startWriters(ctx, nil, a, o, &l, cfg.Writers)
		select {
		case <-time.After(round.Load):
		case <-ctx.Done():
		}
		killErr := srv.Kill()
		writeErr := ws.Wait()
		a.close()
		if err := errors.Join(killErr, writeErr, ctx.Err()); err != nil {
			return report, serverError(fmt.Sprintf("round %d", n), srv, err)
		}

		checked := time.Now()
		st, err := readState(cfg.DataDir)
		if err != nil {
			return report, fmt.Errorf("round %d: reading the data dir after the kill: %w", n, err)
		}
		writes := l.all()
		found := checkWrites(st, writes, func(w write) bool { return w.acked })
		round.Check = time.Since(checked)
		for _, w := range writes[before:] {
			switch {
			case w.acked:
				round.Acked++
			default:
				round.Unanswered++
				if _, ok := st.rows[w.collection][w.id]; ok {
					round.UnansweredFound++
				}
			}
		}
		report.Rounds = append(report.Rounds, round)
		report.Acked = found.Required
		report.Records = 0
		for _, collection := range writtenCollections {
			report.Records += len(st.rows[collection])
		}

		logf("round %3d/%d: SIGKILL after %5.2f s: %4d acknowledged, %2d unanswered (%d there anyway); restart %.2f s, check %.2f s (%d acknowledged so far)",
			n, cfg.Rounds, round.Load.Seconds(), round.Acked, round.Unanswered, round.UnansweredFound,
			round.Restart.Seconds(), round.Check.Seconds(), found.Required)

		if problems := append(st.problems, found.Problems...); len(problems) > 0 {
			report.Duration = time.Since(began)
			return report, fmt.Errorf("round %d: %d problem(s) after the SIGKILL (%d of %d acknowledged writes there):\n%s",
				n, len(problems), found.RequiredFound, found.Required, firstLines(problems, 50))
		}
	}

	// the data dir a crash left must serve again
	if srv, err = Start(opts); err != nil {
		return report, serverError("restarting after the last kill", srv, err)
	}
	if err := srv.Stop(); err != nil {
		return report, err
	}
	report.Duration = time.Since(began)
	return report, nil
}

// serverError adds the server's output to err.
func serverError(what string, srv *Server, err error) error {
	if srv == nil || srv.Output() == "" {
		return fmt.Errorf("%s: %w", what, err)
	}
	return fmt.Errorf("%s: %w\n--- server output ---\n%s", what, err, srv.Output())
}

// firstLines joins the first n lines and says how many were left out.
func firstLines(lines []string, n int) string {
	if len(lines) <= n {
		return strings.Join(lines, "\n")
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n… and %d more", len(lines)-n)
}

// logger returns a printf to w that ends each line, or one that discards.
func logger(w io.Writer) func(format string, args ...any) {
	return func(format string, args ...any) {
		if w != nil {
			fmt.Fprintf(w, format+"\n", args...)
		}
	}
}
