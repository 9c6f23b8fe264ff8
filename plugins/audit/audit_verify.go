package audit

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// verifyPage is how many entries Verify reads at a time.
const verifyPage = 5000

// VerifyResult is what [Verify] found.
type VerifyResult struct {
	// Entries is how many entries were checked (up to the break, if any).
	Entries int
	// FirstSeq and LastSeq are the seq of the first and the last entry
	// checked; 0 for an empty log.
	FirstSeq, LastSeq int64
	// Anchored is set when the log starts after seq 1: older entries were
	// purged, and the first remaining entry's prev_hash is taken as the
	// anchor of the chain. What came before it can no longer be checked.
	Anchored bool
	// Break is the first entry that does not fit the chain; nil when the
	// whole log verifies.
	Break *Break
}

// OK reports whether the whole log verified.
func (r *VerifyResult) OK() bool { return r.Break == nil }

// Break is an entry that does not fit the chain.
type Break struct {
	// Seq and Id are the entry's.
	Seq int64
	Id  string
	// Problem is what is wrong: [ProblemSeq], [ProblemPrevHash] or
	// [ProblemHash]; Detail says it in words.
	Problem, Detail string
}

// The problems a [Break] names.
const (
	// ProblemSeq: the entry's seq does not follow the one before (an
	// entry removed or inserted, or a seq changed).
	ProblemSeq = "seq"
	// ProblemPrevHash: the entry does not name the hash of the one before
	// (the one before was replaced, or this one moved).
	ProblemPrevHash = "prev_hash"
	// ProblemHash: the entry's content does not give its hash (the entry
	// was changed).
	ProblemHash = "hash"
)

// Verify walks the access log in seq order, a page at a time, and checks
// that every entry follows the one before (seq one higher, prev_hash its
// hash) and that its hash is the hash of its content. It stops at the
// first entry that does not fit and names it in the result; an error is
// returned only when the log cannot be read.
//
// A log whose first entry has seq 1 must start with an empty prev_hash. A
// log that starts later was purged ([Purge]): its first entry's prev_hash
// is accepted as the anchor and the result says so (Anchored).
//
// The chain has no anchor outside the database: removing the newest
// entries, or every entry, leaves a log that verifies. The hash of the
// last entry kept elsewhere (a backup, a printed verify) finds that.
//
// It reads the log in as many parts, by seq, as the machine has cores,
// side by side; each part's first entry is checked against the last
// entry before it, so the parts check what one walk would.
//
// progress, when not nil, is called after every page with the entries
// checked so far and the number there were when Verify started, one
// call at a time.
func Verify(app core.App, progress func(done, total int)) (*VerifyResult, error) {
	return verify(app, progress, verifyPage, min(runtime.GOMAXPROCS(0), 4))
}

// verify is Verify reading pageSize entries at a time, in up to parts
// parts.
func verify(app core.App, progress func(done, total int), pageSize, parts int) (*VerifyResult, error) {
	var total int
	var first, last sql.NullFloat64
	// numbers sort before text: the bound keeps a seq made text out, and
	// lets SQLite take the first and last from the seq index
	numeric := dbx.NewExp("seq <= 9e18")
	err := app.DB().Select("COUNT(*)").From(Collection).Row(&total)
	if err == nil {
		err = app.DB().Select("seq").From(Collection).Where(numeric).OrderBy("seq ASC").Limit(1).Row(&first)
	}
	if err == nil {
		err = app.DB().Select("seq").From(Collection).Where(numeric).OrderBy("seq DESC").Limit(1).Row(&last)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("counting the access log: %w", err)
	}
	if total < 4*pageSize || parts < 1 {
		parts = 1
	}

	// part k checks the entries with a seq in (bounds[k], bounds[k+1]]
	bounds := make([]float64, parts+1)
	bounds[0], bounds[parts] = -math.MaxFloat64, math.MaxFloat64
	for k := 1; k < parts; k++ {
		bounds[k] = math.Floor(first.Float64 + (last.Float64-first.Float64)*float64(k)/float64(parts))
	}

	var mu sync.Mutex
	done := 0
	report := func(n int) {
		if progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		done += n
		progress(done, total)
	}

	walks := make([]chainWalk, parts)
	var broken atomic.Int32 // the first part that found a break, parts if none
	broken.Store(int32(parts))
	var wg sync.WaitGroup
	for k := range walks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &walks[k]
			w.err = w.run(app, bounds[k], bounds[k+1], k > 0, pageSize, func(n int) bool {
				report(n)
				return broken.Load() > int32(k) // a break before this part: stop
			})
			if w.brk != nil || w.err != nil {
				for {
					b := broken.Load()
					if b <= int32(k) || broken.CompareAndSwap(b, int32(k)) {
						break
					}
				}
			}
		}()
	}
	wg.Wait()

	result := &VerifyResult{}
	for _, w := range walks {
		if w.err != nil {
			return nil, w.err
		}
		if w.entries > 0 {
			if result.Entries == 0 {
				result.FirstSeq = w.firstSeq
				result.Anchored = w.firstSeq > 1
			}
			result.LastSeq = w.lastSeq
		}
		result.Entries += w.entries
		if w.brk != nil {
			result.Break = w.brk
			return result, nil
		}
	}
	if result.Entries < total {
		// the walk goes by seq: an entry whose seq is no number (text)
		// was never reached
		return result, unreached(app, result)
	}
	return result, nil
}

