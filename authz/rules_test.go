package authz_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/ganigeorgiev/fexpr"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// directory are collections that reach the teams collection but are no
// team data: who is in which team is no secret, the directory shows it.
var directory = map[string]bool{hooks.MembershipsCollection: true}

// orgWide are the conditions under which a collection's records are the
// whole organisation's by design (DESIGN.md: organisation-wide content is
// readable by every signed-in user): a path of a read rule that holds one
// of them needs no membership check.
var orgWide = map[string][]atom{
	"posts":    {{"team", "=", ""}, {"visibility", "=", "organisation"}},
	"comments": {{"post.team", "=", ""}, {"post.visibility", "=", "organisation"}},
	// the organisation's wiki, and a team's page shared with everyone
	"wiki_pages":     {{"team", "=", ""}, {"shared", "=", "true"}},
	"wiki_revisions": {{"page.team", "=", ""}, {"page.shared", "=", "true"}},
	// the organisation channels, which every employee may join (not
	// their messages)
	"channels": {{"kind", "=", "organisation"}},
}

// atom is a condition "field op value" of a rule, with a text value (or
// true, a bool field's).
type atom struct{ field, op, value string }

// TestRules checks the API rules of every collection of a migrated app.
// A collection that holds team data (a relation path leads from it to the
// teams collection) or that the filter guard scopes must:
//   - check, on each path of its list and view rules that grants access, a
//     membership of the signed-in user (hooks.MemberOf, hooks.CoordinatorOf)
//     or that the record is the user's own (= @request.auth.id), unless the
//     path is one of orgWide's;
//   - not check a membership against an optional relation without checking
//     that it is set: an employee in no team passes such a check;
//   - keep every file field protected;
//   - be marked with hooks.GuardScoped, so no client filter reaches it
//     through a back-relation.
func TestRules(t *testing.T) {
	app := testapp.New(t)

	collections, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	var checked []string
	for _, c := range collections {
		if c.System || !mustBeScoped(app, c) {
			continue
		}
		checked = append(checked, c.Name)
		for _, problem := range ruleProblems(app, c) {
			t.Errorf("%s: %s", c.Name, problem)
		}
	}

	// the checker must see the team data we know of
	for _, name := range []string{"posts", "comments", "tasks", "task_transfers", "task_events", "notifications"} {
		if !slices.Contains(checked, name) {
			t.Errorf("%s was not checked as team data; checked %v", name, checked)
		}
	}
}

