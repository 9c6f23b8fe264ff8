package authz_test

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"
)

// kind is a kind of record the matrix names in its target column
// ("posts/own"): how to make one, and the bodies that create and change
// one. "own" is the owning team, Haarlem-Noord; "other" is Schalkwijk.
type kind struct {
	name string

	// make saves a new record of this kind. Reads and realtime cases look
	// at one shared record; a case that changes or deletes a record gets a
	// fresh one, so the cases leave each other alone. nil: the kind is a
	// fixed record (a demo account, a team) that cases change in place with
	// harmless updates and never delete.
	make func(t testing.TB, f *fixture) *core.Record

	// shared returns the shared record when make does not make it.
	shared func(t testing.TB, f *fixture) *core.Record

	// create returns the body of a new record of this kind, made in the
	// name of user me.
	create func(t testing.TB, f *fixture, me string) map[string]any

	// update is the body of an update, unless the matrix line gives one.
	update map[string]any

	// change changes the shared record on the server for the realtime
	// cases and returns the record the events are about; nil: the shared
	// record is saved as it is. (A wiki revision never changes: its page's
	// next save makes a new one.)
	change func(t testing.TB, f *fixture, shared *core.Record) *core.Record
}

func (k kind) collection() string {
	c, _, _ := strings.Cut(k.name, "/")
	return c
}

// kindByName returns the kind the matrix names.
func kindByName(name string) (kind, bool) {
	for _, k := range kinds {
		if k.name == name {
			return k, true
		}
	}
	return kind{}, false
}

