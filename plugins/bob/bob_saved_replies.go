package bob

import "github.com/pocketbase/pocketbase/core"

// bindSavedReplyHooks keeps created_by of BOB's standard answers the
// server's: who made one, as the request says, never what a client sends.
// The rules keep saved replies to BOB staff; a superuser's has no author.
func (p *plugin) bindSavedReplyHooks() {
	p.app.OnRecordCreateRequest(SavedRepliesCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		e.Record.Set("created_by", requestActor(e.RequestEvent))
		return e.Next()
	})
	p.app.OnRecordUpdateRequest(SavedRepliesCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		e.Record.Set("created_by", e.Record.Original().Get("created_by"))
		return e.Next()
	})
}
