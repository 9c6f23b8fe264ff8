package wiki

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Revisions are written by the hooks around the write of a page itself
// (OnRecordCreateExecute and OnRecordUpdateExecute, which PocketBase runs
// for every app.Save of a record, whichever path calls it), in one
// transaction with the page: a page and its history land together or not
// at all. The page's current revision is read inside that transaction,
// where SQLite's one writer makes it final, so two saves from the same
// revision cannot both pass.

// pageWrite is who saves a page through a request or a route.
type pageWrite struct {
	actor       string // the employee's id; "" for a superuser
	request     bool   // through the record API (or a batch, or the dashboard)
	summarySent bool   // the request's body holds a summary
}

// ownWrite marks, in a save's context, a revision written by this package.
type ownWrite struct{}

// Revision is the current revision of a page, as the 409 of a stale save
// carries it.
type Revision struct {
	Revision   int    `json:"revision"`
	Title      string `json:"title"`
	Body       string `json:"body"`
	Summary    string `json:"summary"`
	Author     string `json:"author"`
	AuthorName string `json:"authorName"`
	Created    string `json:"created"`
}

func (p *plugin) bindVersioning() {
	p.app.OnRecordCreateRequest(PagesCollection).BindFunc(p.markRequest)
	p.app.OnRecordUpdateRequest(PagesCollection).BindFunc(p.markRequest)
	p.app.OnRecordCreateExecute(PagesCollection).BindFunc(p.createWithRevision)
	p.app.OnRecordUpdateExecute(PagesCollection).BindFunc(p.updateWithRevision)
}

// markRequest notes who saves a page through the record API, for the hook
// around its write.
func (p *plugin) markRequest(e *core.RecordRequestEvent) error {
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	_, revisionSent := info.Body["revision"]
	_, summarySent := info.Body["summary"]
	if !e.Record.IsNew() && !revisionSent {
		return hooks.FieldError("revision", "wiki_revision_required",
			"Stuur het nummer mee van de versie waarop je wijziging voortbouwt (revision), zoals je de pagina hebt gelezen.")
	}
	w := &pageWrite{actor: actorOf(e.RequestEvent), request: true, summarySent: summarySent}
	writes.Store(e.Record, w)
	defer writes.Delete(e.Record)
	return e.Next()
}

// writes are the pages a request, a route or [SaveAs] is saving, with who
// saves them, for the hook around the write. The key is the record itself,
// so the entry is only ever found by the save that stored it.
var writes sync.Map

// SaveAs saves page in app (a create or an update; an update from the
// revision page holds) with a revision by the employee author ("" for no
// one) and page's summary as its change note. app.Save does the same with
// updated_by as the author, but only when the save changes updated_by or
// summary: a save that leaves them as they were is written by no one, with
// no note, so an import never signs with the previous editor's name.
func SaveAs(app core.App, page *core.Record, author string) error {
	writes.Store(page, &pageWrite{actor: author, summarySent: true})
	defer writes.Delete(page)
	return app.Save(page)
}

func writeOf(page *core.Record) *pageWrite {
	if w, ok := writes.Load(page); ok {
		return w.(*pageWrite)
	}
	return nil
}

// createWithRevision writes a new page with its first revision.
func (p *plugin) createWithRevision(e *core.RecordEvent) error {
	page := e.Record
	if w := writeOf(page); w != nil {
		page.Set("created_by", w.actor)
		page.Set("updated_by", w.actor)
	} else if page.GetString("updated_by") == "" {
		page.Set("updated_by", page.GetString("created_by"))
	}
	asked := page.GetInt("revision")
	page.Set("revision", 1)

	app := e.App
	err := app.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		if err := e.Next(); err != nil {
			return err
		}
		return writeRevision(txApp, page)
	})
	e.App = app
	if err != nil {
		page.Set("revision", asked)
	}
	return err
}