// kinds are made in this order: later ones use the shared records of
// earlier ones.
var kinds = []kind{
	{
		name: "teams/own",
		shared: func(t testing.TB, f *fixture) *core.Record {
			return f.set(t, f.find(t, "teams", "slug", "haarlem-noord"), map[string]any{"logo": photo(t, "logo.png")})
		},
		update: map[string]any{"description": "Authz: bijgewerkt."},
	},
	{
		name:   "teams/other",
		shared: func(t testing.TB, f *fixture) *core.Record { return f.find(t, "teams", "slug", "schalkwijk") },
		update: map[string]any{"description": "Authz: bijgewerkt."},
	},
	{
		name: "teams/spare",
		make: func(t testing.TB, f *fixture) *core.Record {
			return f.save(t, "teams", map[string]any{"name": "Authz team", "slug": unique("authz-"), "kind": "buurtteam"})
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"name": "Authz team", "slug": unique("authz-"), "kind": "buurtteam"}
		},
		update: map[string]any{"description": "Authz: bijgewerkt."},
	},
	{
		// a new team whose coordinator is anna (coord)
		name: "teams/coordinated",
		make: func(t testing.TB, f *fixture) *core.Record {
			team := f.save(t, "teams", map[string]any{"name": "Authz team", "slug": unique("authz-"), "kind": "buurtteam"})
			f.save(t, "memberships", map[string]any{"team": team.Id, "user": f.user["anna"], "role": "coordinator"})
			return team
		},
		update: map[string]any{"description": "Authz: bijgewerkt."},
	},
	{
		name: "users/member",
		shared: func(t testing.TB, f *fixture) *core.Record {
			return f.set(t, f.find(t, "users", "id", f.user["bram"]), map[string]any{"avatar": photo(t, "bram.png")})
		},
		update: map[string]any{"discipline": "verzorgende IG"},
	},
	{
		name:   "users/other",
		shared: func(t testing.TB, f *fixture) *core.Record { return f.find(t, "users", "id", f.user["carla"]) },
		update: map[string]any{"discipline": "wijkverpleegkundige"},
	},
	{
		// an employee in no team
		name: "users/spare",
		make: func(t testing.TB, f *fixture) *core.Record { return f.newUser(t) },
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{
				"email": unique("authz-") + "@buurtplein.test", "password": "buurtplein-demo",
				"passwordConfirm": "buurtplein-demo", "name": unique("Authz Nieuw "),
			}
		},
		update: map[string]any{"name": "Authz Bijgewerkt"},
	},
	{
		// a colleague in the owning team
		name: "users/colleague",
		make: func(t testing.TB, f *fixture) *core.Record {
			u := f.newUser(t)
			f.save(t, "memberships", map[string]any{"team": f.team["haarlem-noord"], "user": u.Id, "role": "member"})
			return u
		},
		update: map[string]any{"name": "Authz Bijgewerkt"},
	},
	{
		// a colleague who joined the owning team two days ago: the
		// team's coordinator may block them (a fresh membership gives no
		// such power)
		name: "users/longtime",
		make: func(t testing.TB, f *fixture) *core.Record {
			u := f.newUser(t)
			c, err := f.app.FindCachedCollectionByNameOrId("memberships")
			if err != nil {
				t.Fatal(err)
			}
			m := core.NewRecord(c)
			m.Set("team", f.team["haarlem-noord"])
			m.Set("user", u.Id)
			m.Set("role", "member")
			m.SetRaw("created", types.NowDateTime().Add(-48*time.Hour))
			if err := f.app.Save(m); err != nil {
				t.Fatal(err)
			}
			return u
		},
		update: map[string]any{"discipline": "verzorgende"},
	},
	{
		// a blocked colleague in the owning team: listed only to IT and
		// the team's coordinators, still viewable (a post keeps its author)
		name: "users/blocked",
		make: func(t testing.TB, f *fixture) *core.Record {
			u := f.newUser(t)
			f.save(t, "memberships", map[string]any{"team": f.team["haarlem-noord"], "user": u.Id, "role": "member"})
			return f.set(t, u, map[string]any{"disabled": true})
		},
		update: map[string]any{"discipline": "verzorgende"},
	},
	{
		// the organisation's settings: one record, IT's to change
		name: "organisation_settings/org",
		shared: func(t testing.TB, f *fixture) *core.Record {
			return f.findWhere(t, "organisation_settings", "id != ''", nil)
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any { return map[string]any{"names_locked": false} },
		update: map[string]any{"names_locked": false},
	},
	{
		name: "memberships/own",
		shared: func(t testing.TB, f *fixture) *core.Record {
			return f.findWhere(t, "memberships", "user = {:user} && team = {:team}", dbx.Params{"user": f.user["bram"], "team": f.team["haarlem-noord"]})
		},
		make:   func(t testing.TB, f *fixture) *core.Record { return f.newMembership(t, "haarlem-noord") },
		create: func(t testing.TB, f *fixture, me string) map[string]any { return f.membershipBody(t, "haarlem-noord") },
		update: map[string]any{"role": "coordinator"},
	},
	{
		name: "memberships/other",
		shared: func(t testing.TB, f *fixture) *core.Record {
			return f.findWhere(t, "memberships", "user = {:user} && team = {:team}", dbx.Params{"user": f.user["carla"], "team": f.team["schalkwijk"]})
		},
		make:   func(t testing.TB, f *fixture) *core.Record { return f.newMembership(t, "schalkwijk") },
		create: func(t testing.TB, f *fixture, me string) map[string]any { return f.membershipBody(t, "schalkwijk") },
		update: map[string]any{"role": "coordinator"},
	},
	post("posts/own", "haarlem-noord", "bram", "team"),
	post("posts/other", "schalkwijk", "carla", "team"),
	post("posts/org", "", "carla", "organisation"),
	post("posts/shared", "haarlem-noord", "anna", "organisation"),
	post("posts/removed", "haarlem-noord", "fenna", "team"),
	comment("comments/own", "posts/own", "bram"),
	comment("comments/other", "posts/other", "carla"),
	comment("comments/org", "posts/org", "bram"),
	comment("comments/removed", "posts/own", "fenna"),
	// posts with a PDF attachment and no image (a file row downloads the
	// attachment), and posts and comments whose create body sends what
	// only the server writes (pinned, edited, the previous text)
	attached("posts/own-pdf", "haarlem-noord", "bram", "team"),
	attached("posts/org-pdf", "", "carla", "organisation"),
	forged(post("posts/own-forged-pin", "haarlem-noord", "bram", "team"), map[string]any{"pinned": true}),
	forged(post("posts/own-forged-edit", "haarlem-noord", "bram", "team"),
		map[string]any{"edited": "2020-01-01 10:00:00.000Z", "previous_title": "Authz: verzonnen", "previous_body": "Authz: verzonnen"}),
	forged(comment("comments/own-forged-edit", "posts/own", "bram"),
		map[string]any{"edited": "2020-01-01 10:00:00.000Z", "previous_body": "Authz: verzonnen"}),
	task("tasks/own", "haarlem-noord", "anna", "bram"),
	task("tasks/other", "schalkwijk", "carla", "carla"),
	task("tasks/bob", "bob", "bo", "bo"),
	task("tasks/removed", "haarlem-noord", "fenna", ""),
	task("tasks/open", "haarlem-noord", "anna", ""),
	task("tasks/open-other", "schalkwijk", "carla", ""),
	// the task behind task_transfers/to-other
	task("tasks/offered", "haarlem-noord", "anna", ""),
	offer("task_transfers/own", "haarlem-noord", "bram", "bram", "anna", "", "heemstede"),
	offer("task_transfers/other", "schalkwijk", "carla", "carla", "dirk", "", "heemstede"),
	offer("task_transfers/to-other", "haarlem-noord", "", "anna", "", "schalkwijk", ""),
	offer("task_transfers/removed", "haarlem-noord", "", "fenna", "bram", "", ""),
	event("task_events/own", "tasks/own", "anna"),
	event("task_events/other", "tasks/other", "carla"),
	notification("notifications/member", "bram", "tasks/own"),
	notification("notifications/other", "carla", "tasks/other"),
	// must-read posts and pages with their readers overview, and the
	// confirmations of them (plugins/mustread)
	mustReadTeamPost,
	mustReadOrgPost,
	mustReadPage("wiki_pages/mustread-own", "haarlem-noord"),
	mustReadPage("wiki_pages/mustread-org", ""),
	confirmation("reads/own", mustReadTeamPost, "bram"),
	confirmation("reads/org", mustReadOrgPost, "carla"),
	{
		name: "mustread_reminders/own",
		make: func(t testing.TB, f *fixture) *core.Record {
			return f.save(t, "mustread_reminders", map[string]any{"post": f.shared["posts/mustread"].Id, "sender": f.user["anna"], "notified": 2})
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"post": f.shared["posts/mustread"].Id, "sender": me, "notified": 1}
		},
		update: map[string]any{"notified": 3},
	},
	// the wiki: a page of the owning team's wiki, of another team's, of the
	// organisation's, and one the owning team shares with the
	// organisation; and the first revision of each
	wikiPage("wiki_pages/own", "haarlem-noord", "anna", false),
	wikiPage("wiki_pages/other", "schalkwijk", "carla", false),
	wikiPage("wiki_pages/org", "", "bo", false),
	wikiPage("wiki_pages/shared", "haarlem-noord", "anna", true),
	wikiRevision("wiki_revisions/own", "wiki_pages/own", "haarlem-noord", "anna", false),
	wikiRevision("wiki_revisions/other", "wiki_pages/other", "schalkwijk", "carla", false),
	wikiRevision("wiki_revisions/org", "wiki_pages/org", "", "bo", false),
	wikiRevision("wiki_revisions/shared", "wiki_pages/shared", "haarlem-noord", "anna", true),
	{
		name: "_superusers/it",
		shared: func(t testing.TB, f *fixture) *core.Record {
			return f.find(t, core.CollectionNameSuperusers, "email", "it@buurtplein.test")
		},
	},
}

