// Package loadtest is Buurtplein's load test: it generates an
// organisation, starts the buurtplein binary as a server on it, lets
// virtual users work in it while idle clients hold realtime connections,
// and does the same against the bare baseline (cmd/bench/bare: the same
// collections and API rules on plain PocketBase, without Buurtplein's hooks
// and routes), so that the report shows what our code costs.
//
// Example usage, the command of cmd/bench:
//
//	go run ./cmd/bench load --vus 500 --idle 2000 --duration 5m
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"buurtplein/internal/drill"
)

// Servers a run compares.
const (
	Ours = "ours" // the binary with every Buurtplein plugin
	Bare = "bare" // the bare baseline (cmd/bench/bare): the collections and rules, no hooks or routes
)

// Config defines a load test run. Zero fields take the defaults of
// [DefaultConfig] where it has one.
type Config struct {
	// Org is the size of the generated organisation.
	Org Org

	// VUs is the number of virtual users working in the app.
	VUs int

	// Idle is the number of idle realtime clients.
	Idle int

	// Duration is how long the virtual users work against each server,
	// measured.
	Duration time.Duration

	// Warmup is how long they work before measuring starts: the server's
	// caches fill, connections open. Zero measures from the start.
	Warmup time.Duration

	// Think is the mean pause between two actions of a virtual user
	// (exponentially distributed).
	Think time.Duration

	// Servers are the servers to run against, in order: [Ours], [Bare] or
	// both (the default). The comparison needs both.
	Servers []string

	// Binary is the buurtplein binary to serve, and BareBinary the bare
	// baseline; each is built from the source in the working directory
	// when empty and needed.
	Binary, BareBinary string

	// WorkDir holds the generated organisation, the servers' data dirs and
	// their logs. Default: a new temporary directory, removed afterwards
	// unless Keep is set. A WorkDir that already holds an organisation of
	// the same size and seed is used again instead of generating it anew.
	WorkDir string

	// Keep keeps the work dir.
	Keep bool

	// Seed seeds the generated organisation and the virtual users' choices.
	Seed uint64

	// CoverMix makes every virtual user do each action of the mix once, in
	// the mix's order, before it picks them by weight, even past the
	// duration: a short run then sends every kind of request.
	CoverMix bool

	// Cost is how long each kind of request is sent alone after the mix,
	// to measure the server's CPU per request by kind (see
	// loadtest_cost.go); negative skips that phase.
	Cost time.Duration

	// CostVUs is how many virtual users send a kind at once in the cost
	// phase, back to back, without pausing to think.
	CostVUs int

	// Out receives the progress and the report; default: io.Discard.
	Out io.Writer
}

// DefaultConfig is the run the load test issue asks for: 150 teams and
// 3,000 employees, 500 virtual users and 2,000 idle realtime clients, five
// minutes against each server.
func DefaultConfig() Config {
	return Config{
		Org:      Org{Teams: 150, Users: 3000},
		VUs:      500,
		Idle:     2000,
		Duration: 5 * time.Minute,
		Warmup:   30 * time.Second,
		Think:    2 * time.Second,
		Servers:  []string{Ours, Bare},
		Seed:     20261123,
		Cost:     3 * time.Second,
		CostVUs:  4,
	}
}

// Result is what a run measured.
type Result struct {
	Config   Config
	Org      Org           // the generated organisation, volumes filled
	Rows     Rows          // rows generated; nil when an earlier organisation was used again
	Generate time.Duration // time to generate it
	Servers  []ServerResult
}

// ServerResult is what a run measured against one server.
type ServerResult struct {
	Name      string
	Elapsed   time.Duration // from the first virtual user's start to the last one's end
	Kinds     []KindResult  // by kind, then the sums "reads", "writes" and "all"
	PeakRSS   uint64        // bytes, the server process's VmHWM; 0 if unknown
	CPU       time.Duration // server CPU time (user and system) during the load
	ClientCPU time.Duration // the load test's own CPU time meanwhile, on the same machine
	Realtime  RealtimeResult
	Costs     []Cost // CPU per request by kind, each kind alone after the mix; nil when skipped
}

// Kind returns the result of the named kind, or of a sum ("reads",
// "writes", "all").
func (s ServerResult) Kind(name string) (KindResult, bool) {
	for _, k := range s.Kinds {
		if k.Kind == name {
			return k, true
		}
	}
	return KindResult{}, false
}

// Server returns the result of the named server.
func (r *Result) Server(name string) (ServerResult, bool) {
	for _, s := range r.Servers {
		if s.Name == name {
			return s, true
		}
	}
	return ServerResult{}, false
}