// TestRulesCheckerFails breaks rules of collections in memory and checks
// that the checker notices each.
func TestRulesCheckerFails(t *testing.T) {
	app := testapp.New(t)
	teams, err := app.FindCollectionByNameOrId(hooks.TeamsCollection)
	if err != nil {
		t.Fatal(err)
	}

	breaks := []struct {
		name, collection, want string
		breakIt                func(c *core.Collection)
	}{
		{"tasks for every signed-in user", "tasks", "without a membership", func(c *core.Collection) {
			c.ListRule = types.Pointer(hooks.SignedIn)
		}},
		{"tasks for everyone", "tasks", "open to everyone", func(c *core.Collection) {
			c.ViewRule = types.Pointer("")
		}},
		{"a membership check on one path only", "task_events", "without a membership", func(c *core.Collection) {
			c.ViewRule = types.Pointer(hooks.SignedIn + " && (" + hooks.MemberOf("task.team") + ` || kind = "created")`)
		}},
		{"a negated owner check", "notifications", "without a membership", func(c *core.Collection) {
			c.ListRule = types.Pointer(hooks.SignedIn + ` && user != @request.auth.id`)
		}},
		{"comments of every post", "comments", "without a membership", func(c *core.Collection) {
			c.ViewRule = types.Pointer(hooks.SignedIn + ` && (post.team = "" || author != "")`)
		}},
		{"an unguarded optional team", "task_transfers", "optional relation to_team", func(c *core.Collection) {
			c.ListRule = types.Pointer(hooks.SignedIn + " && (" + hooks.MemberOf("task.team") + " || " + hooks.MemberOf("to_team") + ")")
		}},
		{"messages of every joined channel", "messages", "without a membership", func(c *core.Collection) {
			c.ListRule = types.Pointer(hooks.SignedIn + ` && @request.auth.channel_reads_via_user.channel.kind ?= "organisation"`)
		}},
		{"questions for the members of any buurtteam", "questions", "without a membership", func(c *core.Collection) {
			c.ListRule = types.Pointer(hooks.SignedIn + ` && @request.auth.memberships_via_user.team.kind ?= "buurtteam"`)
		}},
		{"unprotected post images", "posts", "not protected", func(c *core.Collection) {
			c.Fields.GetByName("images").(*core.FileField).Protected = false
		}},
	}
	for _, b := range breaks {
		t.Run(b.name, func(t *testing.T) {
			c, err := app.FindCollectionByNameOrId(b.collection)
			if err != nil {
				t.Fatal(err)
			}
			if problems := ruleProblems(app, c); len(problems) > 0 {
				t.Fatalf("%s has problems before it is broken: %v", c.Name, problems)
			}
			b.breakIt(c)
			wantProblem(t, ruleProblems(app, c), b.want)
		})
	}

	// a new collection with client data, two relations away from teams,
	// not scoped, with an open rule and an unprotected file
	t.Run("a new collection", func(t *testing.T) {
		clients := core.NewBaseCollection("clients")
		clients.Id = "authzclients000"
		clients.Fields.Add(&core.RelationField{Name: "team", CollectionId: teams.Id, MaxSelect: 1, Required: true})
		notes := core.NewBaseCollection("client_notes")
		notes.Fields.Add(
			&core.RelationField{Name: "client", CollectionId: clients.Id, MaxSelect: 1, Required: true},
			&core.FileField{Name: "attachment", MaxSelect: 1},
		)
		notes.ListRule = types.Pointer(hooks.SignedIn)
		lookup := func(id string) *core.Collection {
			if id == clients.Id {
				return clients
			}
			c, _ := app.FindCachedCollectionByNameOrId(id)
			return c
		}
		if !reachesTeams(lookup, notes) {
			t.Fatal("client_notes is not seen as team data")
		}
		problems := ruleProblemsWith(app, lookup, notes)
		for _, want := range []string{"without a membership", "not protected", "GuardScoped"} {
			wantProblem(t, problems, want)
		}
	})
}

func wantProblem(t *testing.T, problems []string, want string) {
	t.Helper()
	for _, p := range problems {
		if strings.Contains(p, want) {
			return
		}
	}
	t.Errorf("the checker did not report %q; it reported %v", want, problems)
}

// mustBeScoped reports whether c holds team data or is scoped by the
// filter guard, and is no part of the directory.
func mustBeScoped(app core.App, c *core.Collection) bool {
	if directory[c.Name] {
		return false
	}
	lookup := func(id string) *core.Collection {
		found, _ := app.FindCachedCollectionByNameOrId(id)
		return found
	}
	return hooks.IsScoped(app, c.Name) || reachesTeams(lookup, c)
}

// reachesTeams reports whether a path of relations leads from c to the
// teams collection.
func reachesTeams(lookup func(id string) *core.Collection, c *core.Collection) bool {
	seen := map[string]bool{}
	var walk func(c *core.Collection) bool
	walk = func(c *core.Collection) bool {
		if c == nil || seen[c.Id] {
			return false
		}
		seen[c.Id] = true
		for _, f := range c.Fields {
			rel, ok := f.(*core.RelationField)
			if !ok {
				continue
			}
			target := lookup(rel.CollectionId)
			if target != nil && target.Name == hooks.TeamsCollection {
				return true
			}
			if walk(target) {
				return true
			}
		}
		return false
	}
	return c.Name != hooks.TeamsCollection && walk(c)
}

// ruleProblems returns what is wrong with the read rules, files and
// scoping of c, which must be scoped.
func ruleProblems(app core.App, c *core.Collection) []string {
	return ruleProblemsWith(app, func(id string) *core.Collection {
		found, _ := app.FindCachedCollectionByNameOrId(id)
		return found
	}, c)
}