// post is a kind of post in team (its slug, "" for the organisation feed)
// by author with visibility, with a photo on its protected images field.
func post(name, team, author, visibility string) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			return f.save(t, "posts", map[string]any{
				"team": f.team[team], "author": f.user[author], "kind": "update", "visibility": visibility,
				"title": "Authz " + name, "body": "Authz: een bericht.", "images": photo(t, "foto.png"),
			})
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{
				"team": f.team[team], "author": me, "kind": "update", "visibility": visibility,
				"title": "Authz nieuw", "body": "Authz: een nieuw bericht.",
			}
		},
		update: map[string]any{"body": "Authz: bijgewerkt."},
	}
}

// comment is a kind of comment by author on the shared post of kind post.
func comment(name, post, author string) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			return f.save(t, "comments", map[string]any{"post": f.shared[post].Id, "author": f.user[author], "body": "Authz: een reactie."})
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"post": f.shared[post].Id, "author": me, "body": "Authz: een nieuwe reactie."}
		},
		update: map[string]any{"body": "Authz: bijgewerkt."},
	}
}

// attached is a kind of post like [post] whose one file is a PDF on its
// protected attachments field.
func attached(name, team, author, visibility string) kind {
	k := post(name, team, author, visibility)
	k.make = func(t testing.TB, f *fixture) *core.Record {
		return f.save(t, "posts", map[string]any{
			"team": f.team[team], "author": f.user[author], "kind": "update", "visibility": visibility,
			"title": "Authz " + name, "body": "Authz: een bericht met een bijlage.", "attachments": pdf(t, "protocol.pdf"),
		})
	}
	return k
}