func (c Config) withDefaults() (Config, error) {
	d := DefaultConfig()
	if c.Org.Teams == 0 {
		c.Org.Teams = d.Org.Teams
	}
	if c.Org.Users == 0 {
		c.Org.Users = d.Org.Users
	}
	if c.Think == 0 {
		c.Think = d.Think
	}
	if c.Duration == 0 {
		c.Duration = d.Duration
	}
	if len(c.Servers) == 0 {
		c.Servers = d.Servers
	}
	if c.Cost == 0 {
		c.Cost = d.Cost
	}
	if c.CostVUs < 1 {
		c.CostVUs = d.CostVUs
	}
	for _, s := range c.Servers {
		if s != Ours && s != Bare {
			return c, fmt.Errorf("unknown server %q (want %q or %q)", s, Ours, Bare)
		}
	}
	if c.VUs < 1 {
		return c, errors.New("a load test needs at least one virtual user")
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	return c, nil
}

// Run generates the organisation (or takes the one in the work dir), then
// runs the load against each server in turn on a fresh copy of it, prints
// the report to c.Out and returns the figures.
func Run(ctx context.Context, c Config) (*Result, error) {
	c, err := c.withDefaults()
	if err != nil {
		return nil, err
	}
	res := &Result{Config: c, Org: c.Org.withDefaults()}

	if limit, err := raiseOpenFiles(); err != nil {
		return nil, err
	} else if need := uint64(c.VUs+c.Idle) + 200; limit != 0 && limit < need {
		fmt.Fprintf(c.Out, "warning: the open-file limit is %d; %d connections need some %d (raise the hard limit: ulimit -Hn)\n", limit, c.VUs+c.Idle, need)
	}

	work := c.WorkDir
	if work == "" {
		if work, err = os.MkdirTemp("", "buurtplein-load-"); err != nil {
			return nil, err
		}
	}
	if c.WorkDir == "" && !c.Keep {
		defer os.RemoveAll(work)
	} else {
		fmt.Fprintf(c.Out, "work dir: %s\n", work)
	}

	if c, err = c.withBinaries(work); err != nil {
		return nil, err
	}
	res.Config = c

	orgDir := filepath.Join(work, "org")
	if err := res.prepareOrg(c, orgDir); err != nil {
		return nil, err
	}

	p, err := newPlan(orgDir, c.VUs, c.Idle)
	if err != nil {
		return nil, fmt.Errorf("planning the virtual users: %w", err)
	}

	for _, name := range c.Servers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s, err := runServer(ctx, c, p, name, orgDir, work)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		res.Servers = append(res.Servers, s)
	}

	report(c.Out, res)
	return res, nil
}

// orgMarker names the file that records which organisation a work dir
// holds.
const orgMarker = "org.txt"

// prepareOrg generates the organisation into dir, unless dir holds one of
// the same size and seed already.
func (res *Result) prepareOrg(c Config, dir string) error {
	want := fmt.Sprintf("%+v seed %d\n", res.Org, c.Seed)
	marker := filepath.Join(filepath.Dir(dir), orgMarker)
	if have, err := os.ReadFile(marker); err == nil && string(have) == want {
		fmt.Fprintf(c.Out, "using the organisation generated earlier in %s\n", dir)
		return nil
	}

	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	fmt.Fprintf(c.Out, "generating %d teams, %d employees, %d posts, %d comments, %d tasks, %d notifications...\n",
		res.Org.Teams, res.Org.Users, res.Org.Posts, res.Org.Comments, res.Org.Tasks, res.Org.Notifications)
	start := time.Now()
	rows, err := Generate(dir, res.Org, c.Seed)
	if err != nil {
		return fmt.Errorf("generating the organisation: %w", err)
	}
	res.Rows, res.Generate = rows, time.Since(start)
	fmt.Fprintf(c.Out, "generated %d rows in %s\n", rows.Total(), res.Generate.Round(100*time.Millisecond))
	return os.WriteFile(marker, []byte(want), 0o644)
}

