package mustread

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The collections whose records can be must-read.
const (
	postsCollection = "posts"
	pagesCollection = "wiki_pages"
)

// subject is a post or page that may be must-read, with its audience:
// who is asked to confirm it.
type subject struct {
	record *core.Record

	// revision is what a confirmation confirms: the page's current
	// revision, 0 for a post.
	revision int

	// team is the audience's team; "" for every employee.
	team string

	// alsoTeam is set for a page of a team's own wiki asked of another
	// team: only who is in both may read and confirm it. The wiki never
	// lets such a page be must-read (see subjectOf); this holds for one
	// written past it all the same.
	alsoTeam string
}

// subjectOf returns the subject of a record of posts or wiki_pages.
//
// A post asks its team (team visibility) or every employee (organisation
// visibility). A page asks its must_read_team, or every employee when that
// is empty: the wiki (plugins/wiki) keeps must_read to the protocols of
// the organisation's wiki, which every employee reads. A must-read page of
// a team's wiki, which only a write past the wiki's hooks makes, is
// defensively held to who may read it: its team, or who is in both teams.
func subjectOf(record *core.Record) subject {
	s := subject{record: record}
	if record.Collection().Name == postsCollection {
		if record.GetString("team") != "" && record.GetString("visibility") != "organisation" {
			s.team = record.GetString("team")
		}
		return s
	}

	s.revision = record.GetInt("revision")
	readers := ""
	if record.GetString("team") != "" && !record.GetBool("shared") {
		readers = record.GetString("team")
	}
	s.team = record.GetString("must_read_team")
	switch {
	case s.team == "":
		s.team = readers
	case readers != "" && readers != s.team:
		s.alsoTeam = readers
	}
	return s
}

// mustRead reports whether the subject asks for confirmations at all.
func (s subject) mustRead() bool { return s.record.GetBool("must_read") }

// collection returns "posts" or "wiki_pages".
func (s subject) collection() string { return s.record.Collection().Name }

// title returns what the PWA shows of it.
func (s subject) title() string { return s.record.GetString("title") }

// readsOf returns the condition on reads r that holds for a confirmation
// of the subject at its current revision, with its parameters.
//
// NB! The unary + keeps SQLite from the (page, revision) index for a
// post's confirmations: an empty page at revision 0 is what every
// confirmation of every post has; the post's own index finds a few.
func (s subject) readsOf() (string, dbx.Params) {
	if s.collection() == postsCollection {
		return `r.post = {:subjectPost} AND +r.page = '' AND +r.revision = 0`, dbx.Params{"subjectPost": s.record.Id}
	}
	return `r.page = {:subjectPage} AND r.revision = {:subjectRevision} AND +r.post = ''`,
		dbx.Params{"subjectPage": s.record.Id, "subjectRevision": s.revision}
}

// audience returns the condition on users u that holds for the members of
// the audience: employees in the audience's team (or in any team, for
// every employee) whose account is not blocked. A former member is in no
// team of it, so in no audience.
func (s subject) audience() (string, dbx.Params) {
	cond := `u.disabled = FALSE`
	params := dbx.Params{}
	if s.team == "" {
		// a scan of the users with a look-up each: driving it from the
		// memberships instead looked every user up by id, twice the time
		cond += ` AND EXISTS (SELECT 1 FROM {{memberships}} m WHERE m.[[user]] = u.id)`
	} else {
		cond += ` AND u.id IN (SELECT m.[[user]] FROM {{memberships}} m WHERE m.team = {:audienceTeam})`
		params["audienceTeam"] = s.team
	}
	if s.alsoTeam != "" {
		cond += ` AND u.id IN (SELECT m.[[user]] FROM {{memberships}} m WHERE m.team = {:audienceAlso})`
		params["audienceAlso"] = s.alsoTeam
	}
	return cond, params
}

// asks reports whether user is in the subject's audience.
func (s subject) asks(app core.App, user string) (bool, error) {
	cond, params := s.audience()
	params["asked"] = user
	var n int
	err := app.DB().NewQuery(`SELECT COUNT(*) FROM {{users}} u WHERE u.id = {:asked} AND ` + cond).Bind(params).Row(&n)
	if err != nil {
		return false, fmt.Errorf("is %s asked to confirm %s: %w", user, s.record.Id, err)
	}
	return n > 0, nil
}

// confirmedBy reports whether user confirmed the subject's current
// revision.
func (s subject) confirmedBy(app core.App, user string) (bool, error) {
	cond, params := s.readsOf()
	params["reader"] = user
	var n int
	err := app.DB().NewQuery(`SELECT COUNT(*) FROM {{reads}} r WHERE r.[[user]] = {:reader} AND ` + cond).Bind(params).Row(&n)
	if err != nil {
		return false, fmt.Errorf("has %s confirmed %s: %w", user, s.record.Id, err)
	}
	return n > 0, nil
}

// pending returns the ids of the audience who have not confirmed the
// subject's current revision, but for except: the audience and the
// confirmations read once each (see readersOf).
func (s subject) pending(app core.App, except string) ([]string, error) {
	reads, params := s.readsOf()
	var done []string
	err := app.DB().NewQuery(`SELECT r.[[user]] FROM {{reads}} r WHERE ` + reads).Bind(params).Column(&done)
	if err != nil {
		return nil, fmt.Errorf("who confirmed %s: %w", s.record.Id, err)
	}
	confirmed := make(map[string]bool, len(done)+1)
	for _, user := range done {
		confirmed[user] = true
	}
	confirmed[except] = true

	audience, params := s.audience()
	var ids []string
	if err := app.DB().NewQuery(`SELECT u.id FROM {{users}} u WHERE ` + audience).Bind(params).Column(&ids); err != nil {
		return nil, fmt.Errorf("who is asked to confirm %s: %w", s.record.Id, err)
	}
	return slices.DeleteFunc(ids, func(id string) bool { return confirmed[id] }), nil
}

// maxIdLength is the longest id a record can have (PocketBase's own are
// 15 characters).
const maxIdLength = 100

// findSubject returns the subject of the record of collection with id, or
// a 404 when there is none.
func findSubject(app core.App, collection, id string) (subject, error) {
	var record *core.Record
	err := sql.ErrNoRows
	if id != "" && len(id) <= maxIdLength {
		record, err = app.FindRecordById(collection, id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return subject{}, hooks.Err(http.StatusNotFound, "mustread_not_found", nil,
			"Dit bericht of deze pagina bestaat niet (meer).")
	}
	if err != nil {
		return subject{}, fmt.Errorf("finding %s %s: %w", collection, id, err)
	}
	return subjectOf(record), nil
}