// forged is kind k whose create body also sends fields.
func forged(k kind, fields map[string]any) kind {
	create := k.create
	k.create = func(t testing.TB, f *fixture, me string) map[string]any {
		body := create(t, f, me)
		maps.Copy(body, fields)
		return body
	}
	return k
}

// pdf returns a small PDF file.
func pdf(t testing.TB, name string) *filesystem.File {
	t.Helper()
	file, err := filesystem.NewFileFromBytes([]byte("%PDF-1.4\ntrailer << >>\n%%EOF\n"), name)
	if err != nil {
		t.Fatal(err)
	}
	return file
}

// task is a kind of open task of team, made by creator, for assignee (""
// for the whole team).
func task(name, team, creator, assignee string) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record { return f.newTask(t, team, creator, assignee) },
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"team": f.team[team], "title": "Authz nieuwe taak", "created_by": me}
		},
		update: map[string]any{"description": "Authz: bijgewerkt."},
	}
}

// offer is a kind of pending handover of a new task of team (assigned to
// assignee) from from to toUser or toTeam. A new offer from the requester
// goes to createTo, another team.
func offer(name, team, assignee, from, toUser, toTeam, createTo string) kind {
	k := kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			return f.newOffer(t, f.newTask(t, team, from, assignee), from, toUser, toTeam)
		},
		update: map[string]any{"note": "Authz: bijgewerkt."},
	}
	if name == "task_transfers/to-other" {
		k.shared = func(t testing.TB, f *fixture) *core.Record {
			return f.newOffer(t, f.shared["tasks/offered"], from, toUser, toTeam)
		}
	}
	if createTo != "" {
		k.create = func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"task": f.newTask(t, team, from, "").Id, "from_user": me, "to_team": f.team[createTo], "note": "Authz: neem jij hem?"}
		}
	}
	return k
}

// event is a kind of history line of the shared task of kind task.
func event(name, task, actor string) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			return f.save(t, "task_events", map[string]any{"task": f.shared[task].Id, "actor": f.user[actor], "kind": "edited", "details": map[string]any{"authz": true}})
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"task": f.shared[task].Id, "actor": me, "kind": "edited"}
		},
		update: map[string]any{"details": map[string]any{"authz": "bijgewerkt"}},
	}
}

// notification is a kind of notification for user about the shared task of
// kind task.
func notification(name, user, task string) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			return f.save(t, "notifications", map[string]any{
				"user": f.user[user], "kind": "task_assigned", "params": map[string]any{"title": "Authz: een taak"},
				"subject": f.shared[task].Id, "subject_collection": "tasks",
			})
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"user": me, "kind": "task_assigned", "params": map[string]any{"title": "Authz: een nieuwe taak"}}
		},
		update: map[string]any{"read": true},
	}
}

