package loadtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/drill"
)

// TestLoadSmoke runs the whole load test tiny, against both servers: it
// builds the binary, generates 3 teams of 10, and lets 10 virtual users
// work for 3 s while 20 idle clients listen. Every kind of request must
// have been sent and answered without an error, and the idle clients must
// have received events. The cost phase then sends each kind alone for
// 0.3 s, and every kind must have been answered there, with no 429.
func TestLoadSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two servers")
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := drill.ModuleRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	drill.TrackSources(root)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "buurtplein")
	if err := drill.Build(root, bin); err != nil {
		t.Fatal(err)
	}

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
		Cost:     300 * time.Millisecond,
		CostVUs:  2,
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

		// the cost phase sent every kind alone, and only that kind
		if len(s.Costs) != len(kinds) {
			t.Fatalf("%s: %d kinds in the cost phase, want %d", name, len(s.Costs), len(kinds))
		}
		var costCPU time.Duration
		for i, c := range s.Costs {
			if c.Kind != kinds[i].name || c.OK == 0 || c.ErrorCount() > 0 || c.Limited > 0 {
				t.Errorf("%s: cost phase of %s: %d of %d answered, errors %v, %d rate-limited", name, kinds[i].name, c.OK, c.Requests, c.Errors, c.Limited)
			}
			costCPU += c.CPU
		}
		if cores, _ := mixCores(s); runtime.GOOS == "linux" && (costCPU == 0 || cores == 0) {
			t.Errorf("%s: the cost phase measured %s of CPU, %.2f cores for the mix", name, costCPU, cores)
		}
	}
	for _, want := range []string{"ours / bare", "server CPU per request", "each kind alone, ours / bare", "cores in the mix", "targets (ours)", "PASS  no errors other than 429"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
