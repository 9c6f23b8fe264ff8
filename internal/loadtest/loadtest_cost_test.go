package loadtest

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"
)

// TestMixCores: each kind's rate during the mix times its CPU per request
// alone, in cores; a kind without answers in the cost phase or not sent in
// the mix adds nothing. The report marks a kind measured on a busy server.
func TestMixCores(t *testing.T) {
	s := ServerResult{
		Name: Ours, Elapsed: 10 * time.Second, CPU: 5 * time.Second,
		Kinds: []KindResult{
			{Kind: "feed_team", PerSec: 50},
			{Kind: "board", PerSec: 20},
			{Kind: "sign_in", PerSec: 1},
		},
		Costs: []Cost{
			{KindResult: KindResult{Kind: "feed_team", OK: 100}, PerRequest: 4 * time.Millisecond},
			{KindResult: KindResult{Kind: "board", OK: 10}, PerRequest: 10 * time.Millisecond, Busy: true},
			{KindResult: KindResult{Kind: "sign_in"}}, // none answered
			{KindResult: KindResult{Kind: "unread", OK: 5}, PerRequest: time.Millisecond},
		},
	}
	cores, parts := mixCores(s)
	if math.Abs(cores-0.4) > 1e-9 || math.Abs(parts["feed_team"]-0.2) > 1e-9 || math.Abs(parts["board"]-0.2) > 1e-9 || parts["sign_in"] != 0 || parts["unread"] != 0 {
		t.Errorf("cores %v, parts %v; want 0.4, feed_team 0.2, board 0.2", cores, parts)
	}

	var out bytes.Buffer
	reportCosts(&out, Config{Cost: time.Second, CostVUs: 4}, s)
	for _, want := range []string{"10.00 ms*", "4.00 ms", "the mix's requests take 0.40 cores; during the mix the server used 0.50", "board: the server was still busy"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "feed_team: the server was still busy") {
		t.Errorf("feed_team marked busy:\n%s", out.String())
	}
}
