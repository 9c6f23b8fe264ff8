package tasks

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/tools/router"
)

// TestOfferLimiter checks the count of offers per sender: offers sent at
// once cannot slip past it together, a refused offer gives its count back,
// other senders and IT are not held up, and the window moves on.
func TestOfferLimiter(t *testing.T) {
	t.Parallel()
	l := newOfferLimiter(30, 200*time.Millisecond)

	var wg sync.WaitGroup
	var taken atomic.Int32
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := l.take("bram"); err == nil {
				taken.Add(1)
			} else if code, _ := hooks.CodeOf(err); code != "tasks_offer_limit" || router.ToApiError(err).Status != http.StatusTooManyRequests {
				t.Errorf("refusal %v, want a 429 with code tasks_offer_limit", err)
			}
		}()
	}
	wg.Wait()
	if taken.Load() != 30 {
		t.Fatalf("100 offers at once: %d taken, want 30", taken.Load())
	}

	if _, err := l.take("anna"); err != nil {
		t.Errorf("anna is held up by bram's limit: %v", err)
	}
	if _, err := l.take(""); err != nil {
		t.Errorf("IT is held up: %v", err)
	}

	l2 := newOfferLimiter(2, time.Hour)
	release, err := l2.take("bram")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l2.take("bram"); err != nil {
		t.Fatal(err)
	}
	if _, err := l2.take("bram"); err == nil {
		t.Fatal("a third offer of two was taken")
	}
	release()
	if _, err := l2.take("bram"); err != nil {
		t.Errorf("a released count was not given back: %v", err)
	}

	time.Sleep(250 * time.Millisecond)
	if _, err := l.take("bram"); err != nil {
		t.Errorf("the window did not move on: %v", err)
	}
	if n := len(l.sent["bram"]); n != 1 {
		t.Errorf("bram's old counts kept: %d, want 1", n)
	}
}
