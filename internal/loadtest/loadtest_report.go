package loadtest

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// The targets.
const (
	targetReadP95  = 100 * time.Millisecond
	targetWriteP95 = 150 * time.Millisecond
	targetPeakRSS  = 1 << 30
	targetCost     = 1.3
)

// report prints the run's figures, the comparison of ours and bare and
// the targets.
func report(w io.Writer, res *Result) {
	c, o := res.Config, res.Org
	fmt.Fprintf(w, "\nLoad test: %d teams, %d employees, %d posts, %d comments, %d tasks, %d notifications\n",
		o.Teams, o.Users, o.Posts, o.Comments, o.Tasks, o.Notifications)
	fmt.Fprintf(w, "%d virtual users (mean think %s), %d idle realtime clients, %s measured per server after %s warm-up\n",
		c.VUs, c.Think, c.Idle, c.Duration, c.Warmup)

	for _, s := range res.Servers {
		reportServer(w, s)
		reportCosts(w, c, s)
	}
	ours, okOurs := res.Server(Ours)
	bare, okBare := res.Server(Bare)
	if okOurs && okBare {
		reportRatios(w, ours, bare)
	}

	fmt.Fprintf(w, "\ntargets (%s)\n", res.Servers[0].Name)
	for _, t := range res.Targets() {
		fmt.Fprintf(w, "%-4s  %s: %s\n", t.Verdict, t.Name, t.Detail)
	}
}

func reportServer(w io.Writer, s ServerResult) {
	fmt.Fprintf(w, "\n%s: %s, peak RSS %s, server CPU %.1f s (%.2f cores, %s per request), load test CPU %.1f s (%.2f cores)\n",
		s.Name, s.Elapsed.Round(100*time.Millisecond), mib(s.PeakRSS), s.CPU.Seconds(),
		s.CPU.Seconds()/s.Elapsed.Seconds(), ms(cpuPerRequest(s)), s.ClientCPU.Seconds(), s.ClientCPU.Seconds()/s.Elapsed.Seconds())

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tclass\trequests\treq/s\tp50\tp95\tp99\tmean\terrors\t429\t")
	for _, k := range s.Kinds {
		p50, p95, p99, mean := ms(k.P50), ms(k.P95), ms(k.P99), ms(k.Mean)
		if k.OK == 0 {
			p50, p95, p99, mean = "-", "-", "-", "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f\t%s\t%s\t%s\t%s\t%s\t%d\t\n",
			k.Kind, k.Class, k.Requests, k.PerSec, p50, p95, p99, mean, errorText(k.Errors), k.Limited)
	}
	tw.Flush()
	for _, k := range s.Kinds {
		if k.Failure != "" && k.Class != "" && k.Kind != "reads" && k.Kind != "writes" {
			fmt.Fprintf(w, "%s, first failure: %s\n", k.Kind, k.Failure)
		}
	}

	rt := s.Realtime
	var events []string
	for _, c := range []string{"posts", "comments", "tasks", "task_transfers", "notifications", "memberships"} {
		if n := rt.Events[c]; n > 0 {
			events = append(events, fmt.Sprintf("%s %d", c, n))
		}
	}
	fmt.Fprintf(w, "realtime: %d/%d connected, %d failed, %d reconnected, %d lost; %d events received (%s)\n",
		rt.Connected, rt.Clients, rt.Failed, rt.Reconnects, rt.Lost, rt.EventCount(), strings.Join(events, ", "))
	for _, f := range rt.Fanout {
		if f.Posts > 0 {
			fmt.Fprintf(w, "fan-out of a%s %s post: %d posts, %.0f clients each, from the answer p50 %s, p99 %s\n",
				map[bool]string{true: "n"}[f.Kind == "organisation"], f.Kind, f.Posts, float64(f.Receivers)/float64(f.Posts), ms(f.P50), ms(f.P99))
		}
	}
}

// reportCosts prints the cost phase: the server's CPU per request of each
// kind sent alone, and its part of the mix's CPU at the mix's rates.
func reportCosts(w io.Writer, c Config, s ServerResult) {
	if len(s.Costs) == 0 {
		return
	}
	cores, parts := mixCores(s)
	fmt.Fprintf(w, "\n%s: server CPU per request, each kind alone (%d at once, %s each, no idle clients)\n", s.Name, c.CostVUs, c.Cost)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tclass\trequests\treq/s\tp50\tCPU/request\tmix req/s\tcores in the mix\tshare\terrors\t429\t")
	for _, k := range s.Costs {
		p50 := "-"
		if k.OK > 0 {
			p50 = ms(k.P50)
		}
		mix, _ := s.Kind(k.Kind)
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f\t%s\t%s\t%.1f\t%.2f\t%.0f%%\t%s\t%d\t\n",
			k.Kind, k.Class, k.Requests, k.PerSec, p50, costText(k), mix.PerSec, parts[k.Kind], 100*ratio(parts[k.Kind], cores), errorText(k.Errors), k.Limited)
	}
	tw.Flush()
	fmt.Fprintf(w, "at these costs the mix's requests take %.2f cores; during the mix the server used %.2f\n",
		cores, s.CPU.Seconds()/s.Elapsed.Seconds())
	for _, k := range s.Costs {
		if k.Busy {
			fmt.Fprintf(w, "%s: the server was still busy from the mix after %s; its CPU per request counts that work too (*)\n", k.Kind, costQuietMax)
		}
	}
}

