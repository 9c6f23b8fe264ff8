package bob

import (
	"buurtplein/plugins/notify"

	"github.com/pocketbase/pocketbase/core"
)

// notifiedStatuses are the statuses the requester of an order hears of
// when someone else (in practice BOB) sets them: a proof sent back, the
// order in production, shipped, delivered or cancelled.
var notifiedStatuses = map[transition]bool{
	{StatusProof, StatusDraft}:         true,
	{StatusApproved, StatusProduction}: true,
	{StatusProduction, StatusShipped}:  true,
	{StatusShipped, StatusDelivered}:   true,
	{StatusDraft, StatusCancelled}:     true,
	{StatusProof, StatusCancelled}:     true,
	{StatusApproved, StatusCancelled}:  true,
}

// notifyOrderStatus tells the requester of order about its move from from
// to to, unless they made it themselves. Call it with the transaction's
// app.
func notifyOrderStatus(app core.App, order *core.Record, actor, from, to string) error {
	requester := order.GetString("requested_by")
	if !notifiedStatuses[transition{from, to}] || requester == "" || requester == actor {
		return nil
	}
	return notify.Notify(app, notify.Notification{
		User:    requester,
		Kind:    notify.KindOrderStatus,
		Subject: notify.Subject{Collection: OrdersCollection, Id: order.Id},
		Sender:  actor,
		Params:  map[string]any{"title": order.GetString("title"), "status": to},
	})
}
