package audit

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// AppendAt is Append with the entries created at created instead of now,
// for tests of what depends on an entry's age.
func AppendAt(app core.App, created time.Time, entries ...Entry) error {
	return app.RunInTransaction(func(txApp core.App) error {
		return appendTx(txApp, entries, dateTime(created))
	})
}

// VerifyInParts is Verify without progress, reading pageSize entries at a
// time in parts parts, so that a test of a few entries crosses pages and
// parts.
func VerifyInParts(app core.App, pageSize, parts int) (*VerifyResult, error) {
	return verify(app, nil, pageSize, parts)
}

// InsertChain inserts n entries after the last one with SQL, in one
// transaction and one prepared statement, chained and hashed as Append
// does: fill sets the content of entry i (seq, prev_hash and hash are
// set after it; the id when fill leaves it empty). For benchmarks that
// need millions of entries fast.
func InsertChain(app core.App, n int, fill func(i int, r *Row)) error {
	db, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		return errors.New("no *dbx.DB to insert with")
	}
	last := Row{}
	err := db.Select("seq", "hash").From(Collection).OrderBy("seq DESC").Limit(1).One(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}

	tx, err := db.DB().Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insert, err := tx.Prepare("INSERT INTO " + Collection + ` (id, seq, action, user, user_name, role, team,
		on_behalf_of, client, client_code, record, ip, user_agent, details, prev_hash, hash, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insert.Close()

	buf := make([]byte, 0, 1024)
	for i := range n {
		r := Row{}
		fill(i, &r)
		if r.Id == "" {
			r.Id = core.GenerateDefaultRandomId()
		}
		r.Seq, r.PrevHash = last.Seq+1, last.Hash
		r.Hash = r.hashWith(buf)
		_, err := insert.Exec(r.Id, r.Seq, r.Action, r.User, r.UserName, r.Role, r.Team, r.OnBehalfOf,
			r.Client, r.ClientCode, r.Record, r.IP, r.UserAgent, r.Details, r.PrevHash, r.Hash, r.Created)
		if err != nil {
			return fmt.Errorf("inserting entry %d: %w", r.Seq, err)
		}
		last = r
	}
	return tx.Commit()
}

// DateTime formats t as PocketBase stores a date.
func DateTime(t time.Time) string { return dateTime(t) }
