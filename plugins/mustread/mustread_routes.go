package mustread

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// item is one unconfirmed must-read of GET /api/buurtplein/mustread.
type item struct {
	Collection string `db:"collection" json:"collection"`
	Id         string `db:"id" json:"id"`
	Title      string `db:"title" json:"title"`
	Team       string `db:"team" json:"team"`
	TeamName   string `db:"teamName" json:"teamName"`
	Revision   int    `db:"revision" json:"revision"`
	Updated    string `db:"updated" json:"updated"`
}

// unconfirmedQuery selects the caller's must-read posts and pages not
// confirmed at their current revision, newest first: each half reads the
// must-read rows by their index, checks the caller's teams and looks the
// caller's confirmation up by the unique index of reads. A page's team is
// the team it asks (must_read_team): the wiki keeps must-read pages to the
// organisation's wiki, so that is the team it concerns, whose members
// oversee its readers.
//
// NB! Left to itself SQLite reads the posts for the team test, through the
// team and visibility indexes: every organisation post. INDEXED BY holds it
// to the partial index of the must-read posts (pb_migrations/1764200300).
const unconfirmedQuery = `SELECT collection, id, title, team, teamName, revision, updated FROM (
	SELECT 'posts' AS collection, p.id, p.title, p.team, COALESCE(t.name, '') AS teamName, 0 AS revision, p.updated
	FROM {{posts}} p INDEXED BY idx_posts_must_read LEFT JOIN {{teams}} t ON t.id = p.team
	WHERE p.must_read = 1
		AND (p.team = '' OR p.visibility = 'organisation' OR p.team IN (SELECT value FROM json_each({:teams})))
		AND NOT EXISTS (SELECT 1 FROM {{reads}} r WHERE r.[[user]] = {:me} AND r.post = p.id AND r.page = '' AND r.revision = 0)
	UNION ALL
	SELECT 'wiki_pages', w.id, w.title, w.must_read_team, COALESCE(t.name, ''), w.revision, w.updated
	FROM {{wiki_pages}} w LEFT JOIN {{teams}} t ON t.id = w.must_read_team
	WHERE w.must_read = 1
		AND (w.must_read_team = '' OR w.must_read_team IN (SELECT value FROM json_each({:teams})))
		AND (w.team = '' OR w.shared = 1 OR w.team IN (SELECT value FROM json_each({:teams})))
		AND NOT EXISTS (SELECT 1 FROM {{reads}} r WHERE r.[[user]] = {:me} AND r.page = w.id AND r.post = '' AND r.revision = w.revision)
) ORDER BY updated DESC, id DESC`

// unconfirmed answers GET /api/buurtplein/mustread: the caller's
// must-reads not yet confirmed at their current revision, newest first,
// {"items": [...], "count": n}. Someone in no team (a former member, IT)
// is asked nothing.
func (p *plugin) unconfirmed(e *core.RequestEvent) error {
	items := []item{}
	if e.Auth.IsSuperuser() {
		return e.JSON(http.StatusOK, map[string]any{"items": items, "count": 0})
	}
	teams, err := hooks.TeamIds(e.App, e.Auth.Id)
	if err != nil {
		return err
	}
	if len(teams) == 0 {
		return e.JSON(http.StatusOK, map[string]any{"items": items, "count": 0})
	}
	params := dbx.Params{"me": e.Auth.Id, "teams": jsonList(teams)}
	err = e.App.DB().NewQuery(unconfirmedQuery + ` LIMIT {:limit}`).
		Bind(params).Bind(dbx.Params{"limit": p.config.MaxItems + 1}).All(&items)
	if err != nil {
		return fmt.Errorf("the must-reads of %s: %w", e.Auth.Id, err)
	}
	count := len(items)
	if count > p.config.MaxItems {
		items = items[:p.config.MaxItems]
		err = e.App.DB().NewQuery(`SELECT COUNT(*) FROM (` + unconfirmedQuery + `)`).Bind(params).Row(&count)
		if err != nil {
			return fmt.Errorf("counting the must-reads of %s: %w", e.Auth.Id, err)
		}
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items, "count": count})
}