// unreached sets result's break to an entry without a numeric seq.
func unreached(app core.App, result *VerifyResult) error {
	var id string
	err := app.DB().Select("id").From(Collection).
		Where(dbx.NewExp("typeof(seq) NOT IN ('integer', 'real')")).Limit(1).Row(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("reading the access log: %w", err)
	}
	if id != "" {
		result.Break = &Break{Id: id, Problem: ProblemSeq, Detail: "the entry has no numeric seq"}
	}
	return nil
}

// chainWalk is the walk of one part of the log.
type chainWalk struct {
	entries           int
	firstSeq, lastSeq int64
	brk               *Break
	err               error
}

// run checks the entries with a seq in (after, upto], the first against
// the last entry up to after (withPrev) or as the log's first. page is
// called after every page with the entries it held; it returns false to
// stop.
func (w *chainWalk) run(app core.App, after, upto float64, withPrev bool, pageSize int, page func(n int) bool) error {
	var prev *Row
	if withPrev {
		before, err := readPage(app, "seq <= {:after} ORDER BY seq DESC", after, 1)
		if err != nil {
			return err
		}
		if len(before) == 1 {
			prev = &before[0].Row
		}
	}
	buf := make([]byte, 0, 4096)
	for {
		rows, err := readPage(app, "seq > {:after} AND seq <= {:upto} ORDER BY seq", after, pageSize, upto)
		if err != nil {
			return err
		}
		for i := range rows {
			r := &rows[i].Row
			if b := checkEntry(prev, rows[i], buf); b != nil {
				w.brk = b
				return nil
			}
			if w.entries == 0 {
				w.firstSeq = r.Seq
			}
			w.lastSeq = r.Seq
			w.entries++
			prev = r
		}
		if !page(len(rows)) || len(rows) < pageSize {
			return nil
		}
		after = rows[len(rows)-1].rawSeq
	}
}

// verifyRow is an entry as Verify reads it: seq as stored, which SQL
// could have made a fraction.
type verifyRow struct {
	Row
	rawSeq float64
}

// checkEntry returns what is wrong with r after prev (nil: r is the
// first), or nil.
func checkEntry(prev *Row, r verifyRow, buf []byte) *Break {
	broken := func(problem, format string, args ...any) *Break {
		return &Break{Seq: r.Seq, Id: r.Id, Problem: problem, Detail: fmt.Sprintf(format, args...)}
	}
	switch {
	case r.rawSeq != float64(r.Seq) || r.Seq < 1:
		return broken(ProblemSeq, "seq %v is not a whole number from 1 on", r.rawSeq)
	case prev == nil && r.Seq == 1 && r.PrevHash != "":
		return broken(ProblemPrevHash, "the first entry names a previous hash %q", r.PrevHash)
	case prev != nil && r.Seq != prev.Seq+1:
		return broken(ProblemSeq, "seq %d follows seq %d (expected %d)", r.Seq, prev.Seq, prev.Seq+1)
	case prev != nil && r.PrevHash != prev.Hash:
		return broken(ProblemPrevHash, "prev_hash %q is not the hash of entry %d (%q)", r.PrevHash, prev.Seq, prev.Hash)
	}
	if hash := r.hashWith(buf); hash != r.Hash {
		return broken(ProblemHash, "the content gives hash %q, the entry says %q", hash, r.Hash)
	}
	return nil
}

// readPage returns up to limit entries that meet where (with {:after}
// and {:upto} bound to after and upto), in its order.
func readPage(app core.App, where string, after float64, limit int, upto ...float64) ([]verifyRow, error) {
	params := dbx.Params{"after": after, "limit": limit}
	if len(upto) > 0 {
		params["upto"] = upto[0]
	}
	rows, err := app.DB().NewQuery(`SELECT id, COALESCE(seq, 0), COALESCE(action, ''), COALESCE(user, ''),
		COALESCE(user_name, ''), COALESCE(role, ''), COALESCE(team, ''), COALESCE(on_behalf_of, ''),
		COALESCE(client, ''), COALESCE(client_code, ''), COALESCE(record, ''), COALESCE(ip, ''),
		COALESCE(user_agent, ''), COALESCE(details, ''), COALESCE(prev_hash, ''), COALESCE(hash, ''),
		COALESCE(created, '') FROM ` + Collection + ` WHERE ` + where + ` LIMIT {:limit}`).Bind(params).Rows()
	if err != nil {
		return nil, fmt.Errorf("reading the access log: %w", err)
	}
	defer rows.Close()

	page := make([]verifyRow, 0, limit)
	for rows.Next() {
		var r verifyRow
		err := rows.Scan(&r.Id, &r.rawSeq, &r.Action, &r.User, &r.UserName, &r.Role, &r.Team,
			&r.OnBehalfOf, &r.Client, &r.ClientCode, &r.Record, &r.IP, &r.UserAgent, &r.Details,
			&r.PrevHash, &r.Hash, &r.Created)
		if err != nil {
			return nil, fmt.Errorf("reading the access log after seq %v: %w", after, err)
		}
		r.Seq = int64(r.rawSeq)
		page = append(page, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the access log: %w", err)
	}
	return page, nil
}
