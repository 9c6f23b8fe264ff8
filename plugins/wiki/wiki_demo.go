package wiki

import (
	"database/sql"
	"errors"
	"fmt"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// demoWondzorg are the three revisions of the organisation's protocol
// "Wondzorg": the last is a must-read for Haarlem-Noord. The third adds,
// changes and drops words, as a protocol update does, so its diff shows
// each.
var demoWondzorg = []struct{ summary, body string }{
	{"Eerste versie", `Dit protocol beschrijft hoe we in de wijk wonden verzorgen.

## Voorbereiding
- Was je handen en desinfecteer ze.
- Leg de materialen klaar op een schone ondergrond.
- Vraag de cliënt naar pijn en naar veranderingen sinds het vorige bezoek.

## Verzorgen
- Verwijder het oude verband en bekijk de wond.
- Reinig de wond met kraanwater of fysiologisch zout.
- Breng het nieuwe verband aan volgens het wondzorgplan.

## Vastleggen
Noteer in het dossier hoe de wond eruitziet.`},
	{"Foto's en overleg met de wondverpleegkundige toegevoegd", `Dit protocol beschrijft hoe we in de wijk wonden verzorgen.

## Voorbereiding
- Was je handen en desinfecteer ze.
- Leg de materialen klaar op een schone ondergrond.
- Vraag de cliënt naar pijn en naar veranderingen sinds het vorige bezoek.

## Verzorgen
- Verwijder het oude verband en bekijk de wond.
- Reinig de wond met kraanwater of fysiologisch zout.
- Breng het nieuwe verband aan volgens het wondzorgplan.

## Vastleggen
Noteer in het dossier hoe de wond eruitziet, en maak elke week een foto met de liniaal ernaast.

## Overleg
Twijfel je, of geneest de wond na twee weken niet, overleg dan met de wondverpleegkundige.`},
	{"Nieuwe werkwijze: TIME-model en overleg binnen 24 uur bij infectie", `Dit protocol beschrijft hoe we in de wijk wonden verzorgen. Het geldt vanaf 1 december voor alle teams.

## Voorbereiding
- Was je handen en desinfecteer ze.
- Leg de materialen klaar op een schone ondergrond.
- Vraag de cliënt naar pijn, koorts en naar veranderingen sinds het vorige bezoek.

## Verzorgen
- Verwijder het oude verband en bekijk de wond volgens het TIME-model (weefsel, infectie, vocht, wondrand).
- Reinig de wond met lauw kraanwater; fysiologisch zout alleen op voorschrift.
- Breng het nieuwe verband aan volgens het wondzorgplan.

## Vastleggen
Noteer in het dossier hoe de wond eruitziet, en maak elke week een foto met de liniaal ernaast.

## Overleg
Zie je tekenen van infectie (roodheid, warmte, pus, koorts), overleg dan binnen 24 uur met de wondverpleegkundige en de huisarts. Geneest de wond na twee weken niet, overleg dan met de wondverpleegkundige.`},
}

// demoTeamPage is a page of Haarlem-Noord's demo wiki.
type demoTeamPage struct {
	slug, parent, title, body string
	shared                    bool
}

var demoTeamWiki = []demoTeamPage{
	{"werkafspraken", "", "Werkafspraken", `Wat we in Haarlem-Noord met elkaar hebben afgesproken.

- Elke maandag om 9:00 teamoverleg aan de keukentafel.
- Wie ziek is, belt vóór 7:00 de coördinator.
- Zie ook [[sleutels-en-codes]] en het protocol [[wondzorg]].`, false},
	{"sleutels-en-codes", "werkafspraken", "Sleutels en codes", `De codes van de sleutelkastjes staan niet in Buurtplein: vraag ze bij Anna.

- Zijlweg: kastje naast de voordeur.
- Rijksstraatweg: kastje in de hal, links.`, false},
	{"inwerken", "", "Inwerken van nieuwe collega's", `Een nieuwe collega loopt de eerste twee weken mee met een vaste maatje.

1. Dag 1: kennismaken met het team en de wijk.
2. Week 1: meelopen op de ochtendroute.
3. Week 2: zelf een route, met het maatje als achtervang.`, true},
}

// SeedDemo adds the demo wikis: the organisation's protocol "Wondzorg" with
// three revisions (the last a must-read for Haarlem-Noord) and
// Haarlem-Noord's team wiki. It needs the demo organisation of the teams
// plugin and adds only the pages that are not there yet.
func SeedDemo(app core.App) error {
	return app.RunInTransaction(func(txApp core.App) error {
		if err := seedWondzorg(txApp); err != nil {
			return err
		}
		return seedTeamWiki(txApp)
	})
}

func seedWondzorg(app core.App) error {
	if _, err := findPage(app, "", "wondzorg"); err == nil || !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	bo, err := app.FindAuthRecordByEmail(hooks.UsersCollection, "bo@buurtplein.test")
	if err != nil {
		return fmt.Errorf("demo author: %w", err)
	}
	haarlem, err := app.FindFirstRecordByData(hooks.TeamsCollection, "slug", "haarlem-noord")
	if err != nil {
		return fmt.Errorf("demo team: %w", err)
	}
	collection, err := app.FindCachedCollectionByNameOrId(PagesCollection)
	if err != nil {
		return err
	}
	page := core.NewRecord(collection)
	page.Set("slug", "wondzorg")
	page.Set("title", "Wondzorg")
	page.Set("protocol", true)
	for i, r := range demoWondzorg {
		page.Set("body", r.body)
		page.Set("summary", r.summary)
		if i == len(demoWondzorg)-1 {
			page.Set("must_read", true)
			page.Set("must_read_team", haarlem.Id)
		}
		if err := SaveAs(app, page, bo.Id); err != nil {
			return fmt.Errorf("demo page wondzorg, revision %d: %w", i+1, err)
		}
	}
	return nil
}

func seedTeamWiki(app core.App) error {
	haarlem, err := app.FindFirstRecordByData(hooks.TeamsCollection, "slug", "haarlem-noord")
	if err != nil {
		return fmt.Errorf("demo team: %w", err)
	}
	anna, err := app.FindAuthRecordByEmail(hooks.UsersCollection, "anna@buurtplein.test")
	if err != nil {
		return fmt.Errorf("demo author: %w", err)
	}
	collection, err := app.FindCachedCollectionByNameOrId(PagesCollection)
	if err != nil {
		return err
	}
	for _, d := range demoTeamWiki {
		_, err := findPage(app, haarlem.Id, d.slug)
		if err == nil {
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		page := core.NewRecord(collection)
		page.Set("team", haarlem.Id)
		page.Set("slug", d.slug)
		page.Set("title", d.title)
		page.Set("body", d.body)
		page.Set("shared", d.shared)
		if d.parent != "" {
			parent, err := findPage(app, haarlem.Id, d.parent)
			if err != nil {
				return fmt.Errorf("demo page %s, parent %s: %w", d.slug, d.parent, err)
			}
			page.Set("parent", parent.Id)
		}
		if err := SaveAs(app, page, anna.Id); err != nil {
			return fmt.Errorf("demo page %s: %w", d.slug, err)
		}
	}
	return nil
}

// findPage returns the page with slug in team's wiki ("" for the
// organisation's).
func findPage(app core.App, team, slug string) (*core.Record, error) {
	return app.FindFirstRecordByFilter(PagesCollection, "team = {:team} && slug = {:slug}",
		dbx.Params{"team": team, "slug": slug})
}
