package feed

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
)

type demoPost struct {
	team, author, kind, visibility, title, body string
	comments                                    []demoComment
}

type demoComment struct{ author, body string }

// demoPosts are keyed by title: a post whose title already exists is not
// seeded again.
var demoPosts = []demoPost{
	{"", "bo@buurtplein.test", "update", "organisation", "Welkom op Buurtplein",
		"Hier delen alle buurtteams hun nieuws. Vragen voor **BOB**? Stel ze gerust.\n\n- Updates van je eigen team zie je in je teamruimte\n- Wat voor iedereen is, staat hier",
		[]demoComment{{"eva@buurtplein.test", "Fijn, dank jullie wel!"}}},
	{"", "anna@buurtplein.test", "blog", "organisation", "Zo plannen wij zonder planner",
		"In Haarlem-Noord plannen we sinds een jaar zelf. Ons geheim: elke maandag **tien minuten** aan de keukentafel en één gedeeld bord.",
		nil},
	{"haarlem-noord", "anna@buurtplein.test", "update", "team", "Overdracht weekend",
		"Mevrouw K. krijgt vanaf zaterdag twee keer per dag bezoek. Zie het zorgplan.",
		[]demoComment{{"bram@buurtplein.test", "Ik neem zaterdagochtend."}}},
	{"haarlem-noord", "bram@buurtplein.test", "update", "team", "Sleutelkastje Zijlweg",
		"De code van het sleutelkastje bij de Zijlweg is gewijzigd; vraag hem bij Anna.",
		nil},
	{"schalkwijk", "carla@buurtplein.test", "update", "team", "Teamoverleg donderdag",
		"Donderdag om 13:00 teamoverleg in het buurthuis. Agenda-punten graag hieronder.",
		[]demoComment{{"dirk@buurtplein.test", "Punt: nieuwe wondzorgprotocol."}}},
	{"schalkwijk", "dirk@buurtplein.test", "blog", "organisation", "Wat wij leerden van de griepgolf",
		"Drie tips uit Schalkwijk: plan ruimte, bel elkaar vaker en vraag BOB om posters op tijd.",
		nil},
	{"heemstede", "eva@buurtplein.test", "update", "team", "Nieuwe collega",
		"Vanaf volgende week versterkt Sanne ons team. Welkom!",
		nil},
	{"haarlem-noord", "anna@buurtplein.test", "update", "team", "Bereikbaarheid en vervanging",
		"Ben je ziek of kun je een bezoek niet halen? Bel vóór 7:30 de dienstdoende collega (zie de planning) en zet het in de teamapp. **Nooit alleen appen.**",
		nil},
}

// demoPinned are the titles of the demo posts seeded pinned on top of
// their feed (a new post only: unpinning it stays).
var demoPinned = []string{"Bereikbaarheid en vervanging"}

// SeedDemo adds demo posts and comments to each team feed and to the
// organisation feed, one of Haarlem-Noord's pinned on top of its feed. It
// needs the demo organisation of the teams plugin and adds only posts whose
// title is not there yet.
func SeedDemo(app core.App) error {
	return app.RunInTransaction(func(txApp core.App) error {
		for _, d := range demoPosts {
			if err := seedPost(txApp, d); err != nil {
				return err
			}
		}
		return nil
	})
}

func seedPost(app core.App, d demoPost) error {
	_, err := app.FindFirstRecordByData("posts", "title", d.title)
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("looking up demo post %q: %w", d.title, err)
	}

	author, err := app.FindAuthRecordByEmail(hooks.UsersCollection, d.author)
	if err != nil {
		return fmt.Errorf("demo author %s: %w", d.author, err)
	}

	posts, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		return err
	}
	post := core.NewRecord(posts)
	if d.team != "" {
		team, err := app.FindFirstRecordByData(hooks.TeamsCollection, "slug", d.team)
		if err != nil {
			return fmt.Errorf("demo team %s: %w", d.team, err)
		}
		post.Set("team", team.Id)
	}
	post.Set("author", author.Id)
	post.Set("kind", d.kind)
	post.Set("visibility", d.visibility)
	post.Set("title", d.title)
	post.Set("body", d.body)
	post.Set("pinned", slices.Contains(demoPinned, d.title))
	if err := app.Save(post); err != nil {
		return fmt.Errorf("creating demo post %q: %w", d.title, err)
	}

	for _, c := range d.comments {
		if err := seedComment(app, post.Id, c); err != nil {
			return err
		}
	}
	return nil
}

func seedComment(app core.App, postId string, c demoComment) error {
	author, err := app.FindAuthRecordByEmail(hooks.UsersCollection, c.author)
	if err != nil {
		return fmt.Errorf("demo author %s: %w", c.author, err)
	}
	comments, err := app.FindCollectionByNameOrId("comments")
	if err != nil {
		return err
	}
	comment := core.NewRecord(comments)
	comment.Set("post", postId)
	comment.Set("author", author.Id)
	comment.Set("body", c.body)
	if err := app.Save(comment); err != nil {
		return fmt.Errorf("creating a demo comment: %w", err)
	}
	return nil
}
