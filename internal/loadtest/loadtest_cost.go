package loadtest

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// The cost phase follows the mix on the same server, once the idle
// clients have gone: each kind of request is sent alone, by a few of the
// virtual users back to back, and the server's CPU time over that is
// divided by the requests answered. During the mix the kinds share the
// CPU and cannot be told apart; alone, each kind's CPU per request says
// which of them the mix's CPU goes to.

// Cost is the server's CPU per request of one kind, sent alone.
type Cost struct {
	KindResult               // the phase's requests of the kind: count, latency, errors
	CPU        time.Duration // the server's CPU time over the phase
	PerRequest time.Duration // CPU per request answered (2xx); 0 when none was
	Busy       bool          // the server was not idle before the kind was sent: its CPU counts work left from the mix
}

const (
	// costQuietWindow and costQuietCPU define a quiet server: at most
	// costQuietCPU of CPU time in a window (one tick of /proc's clock).
	costQuietWindow = 250 * time.Millisecond
	costQuietCPU    = 10 * time.Millisecond
	// costQuietMax bounds the wait for a quiet server: work left from the
	// mix (requests whose clients gave up) would count against a kind.
	costQuietMax = 30 * time.Second
)

// measureCosts sends each kind of [kinds] alone, by c.CostVUs of the
// virtual users at once, back to back for c.Cost, to the server with
// process pid, and returns the CPU per request of each. A kind no virtual
// user can send (ready false for all) gets a Cost without requests.
func measureCosts(ctx context.Context, c Config, pid int, vus []*vu) []Cost {
	// every request comes from an address of its own, past the plan's, so
	// the per-address rate limits (sign-ins, creates) do not answer a
	// kind sent back to back with 429s
	var n atomic.Int64
	fresh := func() string { return clientIP(1<<22 + int(n.Add(1)%(1<<22))) }

	var out []Cost
	for _, k := range kinds {
		if ctx.Err() != nil {
			break
		}
		rec := newRecorder()
		workers := costWorkers(vus, k, c.CostVUs, rec, fresh)
		if len(workers) == 0 {
			out = append(out, Cost{KindResult: KindResult{Kind: k.name, Class: k.class}})
			continue
		}

		busy := !waitQuiet(ctx, pid)
		rec.measure()
		before, start := cpuTime(pid), time.Now()
		kctx, cancel := context.WithTimeout(ctx, c.Cost)
		var wg sync.WaitGroup
		for _, v := range workers {
			wg.Go(func() {
				for kctx.Err() == nil {
					if !k.one(v) {
						return // nothing left to send it about
					}
				}
			})
		}
		wg.Wait()
		cancel()
		// the requests under way when the time ended finished: they count,
		// and so does their CPU
		elapsed, cpu := time.Since(start), cpuTime(pid)-before

		cost := Cost{KindResult: KindResult{Kind: k.name, Class: k.class}, CPU: cpu, Busy: busy}
		for _, r := range rec.results(elapsed) {
			if r.Kind == k.name {
				cost.KindResult = r
			}
		}
		if cost.OK > 0 {
			cost.PerRequest = cpu / time.Duration(cost.OK)
		}
		out = append(out, cost)
	}
	return out
}

// costWorkers returns up to n of vus ready to send kind k, each now
// recording into rec with a fresh address per request.
func costWorkers(vus []*vu, k kind, n int, rec *recorder, fresh func() string) []*vu {
	var out []*vu
	for _, v := range vus {
		if len(out) == n {
			break
		}
		v.rec, v.freshIP = rec, fresh
		if k.ready == nil || k.ready(v) {
			out = append(out, v)
		}
	}
	return out
}

// waitQuiet waits until the server with process pid uses (almost) no CPU,
// for at most costQuietMax, and reports whether it got there.
func waitQuiet(ctx context.Context, pid int) bool {
	deadline := time.Now().Add(costQuietMax)
	for time.Now().Before(deadline) {
		before := cpuTime(pid)
		select {
		case <-ctx.Done():
			return false
		case <-time.After(costQuietWindow):
		}
		if cpuTime(pid)-before <= costQuietCPU {
			return true
		}
	}
	return false
}

// mixCores is the CPU the mix's requests would take at the costs measured
// alone: each kind's rate during the mix times its CPU per request, in
// cores; and each kind's part of that.
func mixCores(s ServerResult) (cores float64, parts map[string]float64) {
	parts = map[string]float64{}
	for _, c := range s.Costs {
		k, ok := s.Kind(c.Kind)
		if !ok || c.PerRequest == 0 {
			continue
		}
		part := k.PerSec * c.PerRequest.Seconds()
		parts[c.Kind] = part
		cores += part
	}
	return cores, parts
}
