package authz_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"buurtplein/plugins"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// superuserId stands for IT in the oracle: a superuser reads everything.
const superuserId = "*superuser*"

// oracle knows, from the database alone, which records a user may read:
// the design's rules written out in Go, apart from the API rules they are
// checked against. A change to who may read what changes both.
type oracle struct {
	app   core.App
	users map[string]string // role -> user id

	mu     sync.Mutex
	cache  map[string]bool   // "user collection id" -> readable
	idColl map[string]string // record id -> its collection, "" for no record
}

// oracleCollections are the collections the oracle looks record ids up in:
// every plugin's (plugins.All) and the superusers.
var oracleCollections = append(plugins.Collections(), core.CollectionNameSuperusers)

func newOracle(app core.App, users map[string]string) *oracle {
	return &oracle{app: app, users: users, cache: map[string]bool{}, idColl: map[string]string{}}
}

// readable reports whether user ("" for no one signed in) may read the
// record of collection with id. Records it does not know of are readable
// by IT only, so a new collection fails the matrix until it is added here.
func (o *oracle) readable(user, collection, id string) bool {
	if user == superuserId {
		return true
	}
	if user == "" {
		return false
	}

	key := user + " " + collection + " " + id
	o.mu.Lock()
	v, ok := o.cache[key]
	o.mu.Unlock()
	if ok {
		return v
	}
	v = o.decide(user, collection, id)
	o.mu.Lock()
	o.cache[key] = v
	o.mu.Unlock()
	return v
}

// decide is the design's "who may read what" (docs: DESIGN.md, "Who may do
// what"): the directory is every employee's, team content its team's,
// organisation-wide posts everyone's, a notification its user's.
func (o *oracle) decide(user, collection, id string) bool {
	r, err := o.app.FindRecordById(collection, id)
	if err != nil {
		return false
	}
	switch collection {
	case "users", "teams", "memberships", "organisation_settings":
		return true
	case "posts":
		return r.GetString("team") == "" || r.GetString("visibility") == "organisation" || o.member(user, r.GetString("team"))
	case "comments":
		return o.readable(user, "posts", r.GetString("post"))
	case "tasks":
		return o.member(user, r.GetString("team"))
	case "task_transfers":
		// the task's team, the sender and the receivers see an offer
		return o.member(user, o.teamOfTask(r.GetString("task"))) ||
			r.GetString("from_user") == user || r.GetString("to_user") == user ||
			(r.GetString("to_team") != "" && o.member(user, r.GetString("to_team")))
	case "task_events":
		return o.member(user, o.teamOfTask(r.GetString("task")))
	case "notifications", "push_subscriptions":
		return r.GetString("user") == user
	case "reads":
		// a confirmation is its reader's, and the overseers' of its
		// audience: the audience's team, BOB for every employee
		return r.GetString("user") == user || o.oversees(user, r)
	case "mustread_reminders":
		return false
	case "wiki_pages":
		return r.GetString("team") == "" || r.GetBool("shared") || o.member(user, r.GetString("team"))
	case "wiki_revisions":
		return o.readable(user, "wiki_pages", r.GetString("page"))
	// bob: questions desk. BOB staff read every question and reply;
	// the asking team its questions and their public replies
	case "questions":
		return o.bobStaff(user) || o.member(user, r.GetString("team"))
	case "question_replies":
		return o.bobStaff(user) || (!r.GetBool("internal") && o.readable(user, "questions", r.GetString("question")))
	case "saved_replies":
		return o.bobStaff(user)
	case "products", "orders", "order_events":
		return o.decideOrders(user, r)
	// chat: every employee sees the organisation channels (to join
	// them); a channel's messages are its members' alone, a read state
	// its reader's, and in a direct or group chat its members'
	case "channels":
		return r.GetString("kind") == "organisation" || o.inChannel(user, r)
	case "messages":
		channel, err := o.app.FindRecordById("channels", r.GetString("channel"))
		return err == nil && o.inChannel(user, channel)
	// regie: client data and a team's process are the team's alone (BOB
	// staff are members of no buurtteam); the access log is read in the
	// dashboard only
	case "process_templates", "clients", "referrals", "conversations", "plans", "case_steps":
		return o.member(user, r.GetString("team"))
	case "access_log":
		return false
	case "channel_reads":
		if r.GetString("user") == user {
			return true
		}
		channel, err := o.app.FindRecordById("channels", r.GetString("channel"))
		return err == nil && (channel.GetString("kind") == "direct" || channel.GetString("kind") == "group") && o.inChannel(user, channel)
	}
	return false
}

// inChannel reports whether user is a member of channel: of its team, of
// those who joined an organisation channel, or listed on a direct or
// group chat.
func (o *oracle) inChannel(user string, channel *core.Record) bool {
	switch channel.GetString("kind") {
	case "team":
		return o.member(user, channel.GetString("team"))
	case "organisation":
		var n int
		err := o.app.DB().Select("count(*)").From("channel_reads").
			Where(dbx.HashExp{"channel": channel.Id, "user": user}).Row(&n)
		return err == nil && n > 0
	}
	return slices.Contains(channel.GetStringSlice("members"), user)
}

