package loadtest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	_ "buurtplein/pb_migrations"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Password is the password of every generated employee, for the sign-ins
// in the mix.
const Password = "buurtplein-load"

// Org is the size of a generated organisation. Volumes left zero scale with
// the teams and users (see [Org.withDefaults]).
type Org struct {
	Teams int // buurtteams
	Users int // employees, spread evenly over the teams

	Posts         int // team and organisation posts
	Comments      int // comments on them
	Tasks         int // tasks, with their handovers and history
	Notifications int // in-app notifications

	Messages       int // chat messages in the team channels (one in ten more in the organisation channel)
	ChannelMembers int // members of the organisation channel: the first employees
}

// withDefaults fills the volumes: for 150 teams of 20 that is 100,000
// posts (about one per team per working day over two and a half years, one
// in ten for the whole organisation), two comments per post, 2,000 tasks per
// team (some 30% still open, as in BenchmarkTasks), 50 notifications per
// employee, 500 chat messages per team channel and an organisation channel
// of up to 2,000 members.
func (o Org) withDefaults() Org {
	if o.Posts == 0 {
		o.Posts = o.Teams * 2000 / 3
	}
	if o.Comments == 0 {
		o.Comments = 2 * o.Posts
	}
	if o.Tasks == 0 {
		o.Tasks = 2000 * o.Teams
	}
	if o.Notifications == 0 {
		o.Notifications = 50 * o.Users
	}
	if o.Messages == 0 {
		o.Messages = 500 * o.Teams
	}
	if o.ChannelMembers == 0 {
		o.ChannelMembers = min(o.Users, 2000)
	}
	return o
}

func (o Org) validate() error {
	switch {
	case o.Teams < 1:
		return fmt.Errorf("an organisation needs at least one team")
	case o.Users < o.Teams:
		return fmt.Errorf("%d users cannot fill %d teams", o.Users, o.Teams)
	case o.Posts < 1 || o.Tasks < 1 || o.Messages < 1:
		return fmt.Errorf("an organisation needs posts, tasks and messages for the mix")
	case o.ChannelMembers > o.Users:
		return fmt.Errorf("%d users cannot fill an organisation channel of %d", o.Users, o.ChannelMembers)
	}
	return nil
}

// Rows counts what [Generate] wrote, by collection.
type Rows map[string]int

// Total is the number of rows over all collections.
func (r Rows) Total() int {
	n := 0
	for _, v := range r {
		n += v
	}
	return n
}

// userEmail is the address of generated employee u.
func userEmail(u int) string { return fmt.Sprintf("medewerker%04d@buurtplein.test", u) }

// Generate migrates a new data dir and fills it with an organisation of
// org's size, with plain SQL in the column formats PocketBase writes, in a
// few transactions. Employee u is in team u mod Teams (the first of each
// team its coordinator; one in a hundred also in the next team) and signs in
// with [Password]. The same seed gives the same organisation; dates are
// relative to now.
//
// It also trusts X-Forwarded-For (the virtual users each send their own
// address, like employees behind a proxy, so the per-IP rate limits hold per
// employee) and adds a superuser, so the server starts without its
// installer.
func Generate(dir string, org Org, seed uint64) (Rows, error) {
	org = org.withDefaults()
	if err := org.validate(); err != nil {
		return nil, err
	}

	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	defer app.ResetBootstrapState()

	if err := app.RunAllMigrations(); err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	if err := configure(app); err != nil {
		return nil, err
	}

	// the whole database fits in the page cache: writes need no reads back
	if _, err := app.NonconcurrentDB().NewQuery("PRAGMA cache_size = -2000000").Execute(); err != nil {
		return nil, fmt.Errorf("cache size: %w", err)
	}

	g := &generator{
		org:  org,
		rng:  rand.New(rand.NewPCG(seed, 2026)),
		now:  time.Now().UTC(),
		rows: Rows{},
	}
	steps := []func(core.App) error{g.people, g.feed, g.tasks, g.notifications, g.chat}
	for _, step := range steps {
		if err := app.RunInTransaction(func(tx core.App) error { return step(tx) }); err != nil {
			return nil, err
		}
	}

	// what PocketBase's nightly job does: fold the WAL into the database and
	// let SQLite refresh its statistics
	for _, pragma := range []string{"PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA optimize"} {
		if _, err := app.NonconcurrentDB().NewQuery(pragma).Execute(); err != nil {
			return nil, fmt.Errorf("%s: %w", pragma, err)
		}
	}
	return g.rows, nil
}

