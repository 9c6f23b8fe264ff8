package audit

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
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

// VerifyInPages is Verify without progress, reading pageSize entries at a
// time, so that a test of a few entries crosses pages.
func VerifyInPages(app core.App, pageSize int) (*VerifyResult, error) {
	return verify(app, nil, pageSize)
}

// InsertChain inserts n entries after the last one with SQL, in one
// transaction and many rows a statement, chained and hashed as Append
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

	const perStatement = 200
	columns := []string{"id", "seq", "action", "user", "user_name", "role", "team", "on_behalf_of",
		"client", "client_code", "record", "ip", "user_agent", "details", "prev_hash", "hash", "created"}
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(columns)), ",") + ")"
	statement := func(rows int) string {
		return "INSERT INTO " + Collection + " (`" + strings.Join(columns, "`, `") + "`) VALUES " +
			strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
	}

	tx, err := db.DB().Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	full, err := tx.Prepare(statement(perStatement))
	if err != nil {
		return err
	}
	defer full.Close()

	buf := make([]byte, 0, 1024)
	args := make([]any, 0, perStatement*len(columns))
	for i := 0; i < n; {
		args = args[:0]
		rows := min(perStatement, n-i)
		for range rows {
			r := Row{}
			fill(i, &r)
			if r.Id == "" {
				r.Id = core.GenerateDefaultRandomId()
			}
			r.Seq, r.PrevHash = last.Seq+1, last.Hash
			r.Hash = r.hashWith(buf)
			args = append(args, r.Id, r.Seq, r.Action, r.User, r.UserName, r.Role, r.Team, r.OnBehalfOf,
				r.Client, r.ClientCode, r.Record, r.IP, r.UserAgent, r.Details, r.PrevHash, r.Hash, r.Created)
			last = r
			i++
		}
		if rows == perStatement {
			_, err = full.Exec(args...)
		} else {
			_, err = tx.Exec(statement(rows), args...)
		}
		if err != nil {
			return fmt.Errorf("inserting entry %d: %w", last.Seq, err)
		}
	}
	return tx.Commit()
}

// DateTime formats t as PocketBase stores a date.
func DateTime(t time.Time) string { return dateTime(t) }
