package bob

import (
	"slices"

	"buurtplein/plugins/notify"

	"github.com/pocketbase/pocketbase/core"
)

// notifiedKinds are the changes of status the requester of an order hears
// of when someone else (in practice BOB) makes them: a proof sent back,
// the order in production, shipped, delivered or cancelled.
var notifiedKinds = map[transition]notify.Kind{
	{StatusProof, StatusDraft}:         notify.KindOrderSentBack,
	{StatusApproved, StatusProduction}: notify.KindOrderProduction,
	{StatusProduction, StatusShipped}:  notify.KindOrderShipped,
	{StatusShipped, StatusDelivered}:   notify.KindOrderDelivered,
	{StatusDraft, StatusCancelled}:     notify.KindOrderCancelled,
	{StatusProof, StatusCancelled}:     notify.KindOrderCancelled,
	{StatusApproved, StatusCancelled}:  notify.KindOrderCancelled,
}

// notifyOrderStatus tells the requester of order about its move from from
// to to, unless they made it themselves. Call it with the transaction's
// app.
func notifyOrderStatus(app core.App, order *core.Record, actor, from, to string) error {
	kind, ok := notifiedKinds[transition{from, to}]
	requester := order.GetString("requested_by")
	if !ok || requester == "" || requester == actor {
		return nil
	}
	params := map[string]any{"title": order.GetString("title")}
	if slices.Contains(kind.Params(), "actor") {
		params["actor"] = notify.ActorName(app, actor)
	}
	return notify.Notify(app, notify.Notification{
		User:    requester,
		Kind:    kind,
		Subject: notify.Subject{Collection: OrdersCollection, Id: order.Id},
		Sender:  actor,
		Params:  params,
	})
}
