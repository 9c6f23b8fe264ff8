package tasks

import (
	"encoding/json"
	"strings"

	"buurtplein/plugins/search"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// searchKind makes tasks searchable (plugins/search): a task's title, and
// its description with the texts of its checklist, found by the members of
// its team alone, as its list and view rules say. A handover to another
// team saves the task with its new team in the handover's transaction, so
// its index row moves with it: the new team finds it, the old one no
// longer does. The migration 1764200600_search_tasks indexed the tasks
// that existed before.
//
// A task made from an agreed action of a client's plan (plugins/regie) is
// left out: it is about a client, and client data is never in the index.
var searchKind = search.Kind{
	Collection: TasksCollection,
	Title:      func(r *core.Record) string { return r.GetString("title") },
	Text:       searchText,
	ScopeIn: func(app core.App, r *core.Record) (search.Scope, bool, error) {
		return search.Scope{Team: r.GetString("team")}, r.GetString("plan") == "", nil
	},
}

// searchText returns what a search reads of a task besides its title: its
// description, then each checklist item's text, one a line (as the
// migration 1764200600_search_tasks writes it).
func searchText(r *core.Record) string {
	lines := checklistTexts(r)
	if d := r.GetString("description"); d != "" {
		lines = append([]string{d}, lines...)
	}
	return strings.Join(lines, "\n")
}

// checklistTexts returns the texts of a task's checklist items; none for a
// checklist that is no list (validateTask refuses it before the save).
func checklistTexts(r *core.Record) []string {
	var raw []byte
	switch v := r.GetRaw("checklist").(type) {
	case types.JSONRaw:
		raw = v
	case string:
		raw = []byte(v)
	case []byte:
		raw = v
	}
	if len(raw) == 0 {
		return nil
	}
	var items []checklistItem
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil
	}
	texts := make([]string, 0, len(items))
	for _, item := range items {
		if item.Text != "" {
			texts = append(texts, item.Text)
		}
	}
	return texts
}
