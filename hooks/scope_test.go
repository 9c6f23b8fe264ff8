package hooks_test

import (
	"os"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
)

func TestMain(m *testing.M) { os.Exit(testapp.Run(m)) }

func TestRoleAndMembership(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)

	haarlem := testapp.Id(t, app, "teams", "slug", "haarlem-noord")
	schalkwijk := testapp.Id(t, app, "teams", "slug", "schalkwijk")
	user := func(email string) string { return testapp.Id(t, app, "users", "email", email) }

	cases := []struct {
		email, team, role string
	}{
		{"anna@buurtplein.test", haarlem, hooks.RoleCoordinator},
		{"bram@buurtplein.test", haarlem, hooks.RoleMember},
		{"carla@buurtplein.test", haarlem, ""},
		{"dirk@buurtplein.test", schalkwijk, hooks.RoleMember},
		{"dirk@buurtplein.test", "", ""},
	}
	for _, c := range cases {
		role, err := hooks.Role(app, user(c.email), c.team)
		if err != nil || role != c.role {
			t.Errorf("Role(%s, %s) = %q, %v; want %q", c.email, c.team, role, err, c.role)
		}
		member, _ := hooks.IsMember(app, user(c.email), c.team)
		coordinator, _ := hooks.IsCoordinator(app, user(c.email), c.team)
		if member != (c.role != "") || coordinator != (c.role == hooks.RoleCoordinator) {
			t.Errorf("%s in %s: member %v, coordinator %v", c.email, c.team, member, coordinator)
		}
	}

	ids, err := hooks.TeamIds(app, user("dirk@buurtplein.test"))
	if err != nil || len(ids) != 2 {
		t.Errorf("dirk's teams: %v, %v; want 2", ids, err)
	}

	for email, want := range map[string]bool{"bo@buurtplein.test": true, "anna@buurtplein.test": false} {
		got, err := hooks.IsBOBStaff(app, user(email))
		if err != nil || got != want {
			t.Errorf("IsBOBStaff(%s) = %v, %v; want %v", email, got, err, want)
		}
	}
}
