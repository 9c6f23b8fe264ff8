package loadtest

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// statusTransport is the status recorded for a request that got no
// response: refused, reset or timed out.
const statusTransport = 0

// recorder collects the outcome of every request of a run, by kind, that
// started once measuring did.
type recorder struct {
	mu    sync.Mutex
	since time.Time // when measuring started; zero until then
	kinds map[string]*kindRecord
}

type kindRecord struct {
	latencies []time.Duration // of the successful (2xx) requests
	statuses  map[int]int
	failure   string // the first request without response: what went wrong
}

func newRecorder() *recorder { return &recorder{kinds: map[string]*kindRecord{}} }

// measure starts measuring: requests sent from now on count.
func (r *recorder) measure() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.since = time.Now()
}

// record adds one request of kind, sent at start, that ended with status
// after d; err says why a request got no response. A request sent before
// measuring started does not count.
func (r *recorder) record(kind string, start time.Time, status int, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.since.IsZero() || start.Before(r.since) {
		return
	}
	k := r.kinds[kind]
	if k == nil {
		k = &kindRecord{statuses: map[int]int{}}
		r.kinds[kind] = k
	}
	k.statuses[status]++
	if err != nil && k.failure == "" {
		k.failure = fmt.Sprintf("%v (after %s)", err, d.Round(time.Millisecond))
	}
	if status >= 200 && status < 300 {
		k.latencies = append(k.latencies, d)
	}
}

// KindResult sums up the requests of one kind.
type KindResult struct {
	Kind     string
	Class    string // "read" or "write"
	Requests int
	OK       int // answered with 2xx
	PerSec   float64
	// P50, P95, P99 and Mean are over the successful requests: from
	// sending until the last byte of the response was read
	P50, P95, P99, Mean time.Duration
	Errors              map[int]int // by status, 429 and 2xx left out; 0 is no response
	Limited             int         // 429 Too Many Requests
	Failure             string      // the first request without response: what went wrong
}

// ErrorCount is the number of failed requests other than 429s.
func (k KindResult) ErrorCount() int {
	n := 0
	for _, v := range k.Errors {
		n += v
	}
	return n
}

// results sums up every kind that was sent, in the order of [kinds], over
// elapsed; then the sums of the reads ("reads"), the writes ("writes") and
// all requests ("all").
func (r *recorder) results(elapsed time.Duration) []KindResult {
	r.mu.Lock()
	defer r.mu.Unlock()

	var out []KindResult
	sums := map[string]*kindRecord{}
	for _, name := range []string{classRead, classWrite, "all"} {
		sums[name] = &kindRecord{statuses: map[int]int{}}
	}
	for _, k := range kinds {
		rec := r.kinds[k.name]
		if rec == nil {
			continue
		}
		out = append(out, summarise(k.name, k.class, rec, elapsed))
		for _, sum := range []*kindRecord{sums[k.class], sums["all"]} {
			sum.latencies = append(sum.latencies, rec.latencies...)
			for s, n := range rec.statuses {
				sum.statuses[s] += n
			}
		}
	}
	return append(out,
		summarise("reads", classRead, sums[classRead], elapsed),
		summarise("writes", classWrite, sums[classWrite], elapsed),
		summarise("all", "", sums["all"], elapsed))
}

func summarise(name, class string, rec *kindRecord, elapsed time.Duration) KindResult {
	res := KindResult{Kind: name, Class: class, Errors: map[int]int{}, Failure: rec.failure}
	for s, n := range rec.statuses {
		res.Requests += n
		switch {
		case s == 429:
			res.Limited += n
		case s < 200 || s >= 300:
			res.Errors[s] += n
		}
	}
	if elapsed > 0 {
		res.PerSec = float64(res.Requests) / elapsed.Seconds()
	}

	res.OK = len(rec.latencies)
	lat := slices.Clone(rec.latencies)
	slices.Sort(lat)
	res.P50, res.P95, res.P99 = percentile(lat, 50), percentile(lat, 95), percentile(lat, 99)
	if len(lat) > 0 {
		var sum time.Duration
		for _, d := range lat {
			sum += d
		}
		res.Mean = sum / time.Duration(len(lat))
	}
	return res
}

// percentile returns the p-th percentile of sorted durations (nearest
// rank), or 0 for none.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(rank, 1)-1]
}

// sortedStatuses returns the statuses of errs in ascending order.
func sortedStatuses(errs map[int]int) []int {
	return slices.Sorted(maps.Keys(errs))
}