// jsonList returns ids as a JSON array, for SQLite's json_each.
func jsonList(ids []string) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

// person is a colleague as the readers overview shows them.
type person struct {
	Id     string `json:"id"`
	Name   string `json:"name"`
	Avatar string `json:"avatar"`
}

type confirmedReader struct {
	User person `json:"user"`
	At   string `json:"at"`
}

type pendingReader struct {
	User person `json:"user"`
}

// overview is the answer of the readers routes.
type overview struct {
	Revision   int               `json:"revision"`
	Confirmed  []confirmedReader `json:"confirmed"`
	Pending    []pendingReader   `json:"pending"`
	RemindedAt string            `json:"remindedAt"`
}

// readers answers GET /api/buurtplein/posts/{id}/readers and
// /wiki/{id}/readers: who of the audience has confirmed the current
// revision (newest first) and who has not (by name), and today's
// reminder ("" when a reminder can be sent).
func (p *plugin) readers(collection string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		s, err := p.overseen(e, collection)
		if err != nil {
			return err
		}
		o, err := readersOf(e.App, s)
		if err != nil {
			return err
		}
		if o.RemindedAt, err = p.remindedToday(e.App, s); err != nil {
			return err
		}
		return e.JSON(http.StatusOK, o)
	}
}

// readersOf returns the overview of s: its audience and its
// confirmations at the current revision, in two queries merged here (the
// join in SQL looked each of 3,000 employees up in the confirmations'
// index, five times the time of reading both once).
func readersOf(app core.App, s subject) (overview, error) {
	reads, params := s.readsOf()
	at := map[string]string{}
	rows, err := app.DB().NewQuery(`SELECT r.[[user]], r.created FROM {{reads}} r WHERE ` + reads).Bind(params).Rows()
	if err != nil {
		return overview{}, fmt.Errorf("the confirmations of %s: %w", s.record.Id, err)
	}
	for rows.Next() {
		var user, created string
		if err := rows.Scan(&user, &created); err != nil {
			rows.Close()
			return overview{}, err
		}
		at[user] = created
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return overview{}, fmt.Errorf("the confirmations of %s: %w", s.record.Id, err)
	}

	audience, params := s.audience()
	rows, err = app.DB().NewQuery(`SELECT u.id, u.name, u.avatar FROM {{users}} u WHERE ` + audience).Bind(params).Rows()
	if err != nil {
		return overview{}, fmt.Errorf("the audience of %s: %w", s.record.Id, err)
	}
	o := overview{Revision: s.revision, Confirmed: []confirmedReader{}, Pending: []pendingReader{}}
	for rows.Next() {
		var who person
		if err := rows.Scan(&who.Id, &who.Name, &who.Avatar); err != nil {
			rows.Close()
			return overview{}, err
		}
		if when, ok := at[who.Id]; ok {
			o.Confirmed = append(o.Confirmed, confirmedReader{User: who, At: when})
		} else {
			o.Pending = append(o.Pending, pendingReader{User: who})
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return overview{}, fmt.Errorf("the audience of %s: %w", s.record.Id, err)
	}

	slices.SortFunc(o.Confirmed, func(a, b confirmedReader) int {
		return cmp.Or(cmp.Compare(b.At, a.At), byName(a.User, b.User))
	})
	slices.SortFunc(o.Pending, func(a, b pendingReader) int { return byName(a.User, b.User) })
	return o, nil
}

// byName orders colleagues by name, capitals aside, then by id.
func byName(a, b person) int {
	return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.Id, b.Id))
}

