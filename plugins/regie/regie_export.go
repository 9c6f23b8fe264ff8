package regie

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// tasksOfPlans is the collection the agreed actions of a plan become
// tasks in (plugins/tasks); a task's plan field names its plan.
const tasksOfPlans = "tasks"

// ClientExport is everything Buurtplein holds about one client: the client's
// record, its referrals, conversations (with the names of their files),
// plans, case steps, and the tasks made from its plans, each oldest
// first, with the names of the employees and the team they refer to.
type ClientExport struct {
	Client        *core.Record   `json:"client"`
	Referrals     []*core.Record `json:"referrals"`
	Conversations []*core.Record `json:"conversations"`
	Plans         []*core.Record `json:"plans"`
	CaseSteps     []*core.Record `json:"case_steps"`
	Tasks         []*core.Record `json:"tasks"`
	// Files are the conversations' attachments, as
	// "conversations/<id>/<filename>".
	Files []string `json:"files"`
	// Users are the names of the employees the records name, by id.
	Users map[string]string `json:"users"`
	// TeamName is the name of the client's team.
	TeamName string    `json:"team_name"`
	Exported time.Time `json:"exported"`
}

// Export returns everything held about the client clientId. It does not
// log: whoever hands it on writes the access log's entry, in the
// transaction of that.
func Export(app core.App, clientId string) (*ClientExport, error) {
	client, err := app.FindRecordById(ClientsCollection, clientId)
	if err != nil {
		return nil, fmt.Errorf("export: the client %s: %w", clientId, err)
	}
	x := &ClientExport{Client: client, Users: map[string]string{}, Exported: time.Now().UTC()}
	parts := []struct {
		collection string
		into       *[]*core.Record
	}{
		{ReferralsCollection, &x.Referrals},
		{ConversationsCollection, &x.Conversations},
		{PlansCollection, &x.Plans},
		{StepsCollection, &x.CaseSteps},
	}
	for _, part := range parts {
		records, err := app.FindRecordsByFilter(part.collection, "client = {:client}", "created", 0, 0, dbx.Params{"client": clientId})
		if err != nil {
			return nil, fmt.Errorf("export: the %s of %s: %w", part.collection, clientId, err)
		}
		*part.into = records
	}
	if x.Tasks, err = exportTasks(app, x.Plans); err != nil {
		return nil, err
	}
	x.Files = exportFiles(x.Conversations)
	if err := x.nameUsersAndTeam(app); err != nil {
		return nil, err
	}
	return x, nil
}

// exportTasks returns the tasks made from the agreed actions of plans.
func exportTasks(app core.App, plans []*core.Record) ([]*core.Record, error) {
	if len(plans) == 0 {
		return []*core.Record{}, nil
	}
	ids := make([]any, len(plans))
	for i, plan := range plans {
		ids[i] = plan.Id
	}
	tasks, err := app.FindAllRecords(tasksOfPlans, dbx.HashExp{"plan": ids})
	if err != nil {
		return nil, fmt.Errorf("the tasks of the plans: %w", err)
	}
	return tasks, nil
}

// exportFiles returns the attachments of conversations.
func exportFiles(conversations []*core.Record) []string {
	files := []string{}
	for _, c := range conversations {
		for _, name := range c.GetStringSlice("attachments") {
			files = append(files, ConversationsCollection+"/"+c.Id+"/"+name)
		}
	}
	return files
}

// exportUserFields are the fields of the exported records that name an
// employee.
var exportUserFields = []string{"created_by", "author", "regisseur", "actor", "assignee"}

// nameUsersAndTeam fills in the names of the employees the records name
// and of the client's team: the ids alone tell the client nothing. An
// account that is gone keeps its id without a name.
func (x *ClientExport) nameUsersAndTeam(app core.App) error {
	var ids []any
	add := func(id string) {
		if _, ok := x.Users[id]; id != "" && !ok {
			x.Users[id] = ""
			ids = append(ids, id)
		}
	}
	for _, r := range x.records() {
		for _, field := range exportUserFields {
			add(r.GetString(field))
		}
	}
	for _, plan := range x.Plans {
		for _, action := range exportActions(plan) {
			add(action.Assignee)
		}
	}
	if len(ids) > 0 {
		users, err := app.FindAllRecords("users", dbx.HashExp{"id": ids})
		if err != nil {
			return fmt.Errorf("export: the names of the employees: %w", err)
		}
		for _, u := range users {
			x.Users[u.Id] = u.GetString("name")
		}
	}
	team, err := app.FindRecordById("teams", x.Client.GetString("team"))
	if err != nil {
		return fmt.Errorf("export: the client's team: %w", err)
	}
	x.TeamName = team.GetString("name")
	return nil
}

// records returns every record of the export, the client first.
func (x *ClientExport) records() []*core.Record {
	all := []*core.Record{x.Client}
	for _, part := range [][]*core.Record{x.Referrals, x.Conversations, x.Plans, x.CaseSteps, x.Tasks} {
		all = append(all, part...)
	}
	return all
}

// recordNames returns the records of the export as the access log names
// them: "collection/id", separated by spaces.
func (x *ClientExport) recordNames() string {
	names := make([]string, 0, 8)
	for _, r := range x.records() {
		names = append(names, r.Collection().Name+"/"+r.Id)
	}
	return strings.Join(names, " ")
}

// exportAction is one agreed action of a plan.
type exportAction struct {
	Id       string `json:"id"`
	Text     string `json:"text"`
	Assignee string `json:"assignee"`
	Due      string `json:"due"`
	Task     string `json:"task"`
}

// exportActions returns the agreed actions of plan; a list it cannot read
// is none.
func exportActions(plan *core.Record) []exportAction {
	var actions []exportAction
	if err := plan.UnmarshalJSONField("actions", &actions); err != nil {
		return nil
	}
	return actions
}
