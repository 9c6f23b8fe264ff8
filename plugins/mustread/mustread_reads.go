package mustread

import (
	"net/http"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// confirm holds every new confirmation, on every path (the record API,
// a batch, the dashboard), to what the reads collection means: one post
// or one page that is must-read, confirmed by someone it asks, once per
// revision. It sets the revision itself: the page's current one, 0 for a
// post. The reader's open must-read notifications about it are settled.
//
// The create rule has already let only the reader's own confirmation of
// something they may read through, so these answers tell them nothing
// they could not read.
func (p *plugin) confirm(e *core.RecordEvent) error {
	read := e.Record
	if read.GetString("user") == "" {
		return e.Next() // the validation's: the reader is required
	}
	post, page := read.GetString("post"), read.GetString("page")
	if (post == "") == (page == "") {
		return hooks.Err(http.StatusBadRequest, "mustread_one_subject", nil,
			"Bevestig één bericht of één pagina tegelijk.")
	}
	collection, id := postsCollection, post
	if page != "" {
		collection, id = pagesCollection, page
	}
	s, err := findSubject(e.App, collection, id)
	if err != nil {
		return err
	}
	if !s.mustRead() {
		return hooks.Err(http.StatusBadRequest, "mustread_not_must_read", nil,
			"Dit hoeft niet bevestigd te worden: het is niet (meer) verplicht om te lezen.")
	}
	read.Set("revision", s.revision)

	reader := read.GetString("user")
	if asked, err := s.asks(e.App, reader); err != nil {
		return err
	} else if !asked {
		return hooks.Err(http.StatusBadRequest, "mustread_not_asked", nil,
			"Dit hoef jij niet te bevestigen: het is gevraagd aan een ander team.")
	}
	if done, err := s.confirmedBy(e.App, reader); err != nil {
		return err
	} else if done {
		return hooks.Err(http.StatusBadRequest, "mustread_already_confirmed", hooks.Params{"revision": s.revision},
			"Je hebt dit al bevestigd. Na een nieuwe versie vragen we het je opnieuw.")
	}

	if err := e.Next(); err != nil {
		return err
	}
	return notify.Settle(e.App, dbx.And(
		dbx.HashExp{"subject": id, "subject_collection": collection, "user": reader},
		dbx.In("kind", string(notify.KindMustreadNew), string(notify.KindMustreadReminder)),
	))
}

// confirmAsMe makes a confirmation sent without its user the caller's
// own: {"post": id} is all a reader needs to send. The create rule lets
// an employee leave it out and nobody name another.
func confirmAsMe(e *core.RecordRequestEvent) error {
	if e.Record.GetString("user") == "" && e.Auth != nil && e.Auth.Collection().Name == hooks.UsersCollection {
		e.Record.Set("user", e.Auth.Id)
	}
	return e.Next()
}

// readTopics puts a confirmation on its reader's topic and on the topic
// of the team that oversees its audience: the audience's team, or BOB for
// every employee.
func readTopics(app core.App, read *core.Record) ([]string, error) {
	topics := []string{hooks.UserTopic(read.GetString("user"))}
	collection, id := postsCollection, read.GetString("post")
	if id == "" {
		collection, id = pagesCollection, read.GetString("page")
	}
	record, err := app.FindRecordById(collection, id)
	if err != nil {
		// a post deleted with its confirmations: its team's members
		// learn of it from the post's own event
		return topics, nil
	}
	s := subjectOf(record)
	if s.alsoTeam != "" {
		// a page of a team's own wiki asked of another team: some of
		// either team may not read it, so only its reader hears of it
		return topics, nil
	}
	if s.team != "" {
		return append(topics, hooks.TeamTopic(s.team)), nil
	}
	bob, err := bobTeams(app)
	if err != nil {
		return nil, err
	}
	for _, team := range bob {
		topics = append(topics, hooks.TeamTopic(team))
	}
	return topics, nil
}

// bobTeams returns the ids of the teams of kind "bob".
func bobTeams(app core.App) ([]string, error) {
	ids := []string{}
	err := app.DB().Select("id").From(hooks.TeamsCollection).
		Where(dbx.HashExp{"kind": hooks.TeamKindBOB}).Column(&ids)
	return ids, err
}

// mayOversee reports whether auth may see who has confirmed s and remind
// who has not: a member of the audience's team, BOB staff for every
// employee, IT always.
func mayOversee(app core.App, auth *core.Record, s subject) (bool, error) {
	if auth.IsSuperuser() {
		return true, nil
	}
	if s.team == "" {
		return hooks.IsBOBStaff(app, auth.Id)
	}
	return hooks.IsMember(app, auth.Id, s.team)
}

// forbidden is the answer to someone who may read an item but not see who
// confirmed it.
func forbidden(s subject) error {
	if s.team == "" {
		return hooks.Err(http.StatusForbidden, "mustread_readers_bob_only", nil,
			"Wie iets voor de hele organisatie heeft bevestigd, zien alleen de medewerkers van BOB.")
	}
	return hooks.Err(http.StatusForbidden, "mustread_readers_team_only", nil,
		"Wie dit heeft bevestigd, zien alleen de leden van het team aan wie het gevraagd is.")
}
