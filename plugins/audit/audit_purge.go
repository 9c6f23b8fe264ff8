package audit

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// purgeBatch is how many entries Purge deletes per transaction, so that
// Append (and with it every read of client data) never waits long.
const purgeBatch = 10000

// PurgeSchedule is when the daily purge runs (03:40, server time).
const PurgeSchedule = "40 3 * * *"

// PurgeCutoff returns the moment before which entries are older than
// retentionYears (raised to [MinRetentionYears]) at now.
func PurgeCutoff(now time.Time, retentionYears int) time.Time {
	if retentionYears < MinRetentionYears {
		retentionYears = MinRetentionYears
	}
	return now.UTC().AddDate(-retentionYears, 0, 0)
}

// Purge deletes the entries older than retentionYears (raised to
// [MinRetentionYears]) and returns how many it deleted, or with dryRun
// how many it would delete, deleting none.
//
// It deletes the oldest entries only, from the start of the chain up to
// the first entry that is not older than that: an old entry after a
// younger one (a clock that was set back) is kept, never a younger one,
// and what remains is one unbroken chain that [Verify] accepts, anchored
// at its first entry. The entries go with SQL, in batches of their own
// transaction.
func Purge(app core.App, retentionYears int, dryRun bool) (int, error) {
	cutoff := dateTime(PurgeCutoff(time.Now(), retentionYears))

	// the first entry that must be kept; entries before it are all older.
	// Walked from the start of the seq index (the + keeps SQLite off the
	// created index, from which it would sort every younger entry): the
	// walk stops after the entries to purge.
	var keep sql.NullFloat64
	err := app.DB().Select("seq").From(Collection).
		Where(dbx.NewExp("+created >= {:cutoff}", dbx.Params{"cutoff": cutoff})).
		OrderBy("seq ASC").Limit(1).Row(&keep)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("finding the oldest entry to keep: %w", err)
	}
	old := dbx.NewExp("created < {:cutoff}", dbx.Params{"cutoff": cutoff})
	if keep.Valid {
		old = dbx.And(old, dbx.NewExp("seq < {:keep}", dbx.Params{"keep": keep.Float64}))
	}

	if dryRun {
		var n int
		if err := app.DB().Select("COUNT(*)").From(Collection).Where(old).Row(&n); err != nil {
			return 0, fmt.Errorf("counting the entries to purge: %w", err)
		}
		return n, nil
	}

	purged := 0
	for {
		var n int64
		err := app.RunInTransaction(func(txApp core.App) error {
			var seqs []float64
			err := txApp.DB().Select("seq").From(Collection).Where(old).
				OrderBy("seq ASC").Limit(purgeBatch).Column(&seqs)
			if err != nil || len(seqs) == 0 {
				return err
			}
			res, err := txApp.DB().Delete(Collection, dbx.And(old,
				dbx.Between("seq", seqs[0], seqs[len(seqs)-1]))).Execute()
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return purged, fmt.Errorf("purging the access log (%d entries done): %w", purged, err)
		}
		purged += int(n)
		if n == 0 {
			return purged, nil
		}
	}
}

// bindPurge purges the log every night.
func (p *plugin) bindPurge() {
	p.app.Cron().MustAdd("buurtpleinAuditPurge", PurgeSchedule, func() {
		n, err := Purge(p.app, p.config.RetentionYears, false)
		if err != nil {
			p.app.Logger().Error("audit: purging the access log", "error", err, "purged", n)
			return
		}
		if n > 0 {
			p.app.Logger().Info("audit: purged the access log", "entries", n, "retentionYears", p.config.RetentionYears)
		}
	})
}