// wikiPage is a kind of wiki page of team ("" for the organisation's wiki)
// by author, shared with the organisation or not, with an image attached.
func wikiPage(name, team, author string, shared bool) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record { return f.newWikiPage(t, team, author, shared) },
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			if team == "" {
				f.onlyOneBOB(t)
			}
			return map[string]any{"team": f.team[team], "slug": unique("authz-"), "title": "Authz nieuw", "body": "Authz: een nieuwe pagina."}
		},
		// a fresh page is at its first revision
		update: map[string]any{"revision": 1, "body": "Authz: bijgewerkt."},
	}
}

// wikiRevision is a kind of revision of a page like those of kind page
// (the first of a new one); a new one is created for the shared page of
// kind page. Its realtime change is the page's next revision.
func wikiRevision(name, page, team, author string, shared bool) kind {
	first := func(t testing.TB, f *fixture, page *core.Record) *core.Record {
		return f.findWhere(t, "wiki_revisions", "page = {:page} && revision = {:n}", dbx.Params{"page": page.Id, "n": page.GetInt("revision")})
	}
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			return first(t, f, f.newWikiPage(t, team, author, shared))
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"page": f.shared[page].Id, "revision": 99, "title": "Authz", "body": "Authz: vervalst.", "author": me}
		},
		update: map[string]any{"body": "Authz: vervalst."},
		change: func(t testing.TB, f *fixture, shared *core.Record) *core.Record {
			p := f.find(t, "wiki_pages", "id", shared.GetString("page"))
			return first(t, f, f.set(t, p, map[string]any{"body": unique("Authz: versie ")}))
		},
	}
}

func (f *fixture) newWikiPage(t testing.TB, team, author string, shared bool) *core.Record {
	t.Helper()
	if team == "" {
		f.onlyOneBOB(t)
	}
	return f.save(t, "wiki_pages", map[string]any{
		"team": f.team[team], "slug": unique("authz-"), "title": "Authz wikipagina", "body": "Authz: voor de matrix.",
		"shared": shared, "created_by": f.user[author], "updated_by": f.user[author], "attachments": photo(t, "kaart.png"),
	})
}

// onlyOneBOB turns a team of kind bob other than BOB itself back into a
// buurtteam: the case teams/coordinated update {"kind":"bob"} makes anna
// (coord) the coordinator of one, and with it BOB staff, who edit the
// organisation's wiki. Cases of the organisation's pages need the roles as
// the header describes them.
func (f *fixture) onlyOneBOB(t testing.TB) {
	t.Helper()
	teams, err := f.app.FindAllRecords("teams", dbx.HashExp{"kind": "bob"}, dbx.Not(dbx.HashExp{"id": f.team["bob"]}))
	if err != nil {
		t.Fatal(err)
	}
	for _, team := range teams {
		f.set(t, team, map[string]any{"kind": "buurtteam"})
	}
}

func (f *fixture) newUser(t testing.TB) *core.Record {
	t.Helper()
	return f.save(t, "users", map[string]any{
		"email": unique("authz-") + "@buurtplein.test", "password": "buurtplein-demo", "name": unique("Authz Collega "), "verified": true,
	})
}

func (f *fixture) newMembership(t testing.TB, team string) *core.Record {
	t.Helper()
	return f.save(t, "memberships", map[string]any{"team": f.team[team], "user": f.newUser(t).Id, "role": "member"})
}

// membershipBody returns the body that adds a new colleague to team.
func (f *fixture) membershipBody(t testing.TB, team string) map[string]any {
	t.Helper()
	return map[string]any{"team": f.team[team], "user": f.newUser(t).Id, "role": "member"}
}

func (f *fixture) newTask(t testing.TB, team, creator, assignee string) *core.Record {
	t.Helper()
	return f.save(t, "tasks", map[string]any{
		"team": f.team[team], "title": "Authz taak", "description": "Authz: voor de matrix.",
		"status": "open", "created_by": f.user[creator], "assignee": f.user[assignee],
	})
}

