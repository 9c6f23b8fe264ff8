package regie

import (
	"errors"

	"buurtplein/plugins/audit"

	"github.com/pocketbase/pocketbase/core"
)

// bindReads logs every read of client data. PocketBase enriches each
// record it answers with (a list's, a view's, and those an expand adds,
// from any collection) just before it writes the answer: the entries are
// written then, one Append for all the records of the answer.
func (l *accessLog) bindReads() {
	l.app.OnRecordEnrich(ClientData...).BindFunc(l.enriched)
	l.app.OnFileDownloadRequest(ClientData...).BindFunc(l.downloaded)
}

// readCollector gathers the records of client data one answer shows.
type readCollector struct {
	shown *clientEntries
}

// enriched collects the records of client data an answer shows. The first
// record's hook runs the rest of the enrichment (the other records and
// their expand) inside its e.Next, so it writes the entries of all of
// them at once, before PocketBase writes the answer.
func (l *accessLog) enriched(e *core.RecordEnrichEvent) error {
	info := e.RequestInfo
	if info == nil {
		return e.Next()
	}
	if info.Context == core.RequestInfoContextRealtime {
		// client data goes out on the team topic as ids only; a record
		// enriched for a realtime message would be a read nobody logged
		return errors.New("client data is not sent in realtime messages")
	}
	if _, written := l.writes.Load(e.Record); written {
		// the answer to a write, logged as that write (what its expand
		// adds is a read)
		return e.Next()
	}

	if info.Auth == nil {
		// no rule lets an anonymous caller read client data; should one
		// ever, it is logged all the same
		return l.logRead(e, audit.Actor{UserAgent: info.Headers["user_agent"]})
	}
	if c, ok := l.reads.Load(info.Auth); ok {
		c.(*readCollector).shown.add(e.Record, recordName(e.Record))
		return e.Next()
	}
	return l.logRead(e, l.actorOfInfo(info))
}

// requestOf returns the request whose RequestInfo info is, or nil.
func (l *accessLog) requestOf(info *core.RequestInfo) *core.RequestEvent {
	if info.Auth == nil {
		return nil
	}
	re, _ := l.requests.Load(info.Auth)
	e, _ := re.(*core.RequestEvent)
	return e
}

// logRead collects the records the enrichment that starts with e's shows
// and writes their entries.
func (l *accessLog) logRead(e *core.RecordEnrichEvent, actor audit.Actor) error {
	c := &readCollector{shown: newClientEntries()}
	c.shown.add(e.Record, recordName(e.Record))
	if e.RequestInfo.Auth != nil {
		l.reads.Store(e.RequestInfo.Auth, c)
		defer l.reads.Delete(e.RequestInfo.Auth)
	}
	if re := l.requestOf(e.RequestInfo); re != nil {
		// whatever path it came by (an expand from another
		// collection, a sign-in), an answer with client data is not kept
		re.Response.Header().Set("Cache-Control", "no-store")
	}
	if err := e.Next(); err != nil {
		return err
	}
	entries, err := c.shown.entries(e.App, audit.ActionRead, actor, "")
	if err == nil {
		err = audit.Append(e.App, entries...)
	}
	if err != nil {
		return auditUnavailable(e.App, err)
	}
	return nil
}

// actorOfInfo returns the actor of the request whose RequestInfo info is.
func (l *accessLog) actorOfInfo(info *core.RequestInfo) audit.Actor {
	if re := l.requestOf(info); re != nil {
		return actorAs(re, info.Auth)
	}
	// a request the router did not see (an enrichment called from Go)
	a := audit.Actor{User: info.Auth.Id, OnBehalfOf: info.Auth.Id, UserAgent: info.Headers["user_agent"]}
	if info.Auth.IsSuperuser() {
		a.Superuser, a.UserName = true, info.Auth.Email()
	} else {
		a.UserName = info.Auth.GetString("name")
	}
	return a
}

// downloaded logs the download (or thumb) of a protected attachment of
// client data, by the holder of the file token, before it is served.
func (l *accessLog) downloaded(e *core.FileDownloadRequestEvent) error {
	entries := newClientEntries()
	entries.add(e.Record, recordName(e.Record)+"/"+e.Request.PathValue("filename"))
	list, err := entries.entries(e.App, audit.ActionRead, fileActor(e.RequestEvent), "")
	if err == nil {
		err = audit.Append(e.App, list...)
	}
	if err != nil {
		return auditUnavailable(e.App, err)
	}
	return e.Next()
}

// fileActor returns the actor of a file request: the holder of its file
// token (protected files are asked for with a token, not a header), or
// the signed-in caller.
func fileActor(e *core.RequestEvent) audit.Actor {
	token := e.Request.URL.Query().Get("token")
	if token == "" {
		return audit.ActorOf(e)
	}
	holder, err := e.App.FindAuthRecordByToken(token, core.TokenTypeFile)
	if err != nil {
		return audit.ActorOf(e)
	}
	return actorAs(e, holder)
}

// actorAs returns the actor of request e made by auth: the holder of a
// file token, or the account signing in.
func actorAs(e *core.RequestEvent, auth *core.Record) audit.Actor {
	if e.Auth == auth {
		return audit.ActorOf(e)
	}
	was := e.Auth
	e.Auth = auth
	defer func() { e.Auth = was }()
	return audit.ActorOf(e)
}
