package loadtest

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var sorted []time.Duration
	for i := 1; i <= 200; i++ {
		sorted = append(sorted, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    int
		want time.Duration
	}{{50, 100 * time.Millisecond}, {95, 190 * time.Millisecond}, {99, 198 * time.Millisecond}, {100, 200 * time.Millisecond}} {
		if got := percentile(sorted, c.p); got != c.want {
			t.Errorf("p%d = %s, want %s", c.p, got, c.want)
		}
	}
	if got := percentile(sorted[:1], 99); got != time.Millisecond {
		t.Errorf("p99 of one = %s", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of none = %s", got)
	}
}

// TestTargets checks the verdicts: 429s are no errors, a kind whose
// requests all failed misses its latency target, and requests sent before
// measuring started do not count.
func TestTargets(t *testing.T) {
	rec := newRecorder()
	before := time.Now()
	rec.record("feed_team", before, 500, time.Millisecond, nil) // before measuring
	rec.measure()
	now := time.Now()
	for range 100 {
		rec.record("feed_team", now, 200, 20*time.Millisecond, nil)
		rec.record("unread", now, 200, 5*time.Millisecond, nil)
	}
	rec.record("unread", now, 429, time.Millisecond, nil)
	rec.record("comment_create", now, statusTransport, time.Minute, errors.New("deadline exceeded"))

	res := &Result{Servers: []ServerResult{{Name: Ours, Kinds: rec.results(time.Second), PeakRSS: 100 << 20}}}
	got := map[string]Target{}
	for _, target := range res.Targets() {
		got[target.Name] = target
	}

	errs := got["no errors other than 429"]
	if errs.Verdict != "FAIL" || !strings.HasPrefix(errs.Detail, "1 errors, 1 rate-limited") {
		t.Errorf("errors: %+v", errs)
	}
	if reads := got["read p95 < 100.0 ms, every kind"]; reads.Verdict != "PASS" {
		t.Errorf("reads: %+v", reads)
	}
	if writes := got["write p95 < 150.0 ms, every kind"]; writes.Verdict != "FAIL" || !strings.Contains(writes.Detail, "comment_create none answered") {
		t.Errorf("writes: %+v", writes)
	}
	if cost := got["cost within 1.3x of bare"]; cost.Verdict != "n/a" {
		t.Errorf("cost without bare: %+v", cost)
	}

	feed, _ := res.Servers[0].Kind("feed_team")
	if feed.Requests != 100 || feed.P95 != 20*time.Millisecond {
		t.Errorf("feed_team: %d requests, p95 %s; want 100 and 20 ms", feed.Requests, feed.P95)
	}
}