// costText is a kind's CPU per request, "-" when none was answered, with
// a "*" when the server was busy before.
func costText(k Cost) string {
	if k.OK == 0 {
		return "-"
	}
	busy := ""
	if k.Busy {
		busy = "*"
	}
	return fmt.Sprintf("%.2f ms%s", float64(k.PerRequest)/float64(time.Millisecond), busy)
}

func reportRatios(w io.Writer, ours, bare ServerResult) {
	fmt.Fprintln(w, "\nours / bare")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tp95\tmean\treq/s\t")
	for _, k := range ours.Kinds {
		b, ok := bare.Kind(k.Kind)
		if !ok {
			continue
		}
		p95, mean := "-", "-"
		if k.OK > 0 && b.OK > 0 {
			p95, mean = ratioText(float64(k.P95), float64(b.P95)), ratioText(float64(k.Mean), float64(b.Mean))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", k.Kind, p95, mean, ratioText(k.PerSec, b.PerSec))
	}
	tw.Flush()
	if len(ours.Costs) > 0 && len(bare.Costs) > 0 {
		fmt.Fprintln(w, "\nserver CPU per request, each kind alone, ours / bare")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "kind\tours\tbare\tratio\t")
		for _, o := range ours.Costs {
			for _, b := range bare.Costs {
				if b.Kind == o.Kind {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", o.Kind, costText(o), costText(b), ratioText(float64(o.PerRequest), float64(b.PerRequest)))
				}
			}
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "server CPU per request: %s / %s = %s\n", ms(cpuPerRequest(ours)), ms(cpuPerRequest(bare)),
		ratioText(float64(cpuPerRequest(ours)), float64(cpuPerRequest(bare))))
}

// Target is one of the targets and whether a run met it.
type Target struct {
	Name    string
	Verdict string // PASS, FAIL, or n/a when the run cannot tell
	Detail  string
}

// Targets checks the targets against the first server of the run
// (ours, unless only bare ran); the cost targets need both servers.
func (r *Result) Targets() []Target {
	if len(r.Servers) == 0 {
		return nil
	}
	s := r.Servers[0]
	var out []Target

	all, _ := s.Kind("all")
	out = append(out, Target{"no errors other than 429", verdict(all.ErrorCount() == 0),
		fmt.Sprintf("%d errors, %d rate-limited", all.ErrorCount(), all.Limited)})
	out = append(out, latencyTarget(s, classRead, targetReadP95), latencyTarget(s, classWrite, targetWriteP95))

	mem := Target{"peak memory < 1 GiB", verdict(s.PeakRSS < targetPeakRSS), mib(s.PeakRSS)}
	if s.PeakRSS == 0 {
		mem.Verdict, mem.Detail = "n/a", "unknown on this system"
	}
	out = append(out, mem)

	ours, okOurs := r.Server(Ours)
	bare, okBare := r.Server(Bare)
	if !okOurs || !okBare {
		return append(out, Target{"cost within 1.3x of bare", "n/a", "run both servers"})
	}
	oursAll, _ := ours.Kind("all")
	bareAll, _ := bare.Kind("all")
	cpu := ratio(float64(cpuPerRequest(ours)), float64(cpuPerRequest(bare)))
	mean := ratio(float64(oursAll.Mean), float64(bareAll.Mean))
	return append(out,
		Target{"cost within 1.3x of bare: server CPU per request", verdict(cpu > 0 && cpu <= targetCost),
			fmt.Sprintf("%s vs %s, %.2fx", ms(cpuPerRequest(ours)), ms(cpuPerRequest(bare)), cpu)},
		Target{"cost within 1.3x of bare: mean latency", verdict(mean > 0 && mean <= targetCost),
			fmt.Sprintf("%s vs %s, %.2fx", ms(oursAll.Mean), ms(bareAll.Mean), mean)},
	)
}

// latencyTarget checks that every kind of class has its p95 under limit.
func latencyTarget(s ServerResult, class string, limit time.Duration) Target {
	t := Target{Name: fmt.Sprintf("%s p95 < %s, every kind", class, ms(limit)), Verdict: "PASS"}
	var over []string
	var worst KindResult
	for _, k := range s.Kinds {
		if k.Class != class || k.Kind == "reads" || k.Kind == "writes" {
			continue
		}
		if k.P95 >= worst.P95 {
			worst = k
		}
		switch {
		case k.OK == 0:
			over = append(over, k.Kind+" none answered")
		case k.P95 >= limit:
			over = append(over, fmt.Sprintf("%s %s", k.Kind, ms(k.P95)))
		}
	}
	sum, _ := s.Kind(class + "s")
	t.Detail = fmt.Sprintf("all %ss %s; ", class, ms(sum.P95))
	if len(over) > 0 {
		t.Verdict = "FAIL"
		t.Detail += "over: " + strings.Join(over, ", ")
	} else {
		t.Detail += fmt.Sprintf("highest %s %s", worst.Kind, ms(worst.P95))
	}
	return t
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// cpuPerRequest is the server's CPU time per request answered.
func cpuPerRequest(s ServerResult) time.Duration {
	all, _ := s.Kind("all")
	if all.Requests == 0 {
		return 0
	}
	return s.CPU / time.Duration(all.Requests)
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func ratioText(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", a/b)
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func mib(b uint64) string {
	return fmt.Sprintf("%d MiB", b>>20)
}

// errorText lists errors by status ("500:3 0:1"), "0" for none.
func errorText(errs map[int]int) string {
	if len(errs) == 0 {
		return "0"
	}
	var parts []string
	for _, s := range sortedStatuses(errs) {
		parts = append(parts, fmt.Sprintf("%d:%d", s, errs[s]))
	}
	return strings.Join(parts, " ")
}