func ruleProblemsWith(app core.App, lookup func(id string) *core.Collection, c *core.Collection) []string {
	var problems []string
	for _, r := range []struct {
		name string
		rule *string
	}{{"list rule", c.ListRule}, {"view rule", c.ViewRule}} {
		if r.rule == nil {
			continue // superusers only
		}
		for _, p := range readRuleProblems(lookup, c, *r.rule) {
			problems = append(problems, r.name+" "+p)
		}
	}
	for _, f := range c.Fields {
		if file, ok := f.(*core.FileField); ok && !file.Protected {
			problems = append(problems, fmt.Sprintf("file field %s is not protected: anyone with its address downloads it", f.GetName()))
		}
	}
	if !hooks.IsScoped(app, c.Name) {
		problems = append(problems, "not marked with hooks.GuardScoped: a client filter could look into it through a back-relation")
	}
	return problems
}

// readRuleProblems checks one list or view rule path by path: rule is
// written as a disjunction of conjunctions, and each conjunction that can
// grant access must hold a membership check, an owner check or an
// organisation-wide condition.
func readRuleProblems(lookup func(id string) *core.Collection, c *core.Collection, rule string) []string {
	if strings.TrimSpace(rule) == "" {
		return []string{"is open to everyone, also without signing in"}
	}
	groups, err := fexpr.Parse(rule)
	if err != nil {
		return []string{fmt.Sprintf("does not parse: %v", err)}
	}
	paths := disjunction(groups)

	var problems []string
	for _, path := range paths {
		if !slices.ContainsFunc(path, func(e fexpr.Expr) bool {
			return membershipField(e) != "" || isOwnerCheck(e) || isOwnRowsCheck(e) || isBOBStaffCheck(e) || slices.Contains(orgWide[c.Name], atomOf(e))
		}) {
			problems = append(problems, fmt.Sprintf("grants access without a membership or owner check: %s", describePath(path)))
		}
		for _, e := range path {
			field := membershipField(e)
			if field == "" || !optionalRelation(lookup, c, field) {
				continue
			}
			set := atom{field, "!=", ""}
			empty := atom{field, "=", ""}
			guarded := slices.ContainsFunc(path, func(e fexpr.Expr) bool { return atomOf(e) == set }) ||
				slices.ContainsFunc(paths, func(p []fexpr.Expr) bool {
					return slices.ContainsFunc(p, func(e fexpr.Expr) bool { return atomOf(e) == empty })
				})
			if !guarded {
				problems = append(problems, fmt.Sprintf("checks a membership on the optional relation %s without %s != \"\": an employee in no team passes it on every record where it is empty", field, field))
			}
		}
	}
	return problems
}

// disjunction writes groups as paths (conjunctions) of which any one
// grants access. PocketBase joins a rule's parts in SQL, where && binds
// before ||.
func disjunction(groups []fexpr.ExprGroup) [][]fexpr.Expr {
	var done [][]fexpr.Expr
	current := [][]fexpr.Expr{{}}
	for i, g := range groups {
		var item [][]fexpr.Expr
		switch v := g.Item.(type) {
		case fexpr.Expr:
			item = [][]fexpr.Expr{{v}}
		case fexpr.ExprGroup:
			item = disjunction([]fexpr.ExprGroup{v})
		case []fexpr.ExprGroup:
			item = disjunction(v)
		}
		if i > 0 && g.Join == fexpr.JoinOr {
			done = append(done, current...)
			current = item
			continue
		}
		var next [][]fexpr.Expr
		for _, a := range current {
			for _, b := range item {
				next = append(next, append(slices.Clone(a), b...))
			}
		}
		current = next
	}
	return append(done, current...)
}

const authMemberships = "@request.auth.memberships_via_user."

// membershipField returns the record field a membership check compares
// the signed-in user's teams with ("team" in
// @request.auth.memberships_via_user.team ?= team), or "".
func membershipField(e fexpr.Expr) string {
	if e.Op != fexpr.SignEq && e.Op != fexpr.SignAnyEq {
		return ""
	}
	for _, pair := range [][2]fexpr.Token{{e.Left, e.Right}, {e.Right, e.Left}} {
		auth, field := pair[0], pair[1]
		if auth.Type == fexpr.TokenIdentifier && auth.Literal == authMemberships+"team" &&
			field.Type == fexpr.TokenIdentifier && !strings.HasPrefix(field.Literal, "@") {
			return field.Literal
		}
	}
	return ""
}

