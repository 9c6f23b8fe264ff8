package feed

import (
	"net/http"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
)

// A must-read post asks its readers to confirm it, and notifies them all
// (plugins/mustread): a post for the whole organisation notifies every
// employee. So who may ask is who may pin: a coordinator of the team for
// a team's post, BOB staff for a post the whole organisation reads. Any
// author may still post; only the must_read flag is theirs to set.

// checkMustRead refuses a request that makes record must-read, or moves a
// must-read post to another audience, unless the signed-in employee may
// ask that audience. A superuser (IT, the dashboard) may.
func checkMustRead(e *core.RecordRequestEvent) error {
	record := e.Record
	if record.Collection().Name != PostsCollection || !record.GetBool("must_read") || e.HasSuperuserAuth() {
		return nil
	}
	if old := record.Original(); !record.IsNew() && old.GetBool("must_read") &&
		old.GetString("team") == record.GetString("team") && orgVisible(old) == orgVisible(record) {
		return nil // already must-read for this audience
	}
	if e.Auth == nil {
		return nil // the rules refuse it
	}
	if orgVisible(record) {
		bob, err := hooks.IsBOBStaff(e.App, e.Auth.Id)
		if err != nil {
			return err
		}
		if !bob {
			return hooks.Err(http.StatusForbidden, "feed_must_read_not_bob", nil,
				"Alleen BOB vraagt de hele organisatie om een bericht te lezen en te bevestigen. Plaats het zonder 'verplicht lezen', of vraag het BOB.")
		}
		return nil
	}
	coordinator, err := hooks.IsCoordinator(e.App, e.Auth.Id, record.GetString("team"))
	if err != nil {
		return err
	}
	if !coordinator {
		return hooks.Err(http.StatusForbidden, "feed_must_read_not_coordinator", nil,
			"Alleen een coördinator van het team vraagt het team om een bericht te lezen en te bevestigen. Plaats het zonder 'verplicht lezen', of vraag het een coördinator.")
	}
	return nil
}
