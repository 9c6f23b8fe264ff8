package drill

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/tools/security"
)

// write is one create request of a writer, as the client saw it.
type write struct {
	collection, id string
	fields         map[string]string // what was sent besides the id
	start, end     time.Time         // end is zero while no answer came
	acked          bool              // a complete 2xx answer came back
}

// latency is how long the write took, from sending to the whole answer.
func (w write) latency() time.Duration { return w.end.Sub(w.start) }

// ledger records every write the writers attempt, in the order they began.
// The ids are the client's, so a record the server holds can be traced to
// an attempt, acknowledged or not.
type ledger struct {
	mu     sync.Mutex
	writes []*write
}

func (l *ledger) begin(collection, id string, fields map[string]string) *write {
	w := &write{collection: collection, id: id, fields: fields, start: time.Now()}
	l.mu.Lock()
	l.writes = append(l.writes, w)
	l.mu.Unlock()
	return w
}

func (l *ledger) finish(w *write, acked bool) {
	l.mu.Lock()
	w.end, w.acked = time.Now(), acked
	l.mu.Unlock()
}

// all returns a copy of every write so far.
func (l *ledger) all() []write {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]write, len(l.writes))
	for i, w := range l.writes {
		out[i] = *w
	}
	return out
}

// writtenCollections are the collections the writers create records in, in
// the order of their foreign keys: a comment refers to a post, an offer
// (task_transfers) to a task. The server adds task_events and notifications
// in the same transactions.
var writtenCollections = []string{"posts", "comments", "tasks", "task_transfers"}

// errServerGone stops a writer: no answer came, because the server was
// killed or the drill stopped waiting.
var errServerGone = errors.New("no answer from the server")

// errOfferLimit is the server's refusal of one more handover offer: a
// sender makes at most so many offers in a while and has at most so many
// waiting (plugins/tasks). The writers outrun any colleague, so they meet
// these limits within seconds; such an offer was refused, not lost.
var errOfferLimit = errors.New("offer limit reached")

// writers run n concurrent writers against a until ctx ends, stop is
// closed (then each finishes its current request first) or the server
// stops answering. Wait returns the first unexpected refusal, if any.
type writers struct {
	wg   sync.WaitGroup
	mu   sync.Mutex
	errs []error
}

func startWriters(ctx context.Context, stop <-chan struct{}, a *api, o *org, l *ledger, n int) *writers {
	ws := &writers{}
	for i := range n {
		acc := o.accounts[i%len(o.accounts)]
		ws.wg.Add(1)
		go func() {
			defer ws.wg.Done()
			err := writeLoop(ctx, stop, a, acc, l, i)
			if err != nil && !errors.Is(err, errServerGone) {
				ws.mu.Lock()
				ws.errs = append(ws.errs, fmt.Errorf("writer %d (%s): %w", i, acc.email, err))
				ws.mu.Unlock()
			}
		}()
	}
	return ws
}

// Wait waits for every writer to end and returns their refusals.
func (ws *writers) Wait() error {
	ws.wg.Wait()
	return errors.Join(ws.errs...)
}

// writeLoop posts an update, comments on it, adds a task and offers that
// task to another team, again and again, as acc.
func writeLoop(ctx context.Context, stop <-chan struct{}, a *api, acc account, l *ledger, n int) error {
	for round := 1; ; round++ {
		tag := fmt.Sprintf("drill w%02d #%d", n, round)
		post, err := create(ctx, stop, a, acc, l, "posts", map[string]string{
			"team": acc.team, "author": acc.id, "kind": "update", "visibility": "team",
			"title": tag, "body": text(100, 600),
		})
		if err != nil {
			return err
		}
		if _, err := create(ctx, stop, a, acc, l, "comments", map[string]string{
			"post": post, "author": acc.id, "body": text(20, 300),
		}); err != nil {
			return err
		}
		task, err := create(ctx, stop, a, acc, l, "tasks", map[string]string{
			"team": acc.team, "created_by": acc.id, "assignee": acc.id,
			"title": tag, "description": text(0, 300),
		})
		if err != nil {
			return err
		}
		if _, err := create(ctx, stop, a, acc, l, "task_transfers", map[string]string{
			"task": task, "from_user": acc.id, "to_team": acc.otherTeam, "note": text(0, 100),
		}); err != nil && !errors.Is(err, errOfferLimit) {
			return err
		}
	}
}

// create creates a record with a new id of the client's and fields, and
// records the attempt and its outcome in l.
func create(ctx context.Context, stop <-chan struct{}, a *api, acc account, l *ledger, collection string, fields map[string]string) (string, error) {
	select {
	case <-stop:
		return "", errServerGone
	default:
	}

	id := security.RandomStringWithAlphabet(15, "abcdefghijklmnopqrstuvwxyz0123456789")
	body := make(map[string]string, len(fields)+1)
	for k, v := range fields {
		body[k] = v
	}
	body["id"] = id

	w := l.begin(collection, id, fields)
	var created struct {
		Id string `json:"id"`
	}
	status, err := a.call(ctx, http.MethodPost, "/api/collections/"+collection+"/records", acc.token, body, &created)
	l.finish(w, err == nil && created.Id == id)
	switch {
	case status == 0:
		return "", fmt.Errorf("%w: %v", errServerGone, err)
	case collection == "task_transfers" && offerLimited(status, err):
		return "", fmt.Errorf("%w: %v", errOfferLimit, err)
	case err != nil:
		return "", err
	case created.Id != id:
		return "", fmt.Errorf("created %s %s, the server answered with id %q", collection, id, created.Id)
	}
	return id, nil
}

// offerLimited reports whether an offer's answer is a refusal by the
// offer limits: a 429, or a 400 about the sender's waiting offers.
func offerLimited(status int, err error) bool {
	return status == http.StatusTooManyRequests ||
		status == http.StatusBadRequest && err != nil && strings.Contains(err.Error(), "validation_too_many_pending")
}

// text is filler text of lo to hi characters.
func text(lo, hi int) string {
	n := lo + rand.IntN(hi-lo+1)
	if n == 0 {
		return ""
	}
	return security.PseudorandomString(n)
}
