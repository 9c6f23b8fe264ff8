package feed

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The fields of posts and comments only the server writes. The API rules
// already refuse a client that sends them (:isset on create, :changed on
// update); the request hooks set them as well, so that no way of sending
// them (a multipart form, a batch, a superuser's dashboard form) decides
// what they hold.
const (
	editedField        = "edited"
	previousTitleField = "previous_title"
	previousBodyField  = "previous_body"
	pinnedField        = "pinned"
)

// editedText returns the fields of the text an edit of a record of
// collection changes: what the previous_ fields keep.
func editedText(collection string) []string {
	if collection == PostsCollection {
		return []string{"title", "body"}
	}
	return []string{"body"}
}

// bindEdits marks an author's edit on every request that writes a post or
// a comment (the record API and batch, which runs the same handlers), and
// keeps the server's fields out of the request's hands. Go code (the demo,
// an import) writes what it means to write.
func (p *plugin) bindEdits() {
	p.app.OnRecordCreateRequest(PostsCollection, CommentsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		newServerFields(e.Record, e.HasSuperuserAuth())
		if err := checkMustRead(e); err != nil {
			return err
		}
		return p.requestWrite(e)
	})
	p.app.OnRecordUpdateRequest(PostsCollection, CommentsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		markEdit(e.Record, e.Record.Original(), e.HasSuperuserAuth(), types.NowDateTime())
		if err := checkMustRead(e); err != nil {
			return err
		}
		return p.requestWrite(e)
	})
}

// newServerFields empties the server's fields of a new post or comment.
// A superuser (IT, in the dashboard) may create a post pinned: superusers
// pass every rule, and the pin route is for employees.
func newServerFields(record *core.Record, superuser bool) {
	record.Set(editedField, "")
	record.Set(previousBodyField, "")
	if record.Collection().Name != PostsCollection {
		return
	}
	record.Set(previousTitleField, "")
	if !superuser {
		record.Set(pinnedField, false)
	}
}

// markEdit sets the server's fields of an update of record (old is the
// record as stored): when the text changed, edited is now and the
// previous_ fields keep the text as it was before; otherwise they stay as
// they were. pinned changes only through the pin route (or a superuser).
func markEdit(record, old *core.Record, superuser bool, now types.DateTime) {
	fields := editedText(record.Collection().Name)
	if textChanged(record, old) {
		record.Set(editedField, now)
		for _, f := range fields {
			record.Set("previous_"+f, old.GetString(f))
		}
	} else {
		record.Set(editedField, old.Get(editedField))
		for _, f := range fields {
			record.Set("previous_"+f, old.Get("previous_"+f))
		}
	}
	if record.Collection().Name == PostsCollection && !superuser {
		record.Set(pinnedField, old.GetBool(pinnedField))
	}
}

// textChanged reports whether an update changed the text of record.
func textChanged(record, old *core.Record) bool {
	for _, f := range editedText(record.Collection().Name) {
		if record.GetString(f) != old.GetString(f) {
			return true
		}
	}
	return false
}
