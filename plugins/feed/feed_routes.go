package feed

import (
	"net/http"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// pinForm is the body of POST /api/buurtplein/posts/{post}/pin.
type pinForm struct {
	Pinned *bool `json:"pinned"`
}

// pin ("vastzetten") pins a post on top of its feed, or unpins it: a
// coordinator of its team pins a team's post, BOB staff a post the whole
// organisation reads. It answers the post as the record API does (with
// ?expand and ?fields). A post the caller may not read is a 404, as in the
// record API; one they read but may not pin a 403.
func (p *plugin) pin(e *core.RequestEvent) error {
	var form pinForm
	if err := e.BindBody(&form); err != nil {
		return hooks.Err(http.StatusBadRequest, "request_invalid_json", nil, "De aanvraag is geen geldige JSON.")
	}
	if form.Pinned == nil {
		return hooks.FieldError("pinned", "pin_required", `Geef met "pinned" (true of false) aan of het bericht vast moet staan.`)
	}

	post, err := readablePost(e, e.Request.PathValue("post"))
	if err != nil {
		return err
	}
	if err := mayPin(e.App, e.Auth.Id, post); err != nil {
		return err
	}

	if post.GetBool(pinnedField) != *form.Pinned {
		post.Set(pinnedField, *form.Pinned)
		if err := e.App.Save(post); err != nil {
			return err
		}
	}
	if err := apis.EnrichRecord(e, post); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, post)
}

// readablePost returns the post with id if the caller may read it by the
// posts' view rule, and a 404 otherwise, the same for a post that does
// not exist: the answer tells nothing about posts the caller cannot see.
func readablePost(e *core.RequestEvent, id string) (*core.Record, error) {
	notFound := hooks.Err(http.StatusNotFound, "feed_post_not_found", nil,
		"Dit bericht bestaat niet (meer), of het hoort bij een team waar je geen lid van bent.")
	post, err := e.App.FindRecordById(PostsCollection, id)
	if err != nil {
		return nil, notFound
	}
	info, err := e.RequestInfo()
	if err != nil {
		return nil, err
	}
	ok, err := e.App.CanAccessRecord(post, info, post.Collection().ViewRule)
	if err != nil || !ok {
		return nil, notFound
	}
	return post, nil
}

// mayPin returns a 403 unless user may pin post: a coordinator of its
// team for a team's post, BOB staff for a post the whole organisation
// reads.
func mayPin(app core.App, user string, post *core.Record) error {
	if orgVisible(post) {
		bob, err := hooks.IsBOBStaff(app, user)
		if err != nil {
			return err
		}
		if !bob {
			return hooks.Err(http.StatusForbidden, "feed_pin_not_bob", nil,
				"Alleen BOB zet berichten vast die de hele organisatie leest.")
		}
		return nil
	}
	coordinator, err := hooks.IsCoordinator(app, user, post.GetString("team"))
	if err != nil {
		return err
	}
	if !coordinator {
		return hooks.Err(http.StatusForbidden, "feed_pin_not_coordinator", nil,
			"Alleen een coördinator van het team zet een bericht van het team vast.")
	}
	return nil
}
