package audit

import (
	"time"

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
