package drill

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// bin is the buurtplein binary the package's tests share, built by the
// first test that needs it and removed by TestMain.
var bin struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bin.dir != "" {
		os.RemoveAll(bin.dir)
	}
	os.Exit(code)
}

// binary builds the buurtplein binary once per package run.
func binary(t *testing.T) string {
	t.Helper()
	bin.once.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			bin.err = err
			return
		}
		root, err := ModuleRoot(wd)
		if err != nil {
			bin.err = err
			return
		}
		TrackSources(root)
		if bin.dir, bin.err = os.MkdirTemp("", "buurtplein-drill-bin-*"); bin.err != nil {
			return
		}
		bin.path = filepath.Join(bin.dir, "buurtplein")
		bin.err = Build(root, bin.path)
	})
	if bin.err != nil {
		t.Fatalf("building the binary: %v", bin.err)
	}
	return bin.path
}

// rounds is BUURTPLEIN_DRILL_ROUNDS, or fallback.
func rounds(t *testing.T, fallback int) int {
	raw := os.Getenv("BUURTPLEIN_DRILL_ROUNDS")
	if raw == "" {
		return fallback
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		t.Fatalf("BUURTPLEIN_DRILL_ROUNDS=%q: want a number of rounds", raw)
	}
	return n
}

// logWriter writes each line to the test log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestCrash runs the crash drill: 3 rounds in a plain go test run (about
// 15 s), BUURTPLEIN_DRILL_ROUNDS rounds in .ci/run.
func TestCrash(t *testing.T) {
	n := rounds(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(n)*30*time.Second+2*time.Minute)
	defer cancel()

	report, err := Crash(ctx, CrashConfig{
		Bin:     binary(t),
		DataDir: filepath.Join(t.TempDir(), "pb_data"),
		Rounds:  n,
		Log:     logWriter{t},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Rounds) != n {
		t.Fatalf("%d rounds ran, want %d", len(report.Rounds), n)
	}
	// a round that kills the server before its first answer checks only
	// the earlier rounds' writes; most rounds must add some
	if report.Acked < 10*n {
		t.Fatalf("%d writes acknowledged in %d rounds: the drill checked almost nothing", report.Acked, n)
	}
	unanswered, found := report.Unanswered()
	t.Logf("%d rounds in %s: %d acknowledged writes, all there after every kill; %d unanswered, %d of them there anyway; %d records in the collections written",
		n, report.Duration.Round(time.Second), report.Acked, unanswered, found, report.Records)
}

// TestBackup runs the backup drill on a small organisation (2,000 extra
// posts): see [Backup] for what it checks.
func TestBackup(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	report, err := Backup(ctx, BackupConfig{
		Bin:  binary(t),
		Dir:  t.TempDir(),
		Fill: 2000,
		Load: time.Second,
		Log:  logWriter{t},
	})
	if err != nil {
		t.Fatal(err)
	}
	if report.AckedBefore == 0 || report.During.Writes == 0 {
		t.Fatalf("%d writes acknowledged before the backup, %d overlapping it: the drill checked nothing", report.AckedBefore, report.During.Writes)
	}
	if report.Tables < 10 {
		t.Fatalf("the quiet backup was compared in %d tables, want every table (more than 10)", report.Tables)
	}
	t.Logf("backup under load %.2f s; write latency before: %s; during: %s", report.Backup.Seconds(), report.Before, report.During)
}

// TestReplica runs the replication drill: 2 rounds of about 4 s of writes
// in a plain go test run; see [Replica] for what it checks.
func TestReplica(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	report, err := Replica(ctx, ReplicaConfig{
		Bin:      binary(t),
		Dir:      t.TempDir(),
		Rounds:   rounds(t, 2),
		Interval: time.Second,
		Log:      logWriter{t},
	})
	if err != nil {
		t.Fatal(err)
	}
	if report.Acked < 20 {
		t.Fatalf("%d writes acknowledged: the drill checked almost nothing", report.Acked)
	}
	for i, round := range report.Rounds {
		if round.PointInTime == 0 {
			t.Fatalf("round %d: the restore to the halfway moment checked no write", i+1)
		}
	}
	t.Logf("%d rounds in %s: %d acknowledged writes checked", len(report.Rounds), report.Duration.Round(time.Second), report.Acked)
}
