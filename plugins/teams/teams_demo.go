package teams

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "buurtplein-demo"

// DemoMembershipAge is how long ago the demo memberships were made.
const DemoMembershipAge = 30 * 24 * time.Hour

// DemoSuperuser is the e-mail address of the demo organisation's IT account.
const DemoSuperuser = "it@buurtplein.test"

// DemoTeam is a team of the demo organisation.
type DemoTeam struct {
	Slug, Name, Kind, Area, Description string
}

// DemoMember is a demo account and its memberships (team slug → role).
// Phone and ContactEmail are how colleagues reach the person (the
// directory's tap to call and to mail).
type DemoMember struct {
	Email, Name, Discipline string
	Teams                   map[string]string
	Phone, ContactEmail     string
}

// DemoTeams are the teams of the demo organisation.
var DemoTeams = []DemoTeam{
	{"haarlem-noord", "Buurtteam Haarlem-Noord", hooks.TeamKindBuurtteam, "Haarlem-Noord", "Wijkverpleging en thuiszorg in Haarlem-Noord."},
	{"schalkwijk", "Buurtteam Schalkwijk", hooks.TeamKindBuurtteam, "Schalkwijk", "Wijkverpleging en thuiszorg in Schalkwijk."},
	{"heemstede", "Buurtteam Heemstede", hooks.TeamKindBuurtteam, "Heemstede", "Wijkverpleging en thuiszorg in Heemstede."},
	{"bob", "BOB", hooks.TeamKindBOB, "", "Buurt Ondersteunend Bureau: vragen, advies en drukwerk."},
}

// DemoMembers are the accounts of the demo organisation.
var DemoMembers = []DemoMember{
	{"anna@buurtplein.test", "Anna de Vries", "wijkverpleegkundige", map[string]string{"haarlem-noord": hooks.RoleCoordinator}, "+31 6 1234 5601", "anna.devries@buurtplein.test"},
	{"bram@buurtplein.test", "Bram Jansen", "verzorgende IG", map[string]string{"haarlem-noord": hooks.RoleMember}, "+31 6 1234 5602", "bram.jansen@buurtplein.test"},
	{"carla@buurtplein.test", "Carla Bakker", "wijkverpleegkundige", map[string]string{"schalkwijk": hooks.RoleMember}, "+31 6 1234 5603", "carla.bakker@buurtplein.test"},
	{"dirk@buurtplein.test", "Dirk Visser", "verpleegkundige", map[string]string{"haarlem-noord": hooks.RoleMember, "schalkwijk": hooks.RoleMember}, "", "dirk.visser@buurtplein.test"},
	{"eva@buurtplein.test", "Eva Smit", "wijkverpleegkundige", map[string]string{"heemstede": hooks.RoleCoordinator}, "+31 23 555 0105", ""},
	{"bo@buurtplein.test", "Bo Meijer", "medewerker BOB", map[string]string{"bob": hooks.RoleMember}, "+31 23 555 0106", "bob@buurtplein.test"},
}

// SeedDemo creates the demo organisation: its teams, accounts, memberships
// and IT superuser. It adds only what is missing, so it is safe to run on
// every start, and it leaves changes made since the first seed alone.
func SeedDemo(app core.App) error {
	return app.RunInTransaction(func(txApp core.App) error {
		teamIds := map[string]string{}
		for _, t := range DemoTeams {
			team, err := seedTeam(txApp, t)
			if err != nil {
				return err
			}
			teamIds[t.Slug] = team.Id
		}

		for _, m := range DemoMembers {
			user, err := seedUser(txApp, m)
			if err != nil {
				return err
			}
			for slug, role := range m.Teams {
				if err := seedMembership(txApp, teamIds[slug], user.Id, role); err != nil {
					return err
				}
			}
		}

		return seedSuperuser(txApp)
	})
}

func seedTeam(app core.App, t DemoTeam) (*core.Record, error) {
	team, err := app.FindFirstRecordByData(hooks.TeamsCollection, "slug", t.Slug)
	if err == nil {
		return team, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("looking up demo team %s: %w", t.Slug, err)
	}

	collection, err := app.FindCollectionByNameOrId(hooks.TeamsCollection)
	if err != nil {
		return nil, err
	}
	team = core.NewRecord(collection)
	team.Set("slug", t.Slug)
	team.Set("name", t.Name)
	team.Set("kind", t.Kind)
	team.Set("area", t.Area)
	team.Set("description", t.Description)
	if err := app.Save(team); err != nil {
		return nil, fmt.Errorf("creating demo team %s: %w", t.Slug, err)
	}
	return team, nil
}

func seedUser(app core.App, m DemoMember) (*core.Record, error) {
	user, err := app.FindAuthRecordByEmail(hooks.UsersCollection, m.Email)
	if err == nil {
		return user, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("looking up demo user %s: %w", m.Email, err)
	}

	collection, err := app.FindCollectionByNameOrId(hooks.UsersCollection)
	if err != nil {
		return nil, err
	}
	user = core.NewRecord(collection)
	user.SetEmail(m.Email)
	user.SetVerified(true)
	user.SetPassword(DemoPassword)
	user.Set("name", m.Name)
	user.Set("discipline", m.Discipline)
	user.Set("phone", m.Phone)
	user.Set("contact_email", m.ContactEmail)
	user.Set("locale", "nl")
	if err := app.Save(user); err != nil {
		return nil, fmt.Errorf("creating demo user %s: %w", m.Email, err)
	}
	return user, nil
}

func seedMembership(app core.App, teamId, userId, role string) error {
	_, err := app.FindFirstRecordByFilter(hooks.MembershipsCollection,
		"team = {:team} && user = {:user}", dbx.Params{"team": teamId, "user": userId})
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("looking up a demo membership: %w", err)
	}

	collection, err := app.FindCollectionByNameOrId(hooks.MembershipsCollection)
	if err != nil {
		return err
	}
	membership := core.NewRecord(collection)
	membership.Set("team", teamId)
	membership.Set("user", userId)
	membership.Set("role", role)
	// the demo organisation has worked together for a while: its
	// coordinators may block their members at once (see plugins/sessions)
	membership.SetRaw("created", types.NowDateTime().Add(-DemoMembershipAge))
	if err := app.Save(membership); err != nil {
		return fmt.Errorf("creating a demo membership: %w", err)
	}
	return nil
}

func seedSuperuser(app core.App) error {
	_, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, DemoSuperuser)
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("looking up the demo superuser: %w", err)
	}

	collection, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	su := core.NewRecord(collection)
	su.SetEmail(DemoSuperuser)
	su.SetPassword(DemoPassword)
	if err := app.Save(su); err != nil {
		return fmt.Errorf("creating the demo superuser: %w", err)
	}
	return nil
}
