package hooks

import "github.com/pocketbase/pocketbase/core"

// Bind binds every framework rule of Buurtplein to app, once per app: the
// filter guard with the bounds on filter, sort, expand and fields
// ([GuardScoped], [CheckQuery]), the input rules for dates, text and images
// ([GuardInput]) and the resource limits on realtime, request bodies and
// sign-in attempts ([BindLimits]), and the broker of the scoped realtime
// topics ([PublishTo]); and list answers encode their records streamed
// ([StreamedRecords]), the same bytes for less CPU; and the write-ahead
// log is checkpointed in the background ([DBConnect]); a create the
// PWA's outbox sends again is answered with the stored record
// ([AnswerResends]). main.go and the test apps call it before
// any plugin, so the rules hold whichever plugins are switched on.
func Bind(app core.App) {
	GuardScoped(app)
	GuardInput(app)
	BindLimits(app)
	topicBrokerOf(app)
	bindStreamedRecords(app)
	bindCheckpoints(app)
	AnswerResends(app, ResendAuthors)
}
