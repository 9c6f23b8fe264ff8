// Package hooks holds the rules every Buurtplein feature shares: team scope
// (is a user a member of a team, with which role), the API rule fragments
// built from it, the guard that keeps client filters from reaching into
// other teams' data, and the helpers for errors a person can act on.
package hooks

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Collection and value names shared by the team-scope rules.
const (
	TeamsCollection       = "teams"
	MembershipsCollection = "memberships"
	UsersCollection       = "users"

	TeamKindBuurtteam = "buurtteam"
	TeamKindBOB       = "bob"

	RoleMember      = "member"
	RoleCoordinator = "coordinator"
)

// SignedIn is the API rule fragment that holds for any signed-in employee
// (an auth record of the users collection). Superusers bypass rules anyway.
const SignedIn = `@request.auth.collectionName = "users"`

// MemberOf returns an API rule fragment that holds when the signed-in user
// is a member of the team that teamField (a relation field or path of the
// record, such as "team" or "post.team"; "id" for a team itself) points at.
//
// It joins the signed-in user's own memberships, so each record is checked
// against a handful of rows. Joining all memberships (@collection) or the
// team's (team.memberships_via_team) costs far more: counting an
// organisation feed of 10,000 posts took 13 s and 0.45 s that way.
//
// New migrations hold what it returns written out; the first ones call it,
// and pb_migrations' TestSchemaGoldenSteps fails when a change to it would
// change what they make. A changed rule is a new migration.
func MemberOf(teamField string) string {
	return fmt.Sprintf(`%s.team ?= %s`, authMemberships, teamField)
}

// CoordinatorOf returns an API rule fragment that holds when the signed-in
// user is a coordinator of the team that teamField points at.
//
// Both conditions use the same join, so they hold for one memberships row.
func CoordinatorOf(teamField string) string {
	return fmt.Sprintf(`(%s.team ?= %s && %s.role ?= "%s")`, authMemberships, teamField, authMemberships, RoleCoordinator)
}

// authMemberships is the rule path to the signed-in user's memberships.
const authMemberships = "@request.auth.memberships_via_user"

// Role returns the role of userId in teamId, or "" when the user is not a
// member of that team.
func Role(app core.App, userId, teamId string) (string, error) {
	if userId == "" || teamId == "" {
		return "", nil
	}

	var role string
	err := app.DB().Select("role").
		From(MembershipsCollection).
		Where(dbx.HashExp{"user": userId, "team": teamId}).
		Limit(1).
		Row(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("looking up the role of %s in team %s: %w", userId, teamId, err)
	}

	return role, nil
}

// IsMember reports whether userId is a member (of any role) of teamId.
func IsMember(app core.App, userId, teamId string) (bool, error) {
	role, err := Role(app, userId, teamId)
	return role != "", err
}

// IsCoordinator reports whether userId is a coordinator of teamId.
func IsCoordinator(app core.App, userId, teamId string) (bool, error) {
	role, err := Role(app, userId, teamId)
	return role == RoleCoordinator, err
}

// TeamIds returns the ids of the teams userId is a member of.
func TeamIds(app core.App, userId string) ([]string, error) {
	ids := []string{}
	err := app.DB().Select("team").
		From(MembershipsCollection).
		Where(dbx.HashExp{"user": userId}).
		Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("listing the teams of %s: %w", userId, err)
	}
	return ids, nil
}

// IsBOBStaff reports whether userId is a member of a team of kind "bob".
func IsBOBStaff(app core.App, userId string) (bool, error) {
	var n int
	err := app.DB().Select("count(*)").
		From(MembershipsCollection+" m").
		InnerJoin(TeamsCollection+" t", dbx.NewExp("t.id = m.team")).
		Where(dbx.HashExp{"m.user": userId, "t.kind": TeamKindBOB}).
		Row(&n)
	if err != nil {
		return false, fmt.Errorf("checking whether %s is BOB staff: %w", userId, err)
	}
	return n > 0, nil
}
