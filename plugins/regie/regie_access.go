package regie

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

	"buurtplein/hooks"
	"buurtplein/plugins/audit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Every access to client data writes one entry to the access log
// (plugins/audit), before the answer and in the transaction of a write:
//
//   - reads (list, view, expand, HEAD): one entry per client shown, when
//     PocketBase enriches the records for the answer (regie_access_reads.go);
//     a protected attachment's download or thumb: one entry;
//   - writes through the API, batches and the dashboard: one entry in the
//     write's transaction; writes the server makes in that transaction get
//     the request's actor, writes outside any request the system's
//     (regie_access_writes.go);
//   - refused attempts by signed-in callers: one entry "refused" after the
//     refused request rolled back (regie_access_refused.go).
//
// An access whose entry cannot be written is refused: 503
// audit_unavailable. Anonymous callers are not logged: they see nothing,
// and their attempts would only flood a log whose entries are kept for
// years.

// accessLog holds what the hooks of the access log share within a
// request.
type accessLog struct {
	app core.App

	// requests are the requests in flight by their signed-in caller's
	// auth record (loaded anew for every request), for the hooks that see
	// the request's RequestInfo only
	requests sync.Map
	// reads are the reads being collected for one Append, by auth record
	reads sync.Map
	// writes are the records a request is saving, with its actor
	writes sync.Map
}

// bindAccessLog binds the hooks that log every access to client data,
// refuse collection subscriptions to it and keep it out of caches.
func (p *plugin) bindAccessLog() {
	l := &accessLog{app: p.app}
	l.bindReads()
	l.bindWrites()
	l.bindRequests()
	bindNoStore(p.app)
	bindSubscriptions(p.app)
}

// auditUnavailable is the answer to an access whose entry could not be
// written: the access does not happen.
func auditUnavailable(app core.App, err error) error {
	app.Logger().Error("writing the access log failed: the access is refused", "error", err)
	return hooks.Err(http.StatusServiceUnavailable, "audit_unavailable", nil,
		"Het toegangslogboek kan nu niet worden bijgewerkt; daarom kan dit nu niet. Probeer het later opnieuw.")
}

// clientEntries gathers the entries of one access to the records of
// several clients: one entry per client, naming all its records.
type clientEntries struct {
	byClient map[string]*audit.Entry
	order    []string
	// known are client codes known without a look-up (deleted clients')
	known map[string]string
}

func newClientEntries() *clientEntries {
	return &clientEntries{byClient: map[string]*audit.Entry{}}
}

// add adds name ("collection/id", or with a file "collection/id/file")
// of record, a record of client data, to its client's entry.
func (c *clientEntries) add(record *core.Record, name string) {
	client := record.GetString("client")
	code := ""
	if record.Collection().Name == ClientsCollection {
		client, code = record.Id, record.GetString("code")
	}
	e := c.byClient[client]
	if e == nil {
		e = &audit.Entry{Team: record.GetString("team"), Client: client}
		c.byClient[client] = e
		c.order = append(c.order, client)
	}
	if e.ClientCode == "" {
		e.ClientCode = code
	}
	if e.Record != "" {
		if strings.Contains(" "+e.Record+" ", " "+name+" ") {
			return
		}
		e.Record += " "
	}
	e.Record += name
}

// entries returns the entries of action by actor, with the codes of the
// clients looked up in one query where the records did not name them.
func (c *clientEntries) entries(app core.App, action string, actor audit.Actor, details string) ([]audit.Entry, error) {
	var missing []any
	for _, id := range c.order {
		e := c.byClient[id]
		if e.ClientCode == "" {
			e.ClientCode = c.known[id]
		}
		if e.ClientCode == "" && id != "" {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		var rows []struct {
			Id   string `db:"id"`
			Code string `db:"code"`
		}
		err := app.DB().Select("id", "code").From(ClientsCollection).Where(dbx.In("id", missing...)).All(&rows)
		if err != nil {
			return nil, fmt.Errorf("the codes of the clients: %w", err)
		}
		for _, r := range rows {
			c.byClient[r.Id].ClientCode = r.Code
		}
	}
	out := make([]audit.Entry, 0, len(c.order))
	for _, id := range c.order {
		e := *c.byClient[id]
		e.Action, e.Actor, e.Details = action, actor, details
		out = append(out, e)
	}
	return out, nil
}

// recordName returns "collection/id" of record.
func recordName(record *core.Record) string {
	return record.Collection().Name + "/" + record.Id
}
