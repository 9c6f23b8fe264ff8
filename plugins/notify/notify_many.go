package notify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// maxManyParamLength is the most characters a text parameter of
// [NotifyMany] keeps: the plugin's default (see [Config]).
const maxManyParamLength = 200

// NotifyMany is [Notify] for many readers at once, such as every employee
// asked to confirm a new protocol: the same notification for each of
// users, one per reader, kind, subject and sender as Notify keeps them,
// written in three statements however many readers there are (one
// notification at a time took seconds for 3,000 employees, with SQLite's
// one writer held all along). n.User is ignored and n.Subject is required.
//
// It writes with SQL, past the record hooks: its notifications send no
// realtime event (it triggers [OnMany] instead), and their kind and
// parameters are checked here as the plugin checks every notification.
// Call it with the transaction's app.
func NotifyMany(app core.App, users []string, n Notification) error {
	users = slices.DeleteFunc(slices.Clone(users), func(u string) bool { return u == "" })
	slices.Sort(users)
	users = slices.Compact(users)
	if len(users) == 0 {
		return nil
	}
	if n.Subject.Id == "" {
		return fmt.Errorf("notifying %d readers of %s: no subject", len(users), n.Kind)
	}
	params, err := manyParams(n)
	if err != nil {
		return err
	}
	ids, err := json.Marshal(users)
	if err != nil {
		return err
	}

	bind := dbx.Params{
		"users": string(ids), "kind": string(n.Kind), "subject": n.Subject.Id,
		"collection": n.Subject.Collection, "sender": n.Sender, "params": params,
		"now": types.NowDateTime().String(),
	}
	same := `subject = {:subject} AND kind = {:kind} AND subject_collection = {:collection} AND sender = {:sender}`
	readers := `[[user]] IN (SELECT value FROM json_each({:users}))`
	statements := []string{
		// older ones, read or settled, make way
		`DELETE FROM {{notifications}} WHERE ` + same + ` AND (read = TRUE OR settled = TRUE) AND ` + readers,
		// an open one is brought up to date
		`UPDATE {{notifications}} SET params = {:params} WHERE ` + same + ` AND read = FALSE AND settled = FALSE AND ` + readers,
		`INSERT INTO {{notifications}} ([[user]], kind, subject, subject_collection, sender, params, read, settled, created)
			SELECT j.value, {:kind}, {:subject}, {:collection}, {:sender}, {:params}, FALSE, FALSE, {:now}
			FROM json_each({:users}) j
			WHERE NOT EXISTS (SELECT 1 FROM {{notifications}} o WHERE o.subject = {:subject} AND o.kind = {:kind}
				AND o.subject_collection = {:collection} AND o.sender = {:sender} AND o.[[user]] = j.value)`,
	}
	for _, q := range statements {
		if _, err := app.DB().NewQuery(q).Bind(bind).Execute(); err != nil {
			return fmt.Errorf("notifying %d readers of %s %s: %w", len(users), n.Subject.Collection, n.Subject.Id, err)
		}
	}
	n.User = ""
	return OnMany(app).Trigger(&ManyEvent{App: app, Users: users, Notification: n})
}

// manyParams returns n's parameters as JSON, checked against its kind and
// each text made one plain line, as the plugin's validation does.
func manyParams(n Notification) (string, error) {
	if !n.Kind.Known() {
		return "", fmt.Errorf("notification kind %q does not exist", n.Kind)
	}
	names := n.Kind.Params()
	params := map[string]any{}
	for name, v := range n.Params {
		if !slices.Contains(names, name) {
			return "", fmt.Errorf("notification kind %s has no parameter %q; it has: %s", n.Kind, name, strings.Join(names, ", "))
		}
		if s, ok := v.(string); ok {
			v = plainText(s, maxManyParamLength)
		}
		params[name] = v
	}
	b, err := json.Marshal(params)
	return string(b), err
}