// isOwnerCheck reports whether e compares a field of the record with the
// signed-in user's id.
func isOwnerCheck(e fexpr.Expr) bool {
	if e.Op != fexpr.SignEq && e.Op != fexpr.SignAnyEq {
		return false
	}
	for _, pair := range [][2]fexpr.Token{{e.Left, e.Right}, {e.Right, e.Left}} {
		auth, field := pair[0], pair[1]
		if auth.Type == fexpr.TokenIdentifier && auth.Literal == "@request.auth.id" &&
			field.Type == fexpr.TokenIdentifier && !strings.HasPrefix(field.Literal, "@") {
			return true
		}
	}
	return false
}

// isOwnRowsCheck reports whether e compares a field of the record with
// what the signed-in user's own rows of another collection name
// (@request.auth.channel_reads_via_user.channel ?= channel: the channels
// the user joined).
func isOwnRowsCheck(e fexpr.Expr) bool {
	if e.Op != fexpr.SignEq && e.Op != fexpr.SignAnyEq {
		return false
	}
	for _, pair := range [][2]fexpr.Token{{e.Left, e.Right}, {e.Right, e.Left}} {
		auth, field := pair[0], pair[1]
		rest, ok := strings.CutPrefix(auth.Literal, "@request.auth.")
		if auth.Type == fexpr.TokenIdentifier && ok && strings.Count(rest, ".") == 1 && strings.Contains(rest, "_via_user.") &&
			!strings.HasPrefix(rest, "memberships_via_user.") &&
			field.Type == fexpr.TokenIdentifier && !strings.HasPrefix(field.Literal, "@") {
			return true
		}
	}
	return false
}

// isBOBStaffCheck reports whether e holds for BOB staff alone (a member
// of a team of kind "bob"), who read every team's questions and orders by
// design (DESIGN.md).
func isBOBStaffCheck(e fexpr.Expr) bool {
	if e.Op != fexpr.SignEq && e.Op != fexpr.SignAnyEq {
		return false
	}
	for _, pair := range [][2]fexpr.Token{{e.Left, e.Right}, {e.Right, e.Left}} {
		auth, value := pair[0], pair[1]
		if auth.Type == fexpr.TokenIdentifier && auth.Literal == authMemberships+"team.kind" &&
			value.Type == fexpr.TokenText && value.Literal == hooks.TeamKindBOB {
			return true
		}
	}
	return false
}

// atomOf returns e as "field op text", or the zero atom when e compares
// anything else.
func atomOf(e fexpr.Expr) atom {
	isTrue := e.Right.Type == fexpr.TokenIdentifier && e.Right.Literal == "true"
	if e.Left.Type != fexpr.TokenIdentifier || (e.Right.Type != fexpr.TokenText && !isTrue) {
		return atom{}
	}
	return atom{e.Left.Literal, string(e.Op), e.Right.Literal}
}

// optionalRelation reports whether the field path (from c) ends in a
// relation that may be empty.
func optionalRelation(lookup func(id string) *core.Collection, c *core.Collection, path string) bool {
	current := c
	parts := strings.Split(path, ".")
	for i, part := range parts {
		rel, ok := current.Fields.GetByName(part).(*core.RelationField)
		if !ok {
			return false
		}
		if i == len(parts)-1 {
			return !rel.Required
		}
		if current = lookup(rel.CollectionId); current == nil {
			return false
		}
	}
	return false
}

func describePath(path []fexpr.Expr) string {
	parts := make([]string, len(path))
	for i, e := range path {
		parts[i] = fmt.Sprintf("%s %s %s", literal(e.Left), e.Op, literal(e.Right))
	}
	return strings.Join(parts, " && ")
}

func literal(t fexpr.Token) string {
	if t.Type == fexpr.TokenText {
		return fmt.Sprintf("%q", t.Literal)
	}
	return t.Literal
}
