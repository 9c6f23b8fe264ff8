package notify

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Settle marks the open notifications matching where as settled, for
// every reader they went to: what they asked for was done, withdrawn or
// lapsed, by the reader, a colleague or the server. An offer to a team
// that one member answered is settled for all the others too. The readers
// still see them, no longer as open.
func Settle(app core.App, where dbx.Expression) error {
	open, err := app.FindAllRecords(Collection, where, dbx.HashExp{"settled": false})
	if err != nil {
		return fmt.Errorf("finding notifications to settle: %w", err)
	}
	for _, n := range open {
		n.Set("settled", true)
		if err := app.Save(n); err != nil {
			return fmt.Errorf("settling notification %s: %w", n.Id, err)
		}
	}
	return nil
}

// Withdraw takes back the notifications matching where: what they are
// about is gone (a deleted task). Unread ones are deleted, so they leave
// nothing behind that points at nothing; read ones are settled.
func Withdraw(app core.App, where dbx.Expression) error {
	found, err := app.FindAllRecords(Collection, where)
	if err != nil {
		return fmt.Errorf("finding notifications to withdraw: %w", err)
	}
	for _, n := range found {
		switch {
		case !n.GetBool("read"):
			err = app.Delete(n)
		case !n.GetBool("settled"):
			n.Set("settled", true)
			err = app.Save(n)
		}
		if err != nil {
			return fmt.Errorf("withdrawing notification %s: %w", n.Id, err)
		}
	}
	return nil
}