// updateWithRevision writes a change of a page with a new revision, or
// refuses it when the revision it started from is no longer the current
// one.
func (p *plugin) updateWithRevision(e *core.RecordEvent) error {
	page, original := e.Record, e.Record.Original()
	if team := original.GetString("team"); team != page.GetString("team") {
		if page.GetString("team") == "" && teamGone(e.App, team) {
			// PocketBase clears the relation of a team it deletes, in the
			// same transaction: the page keeps its history and the id of
			// its team, so that only IT reads it from now on, and is not
			// written (with an empty team it would be the organisation's)
			page.Set("team", team)
			return nil
		}
		// a page stays in its wiki: moving it would show a team's history
		// to the organisation
		return hooks.FieldError("team", "wiki_team_fixed",
			"Een pagina blijft in haar eigen wiki. Maak een nieuwe pagina in de andere wiki.")
	}
	if team := original.GetString("must_read_team"); team != "" && page.GetString("must_read_team") == "" && teamGone(e.App, team) {
		// the team that had to read the protocol is deleted: an empty
		// must_read_team would ask the whole organisation instead
		page.Set("must_read", false)
	}

	if w := writeOf(page); w != nil {
		page.Set("created_by", original.GetString("created_by"))
		page.Set("updated_by", w.actor)
		if w.request && !w.summarySent {
			page.Set("summary", "") // a change note belongs to one save
		}
	} else {
		// Go code: the author is whom it names, or no one
		if page.GetString("updated_by") == original.GetString("updated_by") {
			page.Set("updated_by", "")
		}
		if page.GetString("summary") == original.GetString("summary") {
			page.Set("summary", "")
		}
	}

	base := page.GetInt("revision")
	current := -1
	app := e.App
	err := app.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		err := txApp.DB().Select("revision").From(PagesCollection).
			Where(dbx.HashExp{"id": page.Id}).Row(&current)
		if err != nil {
			return fmt.Errorf("current revision of page %s: %w", page.Id, err)
		}
		if base != current {
			return errStale
		}
		if page.GetString("parent") != original.GetString("parent") {
			// again, with SQLite's writer held: two pages moved at once
			// under each other would make a loop between the checks
			if err := checkParent(txApp, page); err != nil {
				return err
			}
		}
		page.Set("revision", current+1)
		if err := e.Next(); err != nil {
			return err
		}
		return writeRevision(txApp, page)
	})
	e.App = app
	if err == nil {
		return nil
	}
	page.Set("revision", base)
	if errors.Is(err, errStale) {
		return staleError(app, page, base, current)
	}
	return err
}

// teamGone reports whether the team with id no longer exists (in app, the
// transaction of its deletion).
func teamGone(app core.App, id string) bool {
	_, err := app.FindRecordById(hooks.TeamsCollection, id)
	return errors.Is(err, sql.ErrNoRows)
}

// errStale ends the transaction of a stale save; the 409 is made after it,
// so the diff does not hold SQLite's writer.
var errStale = errors.New("stale revision")

// writeRevision writes the revision page is now at.
func writeRevision(app core.App, page *core.Record) error {
	collection, err := app.FindCachedCollectionByNameOrId(RevisionsCollection)
	if err != nil {
		return fmt.Errorf("wiki revisions: %w", err)
	}
	rev := core.NewRecord(collection)
	rev.Set("page", page.Id)
	rev.Set("revision", page.GetInt("revision"))
	rev.Set("title", page.GetString("title"))
	rev.Set("body", page.GetString("body"))
	rev.Set("summary", page.GetString("summary"))
	rev.Set("author", page.GetString("updated_by"))
	ctx := context.WithValue(context.Background(), ownWrite{}, true)
	if err := app.SaveWithContext(ctx, rev); err != nil {
		return fmt.Errorf("revision %d of page %s: %w", page.GetInt("revision"), page.Id, err)
	}
	return nil
}

// staleError returns the 409 of a save that started from revision base
// while the page is at current: with the current revision and the diff
// from base to it.
func staleError(app core.App, page *core.Record, base, current int) error {
	cur, err := findRevision(app, page.Id, current)
	if err != nil {
		return fmt.Errorf("current revision of page %s: %w", page.Id, err)
	}
	diff, err := diffRevisions(app, page.Id, base, current)
	if err != nil {
		return err
	}
	return hooks.Err(http.StatusConflict, "wiki_stale_revision", hooks.Params{
		"current": revisionOf(app, cur),
		"diff":    diff,
	}, fmt.Sprintf("Iemand anders heeft deze pagina intussen gewijzigd (nu versie %d; je begon bij versie %d). "+
		"Bekijk de wijzigingen, neem ze over in je tekst en sla opnieuw op.", current, base))
}

