package loadtest

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
)

// account is a generated employee as the load test acts for them: with an
// auth token minted in-process (so the load does not depend on the sign-in
// rate limit) and an address of their own for X-Forwarded-For.
type account struct {
	id, email, token, ip string
	teams                []string // team ids, the first one the employee's own
}

// activeTask is a task a virtual user moves along: open, in progress, done.
type activeTask struct {
	id, status string
}

// plan is who does what in a run: the virtual users, each with a share of
// their team's active tasks, and the idle realtime clients. Every server of
// a run starts from a copy of the same data dir, so one plan serves them
// all.
type plan struct {
	vus   []*account
	tasks [][]activeTask // per virtual user
	idle  []*account
	chat  chatChannels
}

// newPlan reads the organisation in dir and picks vus virtual users and
// idle realtime clients: distinct employees while there are enough, spread
// over the teams. A team's open and in-progress tasks are shared out among
// its virtual users, so two never move the same task.
func newPlan(dir string, vus, idle int) (*plan, error) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	defer app.ResetBootstrapState()

	var users []struct {
		Id    string `db:"id"`
		Email string `db:"email"`
	}
	if err := app.DB().NewQuery("SELECT id, email FROM users ORDER BY email").All(&users); err != nil {
		return nil, fmt.Errorf("reading the employees: %w", err)
	}
	if len(users) == 0 {
		return nil, fmt.Errorf("no employees in %s", dir)
	}
	var memberships []struct {
		User string `db:"user"`
		Team string `db:"team"`
	}
	if err := app.DB().NewQuery("SELECT user, team FROM memberships ORDER BY rowid").All(&memberships); err != nil {
		return nil, fmt.Errorf("reading the memberships: %w", err)
	}
	teamsOf := map[string][]string{}
	for _, m := range memberships {
		teamsOf[m.User] = append(teamsOf[m.User], m.Team)
	}

	p := &plan{}
	next := 0
	take := func() (*account, error) {
		u := users[next%len(users)]
		next++
		record, err := app.FindRecordById("users", u.Id)
		if err != nil {
			return nil, err
		}
		token, err := record.NewAuthToken()
		if err != nil {
			return nil, fmt.Errorf("token for %s: %w", u.Email, err)
		}
		if len(teamsOf[u.Id]) == 0 {
			return nil, fmt.Errorf("%s is in no team", u.Email)
		}
		return &account{id: u.Id, email: u.Email, token: token, ip: clientIP(next), teams: teamsOf[u.Id]}, nil
	}
	for range vus {
		a, err := take()
		if err != nil {
			return nil, err
		}
		p.vus = append(p.vus, a)
	}
	for range idle {
		a, err := take()
		if err != nil {
			return nil, err
		}
		p.idle = append(p.idle, a)
	}

	var err error
	if p.chat, err = readChatChannels(app); err != nil {
		return nil, err
	}
	return p, p.shareTasks(app)
}

// shareTasks deals each team's active tasks out among its virtual users.
func (p *plan) shareTasks(app core.App) error {
	var tasks []struct {
		Id     string `db:"id"`
		Team   string `db:"team"`
		Status string `db:"status"`
	}
	err := app.DB().NewQuery("SELECT id, team, status FROM tasks WHERE status IN ('open', 'in_progress') ORDER BY id").All(&tasks)
	if err != nil {
		return fmt.Errorf("reading the active tasks: %w", err)
	}

	vusOf := map[string][]int{}
	for i, a := range p.vus {
		vusOf[a.teams[0]] = append(vusOf[a.teams[0]], i)
	}
	p.tasks = make([][]activeTask, len(p.vus))
	dealt := map[string]int{}
	for _, t := range tasks {
		vus := vusOf[t.Team]
		if len(vus) == 0 {
			continue
		}
		i := vus[dealt[t.Team]%len(vus)]
		dealt[t.Team]++
		p.tasks[i] = append(p.tasks[i], activeTask{id: t.Id, status: t.Status})
	}
	for i := range p.tasks {
		p.tasks[i] = slices.Clip(p.tasks[i])
	}
	return nil
}

// clientIP is the address of the n-th client, from the 10.0.0.0/8 range.
func clientIP(n int) string {
	return fmt.Sprintf("10.%d.%d.%d", (n>>16)&0xff, (n>>8)&0xff, n&0xff)
}