// runServer runs the load against one server on a fresh copy of the
// organisation: it starts the server, connects the idle clients, lets the
// virtual users work for the duration and stops everything.
func runServer(ctx context.Context, c Config, p *plan, name, orgDir, work string) (ServerResult, error) {
	res := ServerResult{Name: name}
	dataDir := filepath.Join(work, name)
	if err := os.RemoveAll(dataDir); err != nil {
		return res, err
	}
	if err := os.CopyFS(dataDir, os.DirFS(orgDir)); err != nil {
		return res, fmt.Errorf("copying the organisation: %w", err)
	}
	if c.WorkDir == "" && !c.Keep {
		defer os.RemoveAll(dataDir)
	}

	fmt.Fprintf(c.Out, "%s: starting the server...\n", name)
	logFile := filepath.Join(work, name+".log")
	srv, err := drill.Start(drill.ServerOptions{
		Bin:          c.binary(name),
		DataDir:      dataDir,
		LogFile:      logFile,
		StartTimeout: 2 * time.Minute,
	})
	if err != nil {
		return res, fmt.Errorf("starting the %s server (see %s): %w", name, logFile, err)
	}
	defer srv.Stop()

	idleCtx, stopIdle := context.WithCancel(ctx)
	defer stopIdle()
	idle := &idlers{base: srv.URL, scoped: name == Ours, client: &http.Client{Transport: newTransport(connectParallel * 2)}}
	fmt.Fprintf(c.Out, "%s: connecting %d idle realtime clients...\n", name, c.Idle)
	idle.connect(idleCtx, p.idle)

	fmt.Fprintf(c.Out, "%s: %d virtual users, %s warm-up, then %s measured...\n", name, c.VUs, c.Warmup, c.Duration)
	rec := newRecorder()
	var cpuBefore, clientBefore time.Duration
	stopProgress := func() {}
	var vus []*vu
	res.Elapsed, vus = runVUs(ctx, c, p, name, srv.URL, rec, func() {
		cpuBefore, clientBefore = cpuTime(srv.Pid()), cpuTime(os.Getpid())
		idle.startCounting()
		stopProgress = progress(c.Out, name, rec)
	})
	stopProgress()
	res.CPU = cpuTime(srv.Pid()) - cpuBefore
	res.ClientCPU = cpuTime(os.Getpid()) - clientBefore
	res.PeakRSS = peakRSS(srv.Pid())

	stopIdle()
	res.Realtime = idle.wait()
	res.Kinds = rec.results(res.Elapsed)

	if c.Cost > 0 {
		fmt.Fprintf(c.Out, "%s: the server's CPU per request, each kind alone: %d at once, %s each...\n", name, c.CostVUs, c.Cost)
		res.Costs = measureCosts(ctx, c, srv.Pid(), vus)
	}
	return res, nil
}

// runVUs lets the virtual users work for the warm-up and the duration.
// Measuring starts after the warm-up, when it calls measuring; it returns
// the time measured, until the last action ended, and the virtual users
// as they ended (their tasks moved on, the posts they saw).
func runVUs(ctx context.Context, c Config, p *plan, server, base string, rec *recorder, measuring func()) (time.Duration, []*vu) {
	client := &http.Client{Transport: newTransport(c.VUs)}
	ctx, cancel := context.WithTimeout(ctx, c.Warmup+c.Duration)
	defer cancel()

	start := func() time.Time {
		rec.measure()
		measuring()
		return time.Now()
	}
	var measured time.Time
	if c.Warmup == 0 {
		measured = start()
	}

	var wg sync.WaitGroup
	vus := make([]*vu, len(p.vus))
	for i, acc := range p.vus {
		v := &vu{
			base: base, client: client, rec: rec, think: c.Think, cover: c.CoverMix,
			rng: rand.New(rand.NewPCG(c.Seed, uint64(i))),
			acc: acc, bare: server == Bare, chat: &p.chat,
			tasks: append([]activeTask(nil), p.tasks[i]...), // each server starts from the same tasks
		}
		vus[i] = v
		wg.Go(func() { v.run(ctx) })
	}

	if measured.IsZero() {
		warm := time.NewTimer(c.Warmup)
		select {
		case <-warm.C:
		case <-ctx.Done():
			warm.Stop()
		}
		measured = start()
	}
	wg.Wait()
	return time.Since(measured), vus
}

// progressEvery is how often a run prints how far it is.
const progressEvery = 30 * time.Second

// progress prints the requests so far every progressEvery until the
// returned func is called.
func progress(w io.Writer, name string, rec *recorder) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				all := rec.results(time.Since(start))
				total := all[len(all)-1]
				fmt.Fprintf(w, "%s: %s, %d requests (%.0f/s), p95 %s, %d errors\n", name,
					time.Since(start).Round(time.Second), total.Requests, total.PerSec, ms(total.P95), total.ErrorCount())
			}
		}
	}()
	return func() { close(done); <-finished }
}

// newTransport is an HTTP transport that keeps up to conns connections
// open for reuse.
func newTransport(conns int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.MaxIdleConns = conns
	t.MaxIdleConnsPerHost = conns
	return t
}