// remind answers POST /api/buurtplein/posts/{id}/readers/remind and
// /wiki/{id}/readers/remind: every reader of the audience who has not
// confirmed gets a notification (kind mustread_reminder), at most once a
// calendar day per item, {"notified": n}.
func (p *plugin) remind(collection string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		s, err := p.overseen(e, collection)
		if err != nil {
			return err
		}
		sender, name := "", ""
		if !e.Auth.IsSuperuser() {
			sender, name = e.Auth.Id, e.Auth.GetString("name")
		}

		notified := 0
		err = e.App.RunInTransaction(func(txApp core.App) error {
			if at, err := p.remindedToday(txApp, s); err != nil {
				return err
			} else if at != "" {
				return hooks.Err(http.StatusTooManyRequests, "mustread_reminded_today", hooks.Params{"at": at},
					"Vandaag is er al een herinnering verstuurd. Morgen kan het weer.")
			}
			pending, err := s.pending(txApp, sender)
			if err != nil || len(pending) == 0 {
				return err
			}
			err = notifyAll(txApp, pending, notify.Notification{
				Kind:    notify.KindMustreadReminder,
				Subject: notify.Subject{Collection: s.collection(), Id: s.record.Id},
				Sender:  sender,
				Params:  map[string]any{"actor": name, "title": s.title()},
			})
			if err != nil {
				return err
			}
			notified = len(pending)
			return saveReminder(txApp, s, sender, notified)
		})
		if err != nil {
			return err
		}
		return e.JSON(http.StatusOK, map[string]any{"notified": notified})
	}
}

// overseen returns the subject of the route's {id} when the caller may
// oversee its readers: a 404 for what the caller may not read (as the
// record API answers), a 400 for what is not must-read, a 403 for a
// reader outside the audience's team (or, for every employee, outside
// BOB).
func (p *plugin) overseen(e *core.RequestEvent, collection string) (subject, error) {
	s, err := findSubject(e.App, collection, e.Request.PathValue("id"))
	if err != nil {
		return subject{}, err
	}
	info, err := e.RequestInfo()
	if err != nil {
		return subject{}, err
	}
	if ok, err := e.App.CanAccessRecord(s.record, info, s.record.Collection().ViewRule); err != nil {
		return subject{}, fmt.Errorf("may %s read %s: %w", e.Auth.Id, s.record.Id, err)
	} else if !ok {
		return subject{}, hooks.Err(http.StatusNotFound, "mustread_not_found", nil,
			"Dit bericht of deze pagina bestaat niet (meer).")
	}
	if !s.mustRead() {
		return subject{}, hooks.Err(http.StatusBadRequest, "mustread_not_must_read", nil,
			"Dit hoeft niet bevestigd te worden: het is niet (meer) verplicht om te lezen.")
	}
	if ok, err := mayOversee(e.App, e.Auth, s); err != nil {
		return subject{}, err
	} else if !ok {
		return subject{}, forbidden(s)
	}
	return s, nil
}

// remindedToday returns when s's readers were reminded today (in the
// plugin's time zone), or "".
func (p *plugin) remindedToday(app core.App, s subject) (string, error) {
	now := time.Now().In(p.config.Location)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, p.config.Location)
	since, err := types.ParseDateTime(midnight)
	if err != nil {
		return "", err
	}
	post, page := s.record.Id, ""
	if s.collection() == pagesCollection {
		post, page = "", s.record.Id
	}
	var at []string
	err = app.DB().Select("created").From(RemindersCollection).
		Where(dbx.HashExp{"post": post, "page": page}).
		AndWhere(dbx.NewExp("created >= {:since}", dbx.Params{"since": since.String()})).
		OrderBy("created DESC").Limit(1).Column(&at)
	if err != nil {
		return "", fmt.Errorf("the reminders of %s: %w", s.record.Id, err)
	}
	if len(at) == 0 {
		return "", nil
	}
	return at[0], nil
}

// saveReminder records that sender reminded n readers of s.
func saveReminder(app core.App, s subject, sender string, n int) error {
	c, err := app.FindCachedCollectionByNameOrId(RemindersCollection)
	if err != nil {
		return err
	}
	r := core.NewRecord(c)
	if s.collection() == pagesCollection {
		r.Set("page", s.record.Id)
	} else {
		r.Set("post", s.record.Id)
	}
	r.Set("sender", sender)
	r.Set("notified", n)
	if err := app.Save(r); err != nil {
		return fmt.Errorf("recording the reminder of %s: %w", s.record.Id, err)
	}
	return nil
}
