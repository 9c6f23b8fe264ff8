package audit

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// ClientEntries returns the entries about client from from up to to (zero
// times leave that side open), oldest first.
func ClientEntries(app core.App, client string, from, to time.Time) ([]Row, error) {
	q := app.DB().Select("*").From(Collection).
		Where(dbx.HashExp{"client": client}).
		OrderBy("seq ASC")
	if !from.IsZero() {
		q.AndWhere(dbx.NewExp("created >= {:from}", dbx.Params{"from": dateTime(from)}))
	}
	if !to.IsZero() {
		q.AndWhere(dbx.NewExp("created < {:to}", dbx.Params{"to": dateTime(to)}))
	}
	var rows []Row
	if err := q.All(&rows); err != nil {
		return nil, fmt.Errorf("reading the access log of %s: %w", client, err)
	}
	return rows, nil
}

// dateTime formats t as PocketBase stores a date.
func dateTime(t time.Time) string {
	d, _ := types.ParseDateTime(t.UTC())
	return d.String()
}
