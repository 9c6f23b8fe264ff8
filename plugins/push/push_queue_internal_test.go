package push

import (
	"slices"
	"sync"
	"testing"
)

func TestQueueFullDrops(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	release := make(chan struct{})
	var mu sync.Mutex
	var sent []string
	q := newQueue(1, 1, func(job string) {
		if job == "a" {
			close(started)
			<-release
		}
		mu.Lock()
		sent = append(sent, job)
		mu.Unlock()
	})

	if !q.add("a") {
		t.Fatal("the first job was dropped")
	}
	<-started // the one worker is busy with a
	if !q.add("b") {
		t.Fatal("b found no room in a queue of 1")
	}
	if q.add("c") {
		t.Fatal("c was queued in a full queue")
	}
	close(release)
	q.wait()

	if !slices.Equal(sent, []string{"a", "b"}) || q.dropped.Load() != 1 {
		t.Errorf("sent %v, dropped %d; want [a b], 1", sent, q.dropped.Load())
	}
}
