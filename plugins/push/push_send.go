package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	webpush "github.com/SherClockHolmes/webpush-go"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Payload is what a push carries to the service worker, which words it
// in the reader's language (notify.kind.<kind>) and opens its subject:
// ids, the kind and its parameters, never client data.
type Payload struct {
	Id                string         `json:"id"`
	Kind              string         `json:"kind"`
	Params            map[string]any `json:"params"`
	SubjectCollection string         `json:"subject_collection"`
	Subject           string         `json:"subject"`
}

// bindNotifications queues the push of each new notification once it is
// committed: one written by notify.Notify (a record hook) and those
// written at once by notify.NotifyMany. Only the notifications of a
// pushed kind for someone with a subscription are queued.
func (p *plugin) bindNotifications() {
	p.app.OnRecordAfterCreateSuccess(notify.Collection).BindFunc(func(e *core.RecordEvent) error {
		if p.pushed(e.Record.GetString("kind")) && p.subscribed(e.App, e.Record.GetString("user")) {
			p.queue.add(e.Record.Id)
		}
		return e.Next()
	})

	notify.OnMany(p.app).BindFunc(func(e *notify.ManyEvent) error {
		if !p.pushed(string(e.Notification.Kind)) {
			return e.Next()
		}
		ids, err := p.manyToPush(e)
		if err != nil {
			return err
		}
		after := func() {
			for _, id := range ids {
				p.queue.add(id)
			}
		}
		if tx := e.App.TxInfo(); tx != nil {
			tx.OnComplete(func(txErr error) error {
				if txErr == nil {
					after()
				}
				return nil
			})
		} else {
			after()
		}
		return e.Next()
	})
}

// subscribed reports whether user has a push subscription.
func (p *plugin) subscribed(app core.App, user string) bool {
	n, err := app.CountRecords(Collection, dbx.HashExp{"user": user})
	return err == nil && n > 0
}

// manyToPush returns the ids of the open notifications e wrote for its
// readers who have a push subscription.
func (p *plugin) manyToPush(e *notify.ManyEvent) ([]string, error) {
	users, err := json.Marshal(e.Users)
	if err != nil {
		return nil, err
	}
	n := e.Notification
	var ids []string
	err = e.App.DB().NewQuery(`SELECT n.id FROM {{notifications}} n
		WHERE n.subject = {:subject} AND n.subject_collection = {:collection} AND n.kind = {:kind}
			AND n.sender = {:sender} AND n.read = FALSE AND n.settled = FALSE
			AND n.[[user]] IN (SELECT value FROM json_each({:users}))
			AND n.[[user]] IN (SELECT s.[[user]] FROM {{push_subscriptions}} s)`).
		Bind(dbx.Params{"subject": n.Subject.Id, "collection": n.Subject.Collection, "kind": string(n.Kind),
			"sender": n.Sender, "users": string(users)}).
		Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("the pushes of %d notifications: %w", len(e.Users), err)
	}
	return ids, nil
}

// send pushes the notification id to each of its reader's subscriptions,
// unless the reader is blocked or inside their quiet hours now, or the
// notification was read or settled meanwhile.
func (p *plugin) send(id string) {
	defer func() {
		if r := recover(); r != nil {
			p.app.Logger().Error("push: sending failed", "notification", id, "panic", fmt.Sprint(r))
		}
	}()
	if err := p.sendNotification(id); err != nil {
		p.app.Logger().Warn("push: sending failed", "notification", id, "error", err.Error())
	}
}

func (p *plugin) sendNotification(id string) error {
	n, err := p.app.FindRecordById(notify.Collection, id)
	if err != nil {
		return nil // gone meanwhile
	}
	if n.GetBool("read") || n.GetBool("settled") {
		return nil
	}
	user, err := p.app.FindRecordById(hooks.UsersCollection, n.GetString("user"))
	if err != nil {
		return nil
	}
	if user.GetBool("disabled") || hooks.QuietAt(user.GetString("quiet_from"), user.GetString("quiet_until"), p.now()) {
		return nil
	}
	subs, err := p.app.FindAllRecords(Collection, dbx.HashExp{"user": user.Id})
	if err != nil || len(subs) == 0 {
		return err
	}

	payload, err := json.Marshal(payloadOf(n))
	if err != nil {
		return err
	}
	keys, err := p.vapid()
	if err != nil {
		return err
	}
	var errs []error
	for _, sub := range subs {
		if err := p.post(payload, sub, keys); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// payloadOf returns the payload of the notification n.
func payloadOf(n *core.Record) Payload {
	params := map[string]any{}
	_ = n.UnmarshalJSONField("params", &params)
	return Payload{
		Id:                n.Id,
		Kind:              n.GetString("kind"),
		Params:            params,
		SubjectCollection: n.GetString("subject_collection"),
		Subject:           n.GetString("subject"),
	}
}

// post sends payload to the subscription sub; a push service that no
// longer knows sub (404, 410) has it deleted.
func (p *plugin) post(payload []byte, sub *core.Record, keys *vapidKeys) error {
	// the endpoint is checked again: it was stored before a change of
	// the allowed services, or written past the hooks
	endpoint := sub.GetString("endpoint")
	if err := p.checkEndpoint(endpoint); err != nil {
		return fmt.Errorf("subscription %s: %w", sub.Id, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.config.Timeout)
	defer cancel()
	res, err := webpush.SendNotificationWithContext(ctx, payload, &webpush.Subscription{
		Endpoint: endpoint,
		Keys:     webpush.Keys{P256dh: sub.GetString("p256dh"), Auth: sub.GetString("auth")},
	}, &webpush.Options{
		HTTPClient:      p.config.HTTPClient,
		Subscriber:      p.subscriber(),
		TTL:             int(p.config.TTL.Seconds()),
		VAPIDPublicKey:  keys.Public,
		VAPIDPrivateKey: keys.Private,
	})
	if err != nil {
		return fmt.Errorf("subscription %s: %w", sub.Id, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 4096))

	switch {
	case res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusGone:
		return deleteSubscriptions(p.app, dbx.HashExp{"id": sub.Id})
	case res.StatusCode >= 300:
		return fmt.Errorf("subscription %s: the push service answered %s", sub.Id, res.Status)
	}
	return nil
}

// subscriber is the VAPID contact (an https URL, or an e-mail address
// the library makes a mailto: of): the config's, the app's URL, or its
// sender address.
func (p *plugin) subscriber() string {
	if p.config.Subscriber != "" {
		return p.config.Subscriber
	}
	meta := p.app.Settings().Meta
	if strings.HasPrefix(meta.AppURL, "https://") {
		return meta.AppURL
	}
	return meta.SenderAddress
}
