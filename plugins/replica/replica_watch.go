package replica

import (
	"time"
)

// DefaultStallAfter is how long the replica may go without the latest
// transactions before the replication counts as stalled.
const DefaultStallAfter = 30 * time.Second

// Stalled says whether the replication has not reached the replica for
// longer than the config's StallAfter, and since when: a full disk, an
// unreachable bucket, a wrong key. (An idle database is synced too, every
// interval, with nothing to send.) Litestream retries by itself; the
// transactions wait beside the database.
func (r *Replication) Stalled() (since time.Time, stalled bool) {
	since, ok := r.Synced()
	if !ok {
		since = r.started
	}
	return since, time.Since(since) > r.stallAfter
}

// watch logs, in Dutch for IT, when the replication stalls and when it
// goes on again, until done is closed. Litestream's own log lines before
// it name the cause.
func (r *Replication) watch(done <-chan struct{}) {
	ticker := time.NewTicker(max(r.stallAfter/4, 100*time.Millisecond))
	defer ticker.Stop()
	reported := false
	for {
		select {
		case <-done:
			return
		case <-ticker.C:
		}
		since, stalled := r.Stalled()
		switch {
		case stalled && !reported:
			r.app.Logger().Error("Replicatie staat stil: de replica kreeg sinds "+formatMoment(since)+" niets nieuws. "+
				"Kijk in de regels hiervoor naar de oorzaak (een volle schijf, een onbereikbare bucket, een verkeerde sleutel). "+
				"De server draait door; de transacties wachten naast de database en gaan naar de replica zodra die weer antwoordt.",
				"replica", redact(r.url))
			reported = true
		case !stalled && reported:
			r.app.Logger().Info("Replicatie loopt weer: de replica heeft de laatste stand", "replica", redact(r.url))
			reported = false
		}
	}
}
