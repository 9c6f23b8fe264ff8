package loadtest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Request classes, each with its p95 target.
const (
	classRead  = "read"
	classWrite = "write"
)

// kind is one kind of request, as the report counts them. The cost phase
// sends a kind alone (see loadtest_cost.go): ready prepares what its
// request needs, once per virtual user, and may send other kinds (nil:
// nothing to prepare; false: this virtual user cannot send the kind);
// one sends a single request of it, or reports false when the virtual
// user has nothing left to send it about.
type kind struct {
	name, class, what string
	ready, one        func(v *vu) bool
}

// kinds are the requests the mix sends, in the order the report lists
// them. Each is a request the PWA sends, with the same query.
var kinds = []kind{
	{"feed_team", classRead, "team feed, page 1: 20 posts, author and team expanded, no total",
		nil, func(v *vu) bool { v.feedPage("feed_team", teamFeed(v)); return true }},
	{"feed_org", classRead, "organisation feed, page 1, the same way",
		nil, func(v *vu) bool { v.feedPage("feed_org", orgFeed(v)); return true }},
	{"feed_comments", classRead, "the comments on the 20 posts of a feed page, in one request",
		seesPosts, always((*vu).feedComments)},
	{"comment_create", classWrite, "a comment on a post just read",
		seesPosts, always((*vu).createComment)},
	{"post_create", classWrite, "a post for the team (one in ten for the organisation), multipart",
		nil, always((*vu).post)},
	{"board", classRead, "the team's open and in-progress tasks, all at once (getFullList), assignee expanded",
		nil, always((*vu).openBoard)},
	{"my_tasks", classRead, "my open and in-progress tasks, by due date, team and assignee expanded",
		nil, always((*vu).myTasks)},
	{"my_offers", classRead, "the handovers I offered that wait for an answer",
		nil, always((*vu).myOffers)},
	{"offers_to_me", classRead, "the handovers offered to me or my teams",
		nil, always((*vu).offersToMe)},
	{"task_view", classRead, "one task, team, assignee and creator expanded",
		hasTasks, func(v *vu) bool { v.taskView(v.someTask()); return true }},
	{"task_history", classRead, "that task's history, actor expanded",
		hasTasks, func(v *vu) bool { v.taskHistory(v.someTask()); return true }},
	{"task_update", classWrite, "a task of my team one step on: open to in progress, in progress to done",
		hasTasks, func(v *vu) bool {
			ok := hasTasks(v)
			if ok {
				v.moveOn()
			}
			return ok
		}},
	{"notifications", classRead, "my latest 50 notifications",
		nil, always((*vu).openNotifications)},
	{"unread", classRead, "the unread count behind the bell (ids of up to 100 unread)",
		nil, always((*vu).countUnread)},
	{"directory", classRead, "the directory, a page of 30 employees by name",
		nil, func(v *vu) bool { v.directoryPage(); return true }},
	{"directory_teams", classRead, "the teams of those 30, team expanded",
		seesPeople, always((*vu).directoryTeams)},
	{"auth_refresh", classRead, "a token refresh, as the PWA does when it opens",
		nil, always((*vu).refresh)},
	{"sign_in", classWrite, "a sign-in with email and password (bcrypt)",
		nil, always((*vu).signIn)},
	{"chat_channels", classRead, "my chat channels with unread counts and last messages (bare: the channels by the record API)",
		nil, always((*vu).chatChannels)},
	{"chat_messages", classRead, "the latest 50 messages of my team's channel, as the PWA asks them: from the page route (bare: the record API), author and reply expanded",
		nil, always((*vu).chatMessages)},
	{"chat_send", classWrite, "a message into my team's channel, its id picked by the client",
		nil, always((*vu).chatSend)},
}

// always is a kind's one that can always send.
func always(send func(v *vu)) func(v *vu) bool {
	return func(v *vu) bool { send(v); return true }
}

// seesPosts makes sure the virtual user has seen posts, reading its team
// feed if it has not.
func seesPosts(v *vu) bool {
	if len(v.seen) == 0 {
		v.feedPage("feed_team", teamFeed(v))
	}
	return len(v.seen) > 0
}

func hasTasks(v *vu) bool { return len(v.tasks) > 0 }

// seesPeople reads directory pages until one has people: a small
// organisation has fewer pages than the three the mix picks from.
func seesPeople(v *vu) bool {
	for range 5 {
		if v.directoryPage() && len(v.people) > 0 {
			return true
		}
	}
	return false
}

