package audit

import (
	"database/sql"
	"errors"
	"fmt"
	"math"

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
// progress, when not nil, is called after every page with the entries
// checked so far and the number there were when Verify started.
func Verify(app core.App, progress func(done, total int)) (*VerifyResult, error) {
	return verify(app, progress, verifyPage)
}

// verify is Verify reading pageSize entries at a time.
func verify(app core.App, progress func(done, total int), pageSize int) (*VerifyResult, error) {
	var total int
	if err := app.DB().Select("COUNT(*)").From(Collection).Row(&total); err != nil {
		return nil, fmt.Errorf("counting the access log: %w", err)
	}

	result := &VerifyResult{}
	var prev *Row
	after := -math.MaxFloat64
	buf := make([]byte, 0, 4096)
	for {
		page, err := readPage(app, after, pageSize)
		if err != nil {
			return nil, err
		}
		for i := range page {
			r := &page[i].Row
			if b := checkEntry(prev, page[i], buf); b != nil {
				result.Break = b
				return result, nil
			}
			if prev == nil {
				result.FirstSeq = r.Seq
				result.Anchored = r.Seq > 1
			}
			result.LastSeq = r.Seq
			result.Entries++
			prev = r
		}
		if progress != nil {
			progress(result.Entries, total)
		}
		if len(page) < pageSize {
			return result, nil
		}
		after = page[len(page)-1].rawSeq
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

// readPage returns the next pageSize entries with a seq above after.
func readPage(app core.App, after float64, pageSize int) ([]verifyRow, error) {
	rows, err := app.DB().NewQuery(`SELECT id, COALESCE(seq, 0), action, user, user_name, role, team,
		on_behalf_of, client, client_code, record, ip, user_agent, details, prev_hash, hash, created
		FROM ` + Collection + ` WHERE seq > {:after} ORDER BY seq LIMIT {:limit}`).
		Bind(dbx.Params{"after": after, "limit": pageSize}).Rows()
	if err != nil {
		return nil, fmt.Errorf("reading the access log: %w", err)
	}
	defer rows.Close()

	page := make([]verifyRow, 0, pageSize)
	for rows.Next() {
		var r verifyRow
		var texts [15]sql.NullString
		dest := []any{&r.Id, &r.rawSeq}
		for i := range texts {
			dest = append(dest, &texts[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("reading the access log after seq %v: %w", after, err)
		}
		for i, p := range []*string{
			&r.Action, &r.User, &r.UserName, &r.Role, &r.Team, &r.OnBehalfOf, &r.Client,
			&r.ClientCode, &r.Record, &r.IP, &r.UserAgent, &r.Details, &r.PrevHash, &r.Hash, &r.Created,
		} {
			*p = texts[i].String
		}
		r.Seq = int64(r.rawSeq)
		page = append(page, r)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("reading the access log: %w", err)
	}
	return page, nil
}