// configure trusts X-Forwarded-For and adds a superuser.
func configure(app core.App) error {
	settings := app.Settings()
	settings.TrustedProxy.Headers = []string{"X-Forwarded-For"}
	if err := app.Save(settings); err != nil {
		return fmt.Errorf("settings: %w", err)
	}

	superusers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	it := core.NewRecord(superusers)
	it.SetEmail("it@buurtplein.test")
	it.SetPassword(Password)
	if err := app.Save(it); err != nil {
		return fmt.Errorf("superuser: %w", err)
	}
	return nil
}

// generator holds what one step of [Generate] leaves for the next.
type generator struct {
	org  Org
	rng  *rand.Rand
	now  time.Time
	rows Rows

	teamIds  []string
	userIds  []string
	members  [][]int  // per team, indices into userIds
	posts    []string // ids, oldest first
	postAt   []time.Time
	postTeam []int
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// id returns a record id as PocketBase makes them: 15 characters of
// [a-z0-9].
func (g *generator) id() string {
	var b [15]byte
	for i := range b {
		b[i] = idAlphabet[g.rng.IntN(len(idAlphabet))]
	}
	return string(b[:])
}

// member returns a random member of team t.
func (g *generator) member(t int) string {
	m := g.members[t]
	return g.userIds[m[g.rng.IntN(len(m))]]
}

// pick returns one of options.
func (g *generator) pick(options []string) string { return options[g.rng.IntN(len(options))] }

// dbDate formats t as PocketBase stores a date.
func dbDate(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

// inserter is a prepared INSERT into one table that counts its rows.
type inserter struct {
	table string
	q     *dbx.Query
	rows  Rows
}

func (g *generator) inserter(db dbx.Builder, table string, columns ...string) *inserter {
	quoted := make([]string, len(columns))
	placeholders := make([]string, len(columns))
	for i, c := range columns {
		quoted[i] = "`" + c + "`"
		placeholders[i] = "{:" + c + "}"
	}
	q := db.NewQuery(fmt.Sprintf("INSERT INTO `%s` (%s) VALUES (%s)",
		table, strings.Join(quoted, ", "), strings.Join(placeholders, ", "))).Prepare()
	return &inserter{table: table, q: q, rows: g.rows}
}

func (in *inserter) insert(values dbx.Params) error {
	if _, err := in.q.Bind(values).Execute(); err != nil {
		return fmt.Errorf("%s row %d: %w", in.table, in.rows[in.table]+1, err)
	}
	in.rows[in.table]++
	return nil
}

func (in *inserter) close() { in.q.Close() }

// people adds the teams, the employees and their memberships.
func (g *generator) people(tx core.App) error {
	users, err := tx.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	probe := core.NewRecord(users)
	probe.SetPassword(Password)
	hash := probe.GetString("password:hash") // one bcrypt for everyone

	db := tx.DB()
	stamp := dbDate(g.now.AddDate(-3, 0, 0))

	teams := g.inserter(db, "teams", "id", "name", "slug", "kind", "area", "description", "logo", "created", "updated")
	defer teams.close()
	for t := range g.org.Teams {
		id := g.id()
		g.teamIds = append(g.teamIds, id)
		if err := teams.insert(dbx.Params{
			"id": id, "name": fmt.Sprintf("Buurtteam %s %d", g.pick(places), t+1), "slug": fmt.Sprintf("buurtteam-%d", t+1),
			"kind": "buurtteam", "area": fmt.Sprintf("Wijk %d", t+1), "description": "Wijkverpleging en thuiszorg in de buurt.",
			"logo": "", "created": stamp, "updated": stamp,
		}); err != nil {
			return err
		}
	}

	accounts := g.inserter(db, "users", "id", "email", "emailVisibility", "verified", "password", "tokenKey",
		"name", "avatar", "discipline", "locale", "created", "updated")
	defer accounts.close()
	memberships := g.inserter(db, "memberships", "id", "team", "user", "role", "created", "updated")
	defer memberships.close()
	join := func(t, u int, role string) error {
		g.members[t] = append(g.members[t], u)
		return memberships.insert(dbx.Params{
			"id": g.id(), "team": g.teamIds[t], "user": g.userIds[u], "role": role, "created": stamp, "updated": stamp,
		})
	}

	g.members = make([][]int, g.org.Teams)
	for u := range g.org.Users {
		id := g.id()
		g.userIds = append(g.userIds, id)
		if err := accounts.insert(dbx.Params{
			"id": id, "email": userEmail(u), "emailVisibility": false, "verified": true,
			"password": hash, "tokenKey": g.id() + g.id() + g.id(),
			"name": g.pick(firstNames) + " " + g.pick(lastNames), "avatar": "", "discipline": g.pick(disciplines),
			"locale": "nl", "created": stamp, "updated": stamp,
		}); err != nil {
			return err
		}
		role := "member"
		if u < g.org.Teams {
			role = "coordinator"
		}
		if err := join(u%g.org.Teams, u, role); err != nil {
			return err
		}
	}
	// a few employees work in two teams
	if g.org.Teams > 1 {
		for u := 50; u < g.org.Users; u += 100 {
			if err := join((u+1)%g.org.Teams, u, "member"); err != nil {
				return err
			}
		}
	}
	return nil
}

// feed adds posts, one in ten for the whole organisation and one in ten a
// blog, over the last two and a half years, and comments on them.
func (g *generator) feed(tx core.App) error {
	db := tx.DB()
	posts := g.inserter(db, "posts", "id", "team", "author", "kind", "title", "body", "must_read", "visibility",
		"images", "created", "updated")
	defer posts.close()

	span := 30 * 30 * 24 * time.Hour
	start := g.now.Add(-span)
	step := span / time.Duration(g.org.Posts)
	for i := range g.org.Posts {
		t := g.rng.IntN(g.org.Teams)
		visibility, kind, body := "team", "update", g.pick(updates)
		if g.rng.IntN(10) == 0 {
			visibility = "organisation"
		}
		if g.rng.IntN(10) == 0 {
			kind, body = "blog", strings.Repeat(g.pick(updates)+" ", 6)
		}
		at := start.Add(time.Duration(i)*step + time.Duration(g.rng.Int64N(int64(step))))
		id := g.id()
		g.posts, g.postAt, g.postTeam = append(g.posts, id), append(g.postAt, at), append(g.postTeam, t)
		if err := posts.insert(dbx.Params{
			"id": id, "team": g.teamIds[t], "author": g.member(t), "kind": kind, "title": g.pick(titles), "body": body,
			"must_read": g.rng.IntN(50) == 0, "visibility": visibility, "images": "[]",
			"created": dbDate(at), "updated": dbDate(at),
		}); err != nil {
			return err
		}
	}

	comments := g.inserter(db, "comments", "id", "post", "author", "body", "created", "updated")
	defer comments.close()
	for range g.org.Comments {
		p := g.rng.IntN(len(g.posts))
		at := g.postAt[p].Add(time.Duration(g.rng.IntN(72*60)) * time.Minute)
		if at.After(g.now) {
			at = g.now
		}
		if err := comments.insert(dbx.Params{
			"id": g.id(), "post": g.posts[p], "author": g.member(g.postTeam[p]), "body": g.pick(replies),
			"created": dbDate(at), "updated": dbDate(at),
		}); err != nil {
			return err
		}
	}
	return nil
}

// tasks adds tasks (due within 60 days either side of today; some 70%
// done, most of those due in the past), their history and their handover
// offers: a pending one on 2% of the active assigned tasks, an answered one
// on some others.
func (g *generator) tasks(tx core.App) error {
	db := tx.DB()
	tasks := g.inserter(db, "tasks", "id", "team", "title", "description", "status", "active", "assignee", "due", "priority",
		"checklist", "repeat", "repeat_weeks", "created_by", "completed_at", "overdue_notified", "created", "updated")
	defer tasks.close()
	events := g.inserter(db, "task_events", "id", "task", "actor", "kind", "details", "created")
	defer events.close()
	transfers := g.inserter(db, "task_transfers", "id", "task", "from_user", "to_user", "to_team", "status",
		"note", "task_title", "task_due", "responded_by", "responded_at", "created", "updated")
	defer transfers.close()

	for i := range g.org.Tasks {
		t := i % g.org.Teams
		task := g.task(t)
		if err := tasks.insert(task.row()); err != nil {
			return err
		}
		for _, e := range task.history() {
			e["id"] = g.id()
			if err := events.insert(e); err != nil {
				return err
			}
		}
		if offer := g.offer(t, task); offer != nil {
			if err := transfers.insert(offer); err != nil {
				return err
			}
		}
	}
	return nil
}

// genTask is one generated task.
type genTask struct {
	id, team, title, status, assignee, creator, due, completed string
	created, updated                                           time.Time
	priority, description, repeat, notified                    string
	checklist                                                  any
}

func (g *generator) task(t int) *genTask {
	// due within ±60 days of today, in working hours; a few without
	due := g.now.Truncate(time.Hour).Add(time.Duration(g.rng.IntN(120*24)-60*24) * time.Hour)
	task := &genTask{id: g.id(), team: g.teamIds[t], due: dbDate(due), creator: g.member(t), priority: "normal"}
	if g.rng.IntN(20) == 0 {
		task.due = ""
	}
	task.title = fmt.Sprintf("%s %s", g.pick(taskTitles), g.pick(clients))

	doneShare := 0.5
	if task.due == "" {
		doneShare = 0.7
	} else if due.Before(g.now) {
		doneShare = 0.9
	}
	task.status = "done"
	if r := g.rng.Float64(); r >= doneShare {
		task.status = "open"
		if r >= doneShare+(1-doneShare)*2/3 {
			task.status = "in_progress"
		}
	}
	active := task.status != "done"

	task.assignee = g.member(t)
	if active && g.rng.IntN(100) < 15 {
		task.assignee = ""
	}
	task.created = due.AddDate(0, 0, -1-g.rng.IntN(30))
	task.updated = task.created
	if !active {
		done := due.Add(time.Duration(g.rng.IntN(72)-48) * time.Hour)
		if done.After(g.now) {
			done = g.now.Add(-time.Duration(g.rng.IntN(48)) * time.Hour)
		}
		if done.Before(task.created) {
			done = task.created.Add(time.Hour)
		}
		task.completed, task.updated = dbDate(done), done
	} else if task.due != "" && task.assignee != "" && due.Before(g.now) {
		task.notified = dbDate(due.Add(10 * time.Minute))
	}

	switch r := g.rng.IntN(100); {
	case r < 15:
		task.priority = "high"
	case r < 25:
		task.priority = "low"
	}
	if g.rng.IntN(10) == 0 {
		task.checklist = fmt.Sprintf(`[{"text":"Materiaal klaarzetten","done":%t},{"text":"Rapporteren in het dossier","done":%t}]`, !active, !active)
	}
	if g.rng.IntN(100) < 3 {
		task.repeat = "weekly"
	}
	if g.rng.IntN(10) < 6 {
		task.description = "Afspraak met de cliënt en de mantelzorger; zie het zorgplan voor tijd en materiaal."
	}
	return task
}

func (task *genTask) row() dbx.Params {
	return dbx.Params{
		"id": task.id, "team": task.team, "title": task.title, "description": task.description,
		"status": task.status, "active": task.status == "open" || task.status == "in_progress", "assignee": task.assignee, "due": task.due, "priority": task.priority,
		"checklist": task.checklist, "repeat": task.repeat, "repeat_weeks": 0, "created_by": task.creator,
		"completed_at": task.completed, "overdue_notified": task.notified,
		"created": dbDate(task.created), "updated": dbDate(task.updated),
	}
}

// history returns the task's history lines, as the tasks plugin writes
// them: created, assigned, and each status step taken.
func (task *genTask) history() []dbx.Params {
	at := dbDate(task.created)
	lines := []dbx.Params{{"task": task.id, "actor": task.creator, "kind": "created", "details": nil, "created": at}}
	if task.assignee != "" {
		lines = append(lines, dbx.Params{"task": task.id, "actor": task.creator, "kind": "assigned",
			"details": fmt.Sprintf(`{"from":"","to":%q}`, task.assignee), "created": at})
	}
	actor := task.assignee
	if actor == "" {
		actor = task.creator
	}
	if task.status != "open" {
		to := task.status
		if to == "done" {
			to = "in_progress"
		}
		lines = append(lines, dbx.Params{"task": task.id, "actor": actor, "kind": "status_changed",
			"details": fmt.Sprintf(`{"from":"open","to":%q}`, to), "created": at})
	}
	if task.status == "done" {
		lines = append(lines, dbx.Params{"task": task.id, "actor": actor, "kind": "status_changed",
			"details": `{"from":"in_progress","to":"done"}`, "created": task.completed})
	}
	return lines
}

// offer returns a handover offer on task, or nil: pending on 2% of the
// active assigned tasks (one in ten to another team), accepted or declined
// in the past of some others.
func (g *generator) offer(t int, task *genTask) dbx.Params {
	if task.assignee == "" {
		return nil
	}
	status := ""
	switch r := g.rng.IntN(100); {
	case task.status != "done" && r < 2:
		status = "pending"
	case r < 5:
		status = "accepted"
	case r < 6:
		status = "declined"
	default:
		return nil
	}

	from, toUser, toTeam := g.member(t), task.assignee, ""
	if status == "pending" {
		from, toUser = task.assignee, g.member(t)
		if g.org.Teams > 1 && g.rng.IntN(10) == 0 {
			toUser, toTeam = "", g.teamIds[(t+1+g.rng.IntN(g.org.Teams-1))%g.org.Teams]
		}
	}
	if from == toUser {
		return nil
	}
	offered := task.created.Add(time.Duration(g.rng.IntN(24)) * time.Hour)
	respondedBy, respondedAt, changed := "", "", offered
	if status != "pending" {
		respondedBy, changed = toUser, offered.Add(time.Duration(1+g.rng.IntN(12))*time.Hour)
		respondedAt = dbDate(changed)
	}
	return dbx.Params{
		"id": g.id(), "task": task.id, "from_user": from, "to_user": toUser, "to_team": toTeam, "status": status,
		"note": "Ik ben morgen vrij; kun jij dit overnemen?", "task_title": task.title, "task_due": task.due,
		"responded_by": respondedBy, "responded_at": respondedAt, "created": dbDate(offered), "updated": dbDate(changed),
	}
}

// notifications adds notifications spread over every employee, the newest
// last and nine in ten of them read.
func (g *generator) notifications(tx core.App) error {
	notes := g.inserter(tx.DB(), "notifications", "id", "user", "kind", "params", "read", "created")
	defer notes.close()

	span := 180 * 24 * time.Hour
	start := g.now.Add(-span)
	step := span / time.Duration(g.org.Notifications)
	for i := range g.org.Notifications {
		at := start.Add(time.Duration(i) * step)
		kind := "task_assigned"
		if g.rng.IntN(4) == 0 {
			kind = "handover_offered"
		}
		params := fmt.Sprintf(`{"actor":%q,"title":%q}`, g.pick(firstNames), g.pick(taskTitles))
		if err := notes.insert(dbx.Params{
			"id": g.id(), "user": g.userIds[g.rng.IntN(len(g.userIds))], "kind": kind, "params": params,
			"read": at.Before(g.now.Add(-span/10)) || g.rng.IntN(10) > 0, "created": dbDate(at),
		}); err != nil {
			return err
		}
	}
	return nil
}

var (
	places      = []string{"Noord", "Zuid", "Oost", "West", "Centrum", "Dorp", "Haven", "Park", "Polder", "Kern"}
	firstNames  = []string{"Anna", "Bram", "Carla", "Dirk", "Eva", "Fatima", "Gert", "Hanneke", "Ilse", "Joost", "Khadija", "Lotte", "Mehmet", "Noor", "Pieter", "Roos", "Sanne", "Tim", "Yara", "Wim"}
	lastNames   = []string{"de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "Yilmaz", "El Amrani", "van Dijk"}
	disciplines = []string{"wijkverpleegkundige", "verzorgende IG", "helpende", "verpleegkundige", "casemanager dementie"}
	titles      = []string{"Nieuwe cliënt in de wijk", "Rooster volgende week", "Scholing wondzorg", "Griepprik", "Materiaal besteld", "Teamuitje", "Overleg huisartsen", ""}
	updates     = []string{
		"Vanaf maandag werken we met het nieuwe overdrachtsformulier. Lees het even door voor je dienst.",
		"De sleutelkluis bij de Zijlweg is vervangen; de nieuwe code staat in het dossier.",
		"Wie kan zaterdag de ochtenddienst overnemen? Ik ben op een bruiloft.",
		"Mooi nieuws: de familie van meneer D. is erg tevreden over de zorg van de afgelopen weken.",
		"Let op: de apotheek aan het plein is deze week 's middags gesloten.",
		"Het teamoverleg van donderdag verschuift naar 14:00 uur.",
	}
	replies    = []string{"Dank je!", "Ik kan wel.", "Goed om te weten.", "Top, gelezen.", "Ik neem hem over.", "Staat in mijn agenda."}
	taskTitles = []string{"Wondzorg", "Medicatie uitzetten", "Steunkousen aantrekken", "Insuline controleren", "Intake familiegesprek", "Hulpmiddelen bestellen", "Evaluatie zorgplan", "Overleg huisarts", "Rapportage bijwerken", "Douchehulp"}
	clients    = []string{"mevrouw K.", "meneer D.", "mevrouw B.", "meneer V.", "mevrouw S.", "meneer A."}
)
