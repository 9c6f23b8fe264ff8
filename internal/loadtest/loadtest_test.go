package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestLoadSmoke runs the whole load test tiny, against both servers: it
// builds the binary, generates 3 teams of 10, and lets 10 virtual users
// work for 3 s while 20 idle clients listen. Every kind of request must
// have been sent and answered without an error, and the idle clients must
// have received events.
func TestLoadSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two servers")
	}
	root := moduleRoot(t)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "buurtplein")
	goBuild(t, root, bin)

	var out bytes.Buffer
	res, err := Run(context.Background(), Config{
		Org:      Org{Teams: 3, Users: 30},
		VUs:      10,
		Idle:     20,
		Duration: 3 * time.Second,
		Think:    50 * time.Millisecond,
		Binary:   bin,
		WorkDir:  filepath.Join(tmp, "work"),
		Seed:     1,
		CoverMix: true,
		Out:      &out,
	})
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}

	if res.Rows["tasks"] != 6000 || res.Rows["posts"] != 2000 || res.Rows["users"] != 30 {
		t.Errorf("generated %v, want 30 users, 2,000 posts and 6,000 tasks", res.Rows)
	}
	for _, name := range []string{Ours, Bare} {
		s, ok := res.Server(name)
		if !ok {
			t.Fatalf("no result for %s", name)
		}
		for _, k := range kinds {
			r, ok := s.Kind(k.name)
			if !ok || r.Requests == 0 {
				t.Errorf("%s: no %s requests", name, k.name)
				continue
			}
			if r.ErrorCount() > 0 || r.Limited > 0 {
				t.Errorf("%s: %s had errors %v and %d rate-limited", name, k.name, r.Errors, r.Limited)
			}
		}
		if rt := s.Realtime; rt.Connected != 20 || rt.EventCount() == 0 {
			t.Errorf("%s: %d of 20 idle clients connected, %d events received", name, rt.Connected, rt.EventCount())
		}
		if runtime.GOOS == "linux" && (s.PeakRSS == 0 || s.CPU == 0) {
			t.Errorf("%s: peak RSS %d and CPU %s not measured", name, s.PeakRSS, s.CPU)
		}
	}
	for _, want := range []string{"ours / bare", "server CPU per request", "targets (ours)", "PASS  no errors other than 429"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

// moduleRoot is the directory with Buurtplein's go.mod, two above this
// package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(wd, "..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod two above %s: %v", wd, err)
	}
	trackSources(root)
	return root
}

// trackSources stats every Go source file of the module: go test caches a
// passing result keyed on the files the test opened or stat'ed, and the
// binary is built by another process.
func trackSources(root string) {
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "pb_data" || d.Name() == "pb_public") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			_, _ = os.Stat(path)
		}
		return nil
	})
}

// goBuild builds the main package at root into bin with the go command of
// the toolchain that runs the test.
func goBuild(t *testing.T, root, bin string) {
	t.Helper()
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		if goCmd, err = exec.LookPath("go"); err != nil {
			t.Fatalf("no go command to build the binary: %v", err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", bin, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatal(fmt.Errorf("%s build: %w\n%s", goCmd, err, out))
	}
}
