package tasks

import (
	"net/http"
	"sync"
	"time"

	"buurtplein/hooks"
)

// offerLimiter counts the handover offers each employee made in a sliding
// window. Every offer notifies its receiver (every member, for a team), so
// an employee offering and withdrawing in a loop would flood a whole team;
// a real handover is a few offers, or one shift handover, at a time.
//
// The counts live in memory: a restart forgets them, which costs an
// attacker a restart they cannot cause.
type offerLimiter struct {
	max    int
	window time.Duration

	mu   sync.Mutex
	sent map[string][]time.Time // per sender, oldest first
}

func newOfferLimiter(max int, window time.Duration) *offerLimiter {
	return &offerLimiter{max: max, window: window, sent: map[string][]time.Time{}}
}

// take counts one offer (or one shift handover) of sender, or returns a
// 429 with a Dutch message when sender used up the window. The count is
// taken before the offer is made, so offers sent at once cannot slip past
// the limit together; give it back with release when no offer was made.
func (l *offerLimiter) take(sender string) (release func(), err error) {
	if sender == "" {
		return func() {}, nil // IT, in the dashboard
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	recent := l.recent(sender, now)
	if len(recent) >= l.max {
		return nil, hooks.Err(http.StatusTooManyRequests, "tasks_offer_limit", hooks.Params{"max": l.max, "minutes": int(l.window.Minutes())},
			"Je hebt in korte tijd te veel taken aangeboden. Wacht een paar minuten en probeer het dan opnieuw.")
	}
	l.sent[sender] = append(recent, now)
	return func() { l.release(sender, now) }, nil
}

// release gives back the count taken at.
func (l *offerLimiter) release(sender string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	times := l.sent[sender]
	for i := len(times) - 1; i >= 0; i-- {
		if times[i].Equal(at) {
			l.sent[sender] = append(times[:i:i], times[i+1:]...)
			return
		}
	}
}

// recent drops sender's counts older than the window and returns the rest.
// Call it with l.mu held.
func (l *offerLimiter) recent(sender string, now time.Time) []time.Time {
	times := l.sent[sender]
	i := 0
	for i < len(times) && now.Sub(times[i]) >= l.window {
		i++
	}
	times = times[i:]
	if len(times) == 0 {
		delete(l.sent, sender)
		return nil
	}
	l.sent[sender] = times
	return times
}