// findRevision returns revision n of page.
func findRevision(app core.App, pageId string, n int) (*core.Record, error) {
	return app.FindFirstRecordByFilter(RevisionsCollection, "page = {:page} && revision = {:n}",
		dbx.Params{"page": pageId, "n": n})
}

// revisionOf returns rev as the 409 carries it.
func revisionOf(app core.App, rev *core.Record) Revision {
	r := Revision{
		Revision: rev.GetInt("revision"),
		Title:    rev.GetString("title"),
		Body:     rev.GetString("body"),
		Summary:  rev.GetString("summary"),
		Author:   rev.GetString("author"),
		Created:  rev.GetDateTime("created").String(),
	}
	if r.Author != "" {
		if author, err := app.FindRecordById(hooks.UsersCollection, r.Author); err == nil {
			r.AuthorName = author.GetString("name")
		}
	}
	return r
}

// diffRevisions returns the diff of page from revision from to revision
// to; a revision that does not exist counts as an empty page.
func diffRevisions(app core.App, pageId string, from, to int) (Diff, error) {
	d := Diff{From: from, To: to}
	var texts [2][2]string // title, body of from and to
	for i, n := range []int{from, to} {
		rev, err := findRevision(app, pageId, n)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return d, fmt.Errorf("revision %d of page %s: %w", n, pageId, err)
		}
		texts[i] = [2]string{rev.GetString("title"), rev.GetString("body")}
	}
	d.Title = TitleDiff{From: texts[0][0], To: texts[1][0]}
	d.Lines = DiffText(texts[0][1], texts[1][1])
	if d.Lines == nil {
		d.Lines = []Line{}
	}
	return d, nil
}

// bindImmutability keeps revisions as they were written and pages from
// being deleted, on every path: the API rules refuse everyone else, and
// these hooks refuse superusers (who bypass the rules), batches and Go
// code alike.
func (p *plugin) bindImmutability() {
	p.app.OnRecordCreate(RevisionsCollection).BindFunc(func(e *core.RecordEvent) error {
		if own, _ := contextValue(e.Context).(bool); own {
			return e.Next()
		}
		return errImmutable()
	})
	p.app.OnRecordUpdate(RevisionsCollection).BindFunc(func(e *core.RecordEvent) error {
		return errImmutable()
	})
	p.app.OnRecordDelete(RevisionsCollection).BindFunc(func(e *core.RecordEvent) error {
		return errImmutable()
	})
	// the dashboard deletes a collection without deleting its records
	p.app.OnCollectionDeleteRequest().BindFunc(func(e *core.CollectionRequestEvent) error {
		if e.Collection.Name == PagesCollection || e.Collection.Name == RevisionsCollection {
			return hooks.Err(http.StatusForbidden, "wiki_history_kept", hooks.Params{"collection": e.Collection.Name},
				"De wiki en haar geschiedenis worden niet verwijderd.")
		}
		return e.Next()
	})
	p.app.OnRecordDelete(PagesCollection).BindFunc(func(e *core.RecordEvent) error {
		return hooks.Err(http.StatusForbidden, "wiki_page_undeletable", nil,
			"Een wikipagina wordt niet verwijderd: haar geschiedenis blijft bewaard. Pas de tekst aan, of verplaats de pagina onder een archiefpagina.")
	})
}

func errImmutable() error {
	return hooks.Err(http.StatusForbidden, "wiki_revision_immutable", nil,
		"Versies van een wikipagina maakt Buurtplein zelf bij elke wijziging van de pagina; ze worden nooit los gemaakt, gewijzigd of verwijderd.")
}

func contextValue(ctx context.Context) any {
	if ctx == nil {
		return nil
	}
	return ctx.Value(ownWrite{})
}

// actorOf returns the id of the signed-in employee behind a request, or ""
// for a superuser (IT), whose revisions show no name.
func actorOf(e *core.RequestEvent) string {
	if e.Auth == nil || e.Auth.Collection().Name != hooks.UsersCollection {
		return ""
	}
	return e.Auth.Id
}