func (f *fixture) newOffer(t testing.TB, task *core.Record, from, toUser, toTeam string) *core.Record {
	t.Helper()
	return f.save(t, "task_transfers", map[string]any{
		"task": task.Id, "from_user": f.user[from], "to_user": f.user[toUser], "to_team": f.team[toTeam],
		"note": "Authz: neem jij hem?",
	})
}

// teamMembers are the demo accounts the distribute route hands a team's
// tasks to.
var teamMembers = map[string]string{"haarlem-noord": "bram", "schalkwijk": "carla", "heemstede": "eva", "bob": "bo"}

// routeBodies return the body of a custom route's request about target;
// a route without one gets an empty object.
var routeBodies = map[string]func(f *fixture, target *core.Record) map[string]any{
	"/api/buurtplein/tasks/distribute": func(f *fixture, target *core.Record) map[string]any {
		team := target.GetString("team")
		var member string
		for slug, id := range f.team {
			if id == team {
				member = f.user[teamMembers[slug]]
			}
		}
		return map[string]any{"team": team, "tasks": []string{target.Id}, "members": []string{member}}
	},
	"/api/buurtplein/tasks/handover": func(f *fixture, target *core.Record) map[string]any {
		return map[string]any{"to_user": target.Id, "note": "Authz: de overdracht."}
	},
	"/api/buurtplein/posts/{id}/pin": func(f *fixture, target *core.Record) map[string]any {
		// the pin route asks whether the caller is BOB staff; the write
		// case teams/coordinated update {"kind":"bob"} leaves anna (coord)
		// coordinating a team of kind bob, so the roles are put back as the
		// header defines them first: bo alone is BOB staff
		if _, err := f.app.DB().Update("teams", dbx.Params{"kind": "buurtteam"}, dbx.HashExp{"kind": "bob", "name": "Authz team"}).Execute(); err != nil {
			panic(fmt.Sprintf("restoring the matrix's teams of kind bob: %v", err))
		}
		return map[string]any{"pinned": true}
	},
	"/api/buurtplein/wiki/{id}/restore": func(f *fixture, target *core.Record) map[string]any {
		return map[string]any{"revision": 1}
	},
}

// The must-read posts: a Haarlem-Noord team post and an organisation post.
var (
	mustReadTeamPost = mustReadPost("posts/mustread", "haarlem-noord", "anna", "team")
	mustReadOrgPost  = mustReadPost("posts/mustread-org", "", "bo", "organisation")
)

// mustReadPost is a kind of must-read post in team (its slug, "" for the
// organisation feed) by author with visibility.
func mustReadPost(name, team, author, visibility string) kind {
	k := post(name, team, author, visibility)
	plain := k.make
	k.make = func(t testing.TB, f *fixture) *core.Record {
		if visibility == "organisation" {
			// BOB staff oversee it: the roles as the header has them
			f.onlyOneBOB(t)
		}
		return f.set(t, plain(t, f), map[string]any{"must_read": true})
	}
	return k
}

// mustReadPage is a kind of must-read protocol of the organisation's wiki
// (the only pages the wiki lets be must-read), asked of team (its slug)
// through must_read_team, or of every employee for "".
func mustReadPage(name, team string) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			// BOB staff write the organisation's wiki and oversee what asks
			// every employee: the roles as the header has them
			f.onlyOneBOB(t)
			return f.save(t, "wiki_pages", map[string]any{
				"slug": unique("authz-"), "title": "Authz " + name, "body": "Authz: lees en bevestig.",
				"protocol": true, "must_read": true, "must_read_team": f.team[team],
			})
		},
	}
}

// confirmation is a kind of confirmation by reader of a new must-read
// post of kind subject (one per post and reader: each needs its own).
func confirmation(name string, subject kind, reader string) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			return f.save(t, "reads", map[string]any{"post": subject.make(t, f).Id, "user": f.user[reader]})
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"post": subject.make(t, f).Id, "user": me}
		},
		update: map[string]any{"revision": 0},
	}
}