// classOf returns the class of the kind named name.
func classOf(name string) string {
	for _, k := range kinds {
		if k.name == name {
			return k.class
		}
	}
	panic("loadtest: unknown kind " + name)
}

// action is one thing an employee does in the app, as one or more
// requests; weight is its share of the mix.
type action struct {
	name   string
	weight float64
	run    func(v *vu)
}

// mix is what the virtual users do, each action picked by weight after a
// pause to think. Later features add their actions (and kinds) here.
var mix = []action{
	{"read the team feed", 22, (*vu).readTeamFeed},
	{"read the organisation feed", 10, (*vu).readOrgFeed},
	{"comment", 5, (*vu).comment},
	{"post", 1, (*vu).post},
	{"open the team board", 9, (*vu).openBoard},
	{"open my tasks", 9, (*vu).openMyTasks},
	{"open a task", 7, (*vu).openTask},
	{"move a task on", 6, (*vu).moveTask},
	{"open the notifications", 7, (*vu).openNotifications},
	{"count unread notifications", 12, (*vu).countUnread},
	{"browse the directory", 6, (*vu).browseDirectory},
	{"open the app (token refresh)", 5.5, (*vu).refresh},
	{"sign in", 0.5, (*vu).signIn},
	{"open the chat", 6, (*vu).openChat},
	{"send a chat message", 3, (*vu).chatSend},
}

// records is the path of collection's records.
func records(collection string) string { return "/api/collections/" + collection + "/records" }

// list is the query of a list request; fullList is getFullList's (one page
// of up to 1,000).
func list(page, perPage int, params ...string) string {
	q := url.Values{"page": {fmt.Sprint(page)}, "perPage": {fmt.Sprint(perPage)}, "skipTotal": {"1"}}
	for i := 0; i+1 < len(params); i += 2 {
		if params[i+1] != "" {
			q.Set(params[i], params[i+1])
		}
	}
	return "?" + q.Encode()
}

func fullList(params ...string) string { return list(1, 1000, params...) }

// quote is a filter literal, as the SDK's pb.filter writes it.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// anyOf is "field = a || field = b ..." for ids.
func anyOf(field string, ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = field + " = " + quote(id)
	}
	return strings.Join(parts, " || ")
}

const activeStatus = `(status = "open" || status = "in_progress")`

func (v *vu) readTeamFeed() {
	v.readFeed("feed_team", teamFeed(v))
}

func (v *vu) readOrgFeed() {
	v.readFeed("feed_org", orgFeed(v))
}

func teamFeed(v *vu) string { return "team = " + quote(v.team()) }
func orgFeed(*vu) string    { return `visibility = "organisation"` }

// readFeed reads a feed page and the comments on its posts, as the feed
// screen does; the posts are what a comment may answer next.
func (v *vu) readFeed(kind, filter string) {
	if v.feedPage(kind, filter) && len(v.seen) > 0 {
		v.feedComments()
	}
}

// feedPage reads page 1 of a feed; its posts become the ones seen.
func (v *vu) feedPage(kind, filter string) bool {
	var page struct{ Items []struct{ Id string } }
	if !v.get(kind, records("posts")+list(1, 20, "filter", filter, "sort", "-created,-id", "expand", "author,team"), &page) {
		return false
	}
	v.seen = v.seen[:0]
	for _, p := range page.Items {
		v.seen = append(v.seen, p.Id)
	}
	return true
}

// feedComments reads the comments on the posts seen.
func (v *vu) feedComments() {
	v.get("feed_comments", records("comments")+fullList("filter", anyOf("post", v.seen), "sort", "created,id", "expand", "author"), nil)
}

func (v *vu) comment() {
	if len(v.seen) == 0 {
		v.readTeamFeed()
		return
	}
	v.createComment()
}

// createComment comments on one of the posts seen.
func (v *vu) createComment() {
	post := v.seen[v.rng.IntN(len(v.seen))]
	v.send("comment_create", http.MethodPost, records("comments")+"?expand=author", jsonBody(map[string]any{
		"post": post, "author": v.acc.id, "body": "Dank je, ik pak het op.",
	}))
}

func (v *vu) post() {
	visibility := "team"
	if v.rng.IntN(10) == 0 {
		visibility = "organisation"
	}
	v.send("post_create", http.MethodPost, records("posts")+"?expand=author,team", multipartBody(map[string]string{
		"team": v.team(), "author": v.acc.id, "kind": "update", "title": "Rooster volgende week",
		"body": "Wie kan donderdag de avonddienst overnemen? Laat het even weten.", "visibility": visibility,
	}))
}