// bobStaff reports whether user is a member of a team of kind bob.
func (o *oracle) bobStaff(user string) bool {
	var n int
	err := o.app.DB().NewQuery(`SELECT count(*) FROM memberships m JOIN teams t ON t.id = m.team
		WHERE m.user = {:user} AND t.kind = 'bob'`).Bind(dbx.Params{"user": user}).Row(&n)
	return err == nil && n > 0
}

// oversees reports whether user may see who confirmed what read confirms:
// a member of the team a must-read post or page asks, BOB staff when it
// asks every employee.
func (o *oracle) oversees(user string, read *core.Record) bool {
	var team string
	if post, err := o.app.FindRecordById("posts", read.GetString("post")); err == nil {
		if post.GetString("team") != "" && post.GetString("visibility") != "organisation" {
			team = post.GetString("team")
		}
	} else if page, err := o.app.FindRecordById("wiki_pages", read.GetString("page")); err == nil {
		team = page.GetString("must_read_team")
		if team == "" && page.GetString("team") != "" && !page.GetBool("shared") {
			team = page.GetString("team")
		}
	} else {
		return false
	}
	if team != "" {
		return o.member(user, team)
	}
	var n int
	err := o.app.DB().NewQuery(`SELECT count(*) FROM memberships m JOIN teams t ON t.id = m.team
		WHERE m.user = {:user} AND t.kind = 'bob'`).Bind(dbx.Params{"user": user}).Row(&n)
	return err == nil && n > 0
}

func (o *oracle) member(user, team string) bool {
	var n int
	err := o.app.DB().Select("count(*)").From("memberships").
		Where(dbx.HashExp{"user": user, "team": team}).Row(&n)
	return err == nil && n > 0
}

func (o *oracle) teamOfTask(taskId string) string {
	var team string
	_ = o.app.DB().Select("team").From("tasks").Where(dbx.HashExp{"id": taskId}).Row(&team)
	return team
}

// idPattern matches a record id: 15 lower-case letters and digits.
var idPattern = regexp.MustCompile(`\b[a-z0-9]{15}\b`)

// leaks returns what body shows role that it may not read: every record
// in it (at any depth, expanded ones too) must be readable, and no id of
// an unreadable record may appear anywhere, except as a value a readable
// record holds (a relation, a link): an offer shows its receiver the id of
// the task behind it, not the task.
func (o *oracle) leaks(role string, body []byte) []string {
	user := o.users[role]
	var problems []string
	var held []string // values that readable records hold

	var doc any
	if json.Unmarshal(body, &doc) == nil {
		walkRecords(doc, func(collection, id string, fields map[string]any) {
			if !o.readable(user, collection, id) {
				problems = append(problems, fmt.Sprintf("a %s record it may not read (%s)", collection, id))
				return
			}
			for k, v := range fields {
				if k != "id" && k != "expand" {
					held = appendStrings(held, v)
				}
			}
		})
	}

	seen := map[string]bool{}
	for _, match := range idPattern.FindAll(body, -1) {
		id := string(match)
		if seen[id] {
			continue
		}
		seen[id] = true
		collection := o.collectionOf(id)
		if collection == "" || o.readable(user, collection, id) {
			continue
		}
		if slices.ContainsFunc(held, func(s string) bool { return strings.Contains(s, id) }) {
			continue
		}
		problems = append(problems, fmt.Sprintf("the id of a %s record it may not read (%s)", collection, id))
	}
	slices.Sort(problems)
	return slices.Compact(problems)
}

// collectionOf returns the collection of the record with id, or "".
func (o *oracle) collectionOf(id string) string {
	o.mu.Lock()
	c, ok := o.idColl[id]
	o.mu.Unlock()
	if ok {
		return c
	}
	for _, name := range oracleCollections {
		if _, err := o.app.FindRecordById(name, id); err == nil {
			c = name
			break
		}
	}
	o.mu.Lock()
	o.idColl[id] = c
	o.mu.Unlock()
	return c
}

// walkRecords calls fn for every serialized record in doc: an object with
// a collectionName and an id.
func walkRecords(doc any, fn func(collection, id string, fields map[string]any)) {
	switch v := doc.(type) {
	case map[string]any:
		collection, _ := v["collectionName"].(string)
		id, _ := v["id"].(string)
		if collection != "" && id != "" {
			fn(collection, id, v)
		}
		for _, child := range v {
			walkRecords(child, fn)
		}
	case []any:
		for _, child := range v {
			walkRecords(child, fn)
		}
	}
}

// containsRecord reports whether body holds the record with id as a
// serialized record (not merely as a relation value).
func containsRecord(body []byte, id string) bool {
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return false
	}
	found := false
	walkRecords(doc, func(_, recordId string, _ map[string]any) {
		if recordId == id {
			found = true
		}
	})
	return found
}

func appendStrings(out []string, v any) []string {
	switch v := v.(type) {
	case string:
		return append(out, v)
	case []any:
		for _, item := range v {
			out = appendStrings(out, item)
		}
	}
	return out
}
