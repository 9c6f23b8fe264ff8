package regie

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"buurtplein/hooks"
	"buurtplein/plugins/audit"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// batchPartsKey is where a batch request keeps its requests of client
// data for the refused entry.
const batchPartsKey = "regie.batchClientData"

// dataPath is a request path about client data.
type dataPath struct {
	collection, record, file string
}

// name returns what the path names: "collection", "collection/id" or
// "collection/id/file".
func (d dataPath) name() string {
	name := d.collection
	if d.record != "" {
		name += "/" + d.record
	}
	if d.file != "" {
		name += "/" + d.file
	}
	return name
}

// clientDataPath returns the client data a record path
// ("/api/collections/{collection}/records[/{id}]") or file path
// ("/api/files/{collection}/{id}/{file}") is about, the collection named
// by name or id.
func clientDataPath(app core.App, path string) (dataPath, bool) {
	if rest, ok := strings.CutPrefix(path, "/api/collections/"); ok {
		parts := strings.Split(rest, "/")
		if len(parts) < 2 || parts[1] != "records" {
			return dataPath{}, false
		}
		d := dataPath{collection: clientDataCollection(app, parts[0])}
		if len(parts) > 2 {
			d.record = parts[2]
		}
		return d, d.collection != ""
	}
	if rest, ok := strings.CutPrefix(path, "/api/files/"); ok {
		parts := strings.SplitN(rest, "/", 3)
		d := dataPath{collection: clientDataCollection(app, parts[0])}
		if len(parts) == 3 {
			d.record, d.file = parts[1], parts[2]
		}
		return d, d.collection != ""
	}
	return dataPath{}, false
}

// clientDataCollection returns the name of the client-data collection
// nameOrId names, or "".
func clientDataCollection(app core.App, nameOrId string) string {
	if nameOrId == "" {
		return ""
	}
	c, err := app.FindCachedCollectionByNameOrId(nameOrId)
	if err != nil || !IsClientData(c.Name) {
		return ""
	}
	return c.Name
}

// bindRequests binds the middleware that keeps the signed-in caller's
// request for the read hooks and logs refused attempts on client data, and
// the batch hook that notes a batch's requests of client data.
func (l *accessLog) bindRequests() {
	// right after the auth token is read: it sees every refusal after
	// it, the rate limiter's too
	hooks.BindMiddleware(l.app, "regieAccessLogRequests", apis.DefaultLoadAuthTokenMiddlewarePriority+1, l.request)
	// a sign-in's answer is enriched as the account signing in, who was
	// no caller yet when the middleware ran
	l.app.OnRecordAuthRequest().BindFunc(func(e *core.RecordAuthRequestEvent) error {
		l.requests.Store(e.Record, e.RequestEvent)
		defer l.requests.Delete(e.Record)
		return e.Next()
	})
	l.app.OnBatchRequest().Bind(&hook.Handler[*core.BatchRequestEvent]{
		Id: "regieAccessLogBatch",
		// before the guards that may refuse the batch
		Priority: -100,
		Func:     l.batch,
	})
}

// batch notes a batch's requests of client data, for the entries of its
// refusal, and keeps its answer out of caches.
func (l *accessLog) batch(e *core.BatchRequestEvent) error {
	var parts []batchPart
	for _, ir := range e.Batch {
		u, err := url.Parse(ir.URL)
		if err != nil {
			continue
		}
		if d, ok := clientDataPath(e.App, u.Path); ok {
			parts = append(parts, batchPart{path: d, body: ir.Body})
		}
	}
	if len(parts) > 0 {
		e.Set(batchPartsKey, parts)
		// its answer holds the client data it wrote
		e.Response.Header().Set("Cache-Control", "no-store")
	}
	return e.Next()
}

// batchPart is a request of client data inside a batch.
type batchPart struct {
	path dataPath
	body map[string]any
}

// request keeps a signed-in caller's request for the read hooks while it
// runs, and logs it when it is a refused attempt on client data.
func (l *accessLog) request(e *core.RequestEvent) error {
	if e.Auth != nil {
		l.requests.Store(e.Auth, e)
		defer l.requests.Delete(e.Auth)
	}
	err := e.Next()
	if err == nil {
		return nil
	}
	var apiErr *router.ApiError
	if !errors.As(err, &apiErr) || apiErr.Status < 400 || apiErr.Status >= 500 || apiErr.Status == http.StatusUnauthorized {
		return err
	}
	l.logRefused(e, err, apiErr.Status)
	return err
}

// logRefused writes the entries of a refused attempt on client data by a
// signed-in caller, one per client-data request (a batch holds several),
// in a transaction of its own: the refused one has rolled back.
func (l *accessLog) logRefused(e *core.RequestEvent, err error, status int) {
	var parts []batchPart
	if e.Request.URL.Path == "/api/batch" {
		parts, _ = e.Get(batchPartsKey).([]batchPart)
	} else if d, ok := clientDataPath(e.App, e.Request.URL.Path); ok {
		var body map[string]any
		if info, infoErr := e.RequestInfo(); infoErr == nil {
			body = info.Body
		}
		parts = []batchPart{{path: d, body: body}}
	}
	if len(parts) == 0 {
		return
	}
	actor := audit.ActorOf(e)
	if strings.HasPrefix(e.Request.URL.Path, "/api/files/") {
		actor = fileActor(e)
	}
	if actor.User == "" {
		return // anonymous: not logged
	}

	details := fmt.Sprint(status)
	if code, _ := hooks.CodeOf(err); code != "" {
		details += " " + code
	}
	entries := make([]audit.Entry, 0, len(parts))
	for _, part := range parts {
		entry := audit.Entry{Action: audit.ActionRefused, Actor: actor, Record: part.path.name(), Details: details}
		l.refusedClient(part, &entry)
		entries = append(entries, entry)
	}
	if err := audit.Append(e.App, entries...); err != nil {
		e.App.Logger().Error("logging a refused access failed", "error", err, "path", e.Request.URL.Path)
	}
}

// refusedClient names in entry the client a refused request was about,
// when it exists: the record's, or the one the request's body names.
func (l *accessLog) refusedClient(part batchPart, entry *audit.Entry) {
	var client *core.Record
	if part.path.record != "" {
		if record, err := l.app.FindRecordById(part.path.collection, part.path.record); err == nil {
			client, _ = clientOf(l.app, record)
		}
	} else if id, _ := part.body["client"].(string); id != "" {
		client, _ = l.app.FindRecordById(ClientsCollection, id)
	}
	if client != nil {
		entry.Client, entry.ClientCode, entry.Team = client.Id, client.GetString("code"), client.GetString("team")
	} else if team, _ := part.body["team"].(string); team != "" && part.path.collection == ClientsCollection {
		entry.Team = team
	}
}
