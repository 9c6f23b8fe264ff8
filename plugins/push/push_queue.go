package push

import (
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
)

// queue sends jobs in the background: at most size waiting, at most
// workers at a time. Its workers start when there is work and stop when
// there is none, so an idle app runs none.
type queue struct {
	jobs    chan string
	send    func(job string)
	max     int
	mu      sync.Mutex
	workers int
	pending sync.WaitGroup
	dropped atomic.Int64
}

func newQueue(size, workers int, send func(job string)) *queue {
	return &queue{jobs: make(chan string, size), send: send, max: workers}
}

// add queues job, or drops and counts it when the queue is full: a
// notification is never held up by the push services.
func (q *queue) add(job string) bool {
	q.pending.Add(1)
	select {
	case q.jobs <- job:
	default:
		q.pending.Done()
		q.dropped.Add(1)
		return false
	}
	q.mu.Lock()
	if q.workers < q.max {
		q.workers++
		go q.work()
	}
	q.mu.Unlock()
	return true
}

// work sends jobs until the queue is empty. The emptiness is checked
// under the lock add starts workers under, so a job added meanwhile
// always finds a worker.
func (q *queue) work() {
	for {
		select {
		case job := <-q.jobs:
			q.send(job)
			q.pending.Done()
			continue
		default:
		}
		q.mu.Lock()
		if len(q.jobs) == 0 {
			q.workers--
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
	}
}

// wait returns when every queued job is sent.
func (q *queue) wait() { q.pending.Wait() }

// QueueStats are the counts of the push plugin's send queue, read by the
// metrics.
type QueueStats struct {
	// Waiting is how many pushes wait for a worker.
	Waiting int

	// Dropped is how many pushes found the queue full and were not sent,
	// since the app started.
	Dropped int64
}

// QueueStatsOf returns the counts of the send queue of the push plugin
// registered to app; false when none is.
func QueueStatsOf(app core.App) (QueueStats, bool) {
	p, ok := app.Store().Get(storeKey).(*plugin)
	if !ok {
		return QueueStats{}, false
	}
	q := p.queue
	return QueueStats{Waiting: len(q.jobs), Dropped: q.dropped.Load()}, true
}