func (v *vu) openBoard() {
	// the first page, as the PWA's board asks it
	v.get("board", records("tasks")+list(1, 100, "filter", "team = "+quote(v.team())+" && active = true", "sort", "due,id", "expand", "assignee"), nil)
}

func (v *vu) openMyTasks() {
	v.myTasks()
	v.myOffers()
	v.offersToMe()
}

func (v *vu) myTasks() {
	v.get("my_tasks", records("tasks")+fullList("filter", "assignee = "+quote(v.acc.id)+" && "+activeStatus, "sort", "due,created", "expand", "team,assignee"), nil)
}

func (v *vu) myOffers() {
	v.get("my_offers", records("task_transfers")+fullList("filter", `status = "pending" && from_user = `+quote(v.acc.id), "expand", "to_user,to_team"), nil)
}

func (v *vu) offersToMe() {
	me := quote(v.acc.id)
	receivers := "to_user = " + me + " || " + anyOf("to_team", v.acc.teams)
	v.get("offers_to_me", records("task_transfers")+fullList("filter", `status = "pending" && from_user != `+me+" && ("+receivers+")",
		"sort", "created", "expand", "from_user,to_team,to_user"), nil)
}

func (v *vu) openTask() {
	if len(v.tasks) == 0 {
		v.openBoard()
		return
	}
	id := v.someTask()
	v.taskView(id)
	v.taskHistory(id)
}

// someTask is the id of one of the virtual user's tasks, which it must
// have.
func (v *vu) someTask() string { return v.tasks[v.rng.IntN(len(v.tasks))].id }

func (v *vu) taskView(id string) {
	v.get("task_view", records("tasks")+"/"+id+"?expand=team,assignee,created_by", nil)
}

func (v *vu) taskHistory(id string) {
	v.get("task_history", records("task_events")+list(1, 50, "filter", "task = "+quote(id), "sort", "-created,-id", "expand", "actor"), nil)
}

func (v *vu) moveTask() {
	if len(v.tasks) == 0 {
		v.openBoard()
		return
	}
	v.moveOn()
}

// moveOn takes one of the virtual user's tasks, which it must have, a
// step on; a finished one leaves its list.
func (v *vu) moveOn() {
	i := v.rng.IntN(len(v.tasks))
	task := &v.tasks[i]
	next := "in_progress"
	if task.status == "in_progress" {
		next = "done"
	}
	ok := v.send("task_update", http.MethodPatch, records("tasks")+"/"+task.id+"?expand=team,assignee,created_by",
		jsonBody(map[string]any{"status": next}))
	if !ok {
		return
	}
	task.status = next
	if next == "done" {
		v.tasks[i] = v.tasks[len(v.tasks)-1]
		v.tasks = v.tasks[:len(v.tasks)-1]
	}
}

func (v *vu) openNotifications() {
	v.get("notifications", records("notifications")+list(1, 50, "filter", "user = "+quote(v.acc.id), "sort", "-created,-id"), nil)
}

func (v *vu) countUnread() {
	v.get("unread", records("notifications")+list(1, 100, "filter", "user = "+quote(v.acc.id)+" && read = false", "fields", "id"), nil)
}

func (v *vu) browseDirectory() {
	if v.directoryPage() && len(v.people) > 0 {
		v.directoryTeams()
	}
}

// directoryPage reads a page of the directory; its employees become the
// people seen.
func (v *vu) directoryPage() bool {
	var page struct{ Items []struct{ Id string } }
	if !v.get("directory", records("users")+list(1+v.rng.IntN(3), 30, "sort", "name,id"), &page) {
		return false
	}
	v.people = v.people[:0]
	for _, u := range page.Items {
		v.people = append(v.people, u.Id)
	}
	return true
}

// directoryTeams reads the teams of the people seen.
func (v *vu) directoryTeams() {
	v.get("directory_teams", records("memberships")+fullList("filter", anyOf("user", v.people), "expand", "team"), nil)
}

func (v *vu) refresh() {
	v.send("auth_refresh", http.MethodPost, "/api/collections/users/auth-refresh", nil)
}

func (v *vu) signIn() {
	v.send("sign_in", http.MethodPost, "/api/collections/users/auth-with-password", jsonBody(map[string]any{
		"identity": v.acc.email, "password": Password,
	}))
}
