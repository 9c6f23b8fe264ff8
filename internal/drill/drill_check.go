package drill

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// openDB opens the data.db of dataDir with PocketBase's own SQLite driver
// and connection settings, as the server would. The server must be
// stopped: then this sees exactly what the next start will see (a WAL
// left by a crash is recovered the same way).
func openDB(dataDir string) (*dbx.DB, error) {
	path := filepath.Join(dataDir, "data.db")
	if _, err := os.Stat(path); err != nil {
		return nil, err // the driver would create an empty one
	}
	return core.DefaultDBConnect(path)
}

// state is what a stopped server's data dir holds of the drill's writes,
// plus what SQLite and the relation fields say of its consistency.
type state struct {
	// rows of the written collections and task_events: collection → id →
	// column → value, for the checkedColumns
	rows map[string]map[string]map[string]string

	// problems: integrity_check, foreign_key_check, dangling relations
	problems []string
}

// checkedColumns are the columns readState reads of each collection: what
// the writers send (see writeLoop; a field sent but not read here shows as
// a changed write) and what the history check needs of task_events.
var checkedColumns = map[string][]string{
	"posts":          {"team", "author", "kind", "visibility", "title", "body"},
	"comments":       {"post", "author", "body"},
	"tasks":          {"team", "created_by", "assignee", "title", "description"},
	"task_transfers": {"task", "from_user", "to_team", "note"},
	"task_events":    {"task", "kind", "details"},
}

// readState checks and reads the data dir of a stopped server.
func readState(dataDir string) (*state, error) {
	db, err := openDB(dataDir)
	if err != nil {
		return nil, err
	}
	defer db.Close()

	st := &state{rows: map[string]map[string]map[string]string{}}
	for _, check := range []func(*dbx.DB) ([]string, error){integrityCheck, foreignKeyCheck, relationCheck} {
		problems, err := check(db)
		if err != nil {
			return nil, err
		}
		st.problems = append(st.problems, problems...)
	}

	for collection, columns := range checkedColumns {
		query := "SELECT [[id]]"
		for _, c := range columns {
			query += ", [[" + c + "]]"
		}
		rows, err := readRows(db, query+" FROM {{"+collection+"}}")
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", collection, err)
		}
		byId := make(map[string]map[string]string, len(rows))
		for _, row := range rows {
			byId[row["id"]] = row
		}
		st.rows[collection] = byId
	}
	return st, nil
}

// integrityCheck runs PRAGMA integrity_check: one row "ok" or the problems.
func integrityCheck(db *dbx.DB) ([]string, error) {
	var lines []string
	if err := db.NewQuery("PRAGMA integrity_check").Column(&lines); err != nil {
		return nil, fmt.Errorf("integrity_check: %w", err)
	}
	if len(lines) == 1 && lines[0] == "ok" {
		return nil, nil
	}
	for i, line := range lines {
		lines[i] = "integrity_check: " + line
	}
	return lines, nil
}

// foreignKeyCheck runs PRAGMA foreign_key_check: no rows, or the rows that
// break a FOREIGN KEY constraint. PocketBase's own tables have none
// declared today and its relation fields are plain columns, so this is
// empty by construction; [relationCheck] is the check with teeth.
func foreignKeyCheck(db *dbx.DB) ([]string, error) {
	rows, err := readRows(db, "PRAGMA foreign_key_check")
	if err != nil {
		return nil, fmt.Errorf("foreign_key_check: %w", err)
	}
	problems := make([]string, 0, len(rows))
	for _, row := range rows {
		problems = append(problems, fmt.Sprintf("foreign_key_check: %s rowid %s refers to a missing %s", row["table"], row["rowid"], row["parent"]))
	}
	return problems, nil
}

// relationCheck finds relation field values that point at no record: what
// a FOREIGN KEY would catch, for PocketBase's relation fields.
func relationCheck(db *dbx.DB) ([]string, error) {
	var collections []struct {
		Id     string `db:"id"`
		Name   string `db:"name"`
		Type   string `db:"type"`
		Fields string `db:"fields"`
	}
	if err := db.NewQuery("SELECT id, name, type, fields FROM _collections").All(&collections); err != nil {
		return nil, fmt.Errorf("reading _collections: %w", err)
	}
	names := map[string]string{}
	for _, c := range collections {
		names[c.Id] = c.Name
	}

	var problems []string
	for _, c := range collections {
		if c.Type == core.CollectionTypeView {
			continue
		}
		var fields []struct {
			Type         string `json:"type"`
			Name         string `json:"name"`
			CollectionId string `json:"collectionId"`
			MaxSelect    int    `json:"maxSelect"`
		}
		if err := json.Unmarshal([]byte(c.Fields), &fields); err != nil {
			return nil, fmt.Errorf("fields of %s: %w", c.Name, err)
		}
		for _, f := range fields {
			if f.Type != core.FieldTypeRelation {
				continue
			}
			target, ok := names[f.CollectionId]
			if !ok {
				problems = append(problems, fmt.Sprintf("relation %s.%s: no collection %s", c.Name, f.Name, f.CollectionId))
				continue
			}
			dangling, err := danglingRelations(db, c.Name, f.Name, target, f.MaxSelect > 1)
			if err != nil {
				return nil, err
			}
			for _, d := range dangling {
				problems = append(problems, fmt.Sprintf("relation %s.%s: %s refers to a missing %s %s", c.Name, f.Name, d[0], target, d[1]))
			}
		}
	}
	return problems, nil
}

// danglingRelations returns the (id, value) pairs of field in collection
// whose value is no id of target. A multiple relation is a JSON array.
func danglingRelations(db *dbx.DB, collection, field, target string, multiple bool) ([][2]string, error) {
	query := "SELECT c.[[id]] AS id, c.[[" + field + "]] AS value FROM {{" + collection + "}} c" +
		" WHERE c.[[" + field + "]] != '' AND c.[[" + field + "]] NOT IN (SELECT [[id]] FROM {{" + target + "}})"
	if multiple {
		query = "SELECT c.[[id]] AS id, j.value AS value FROM {{" + collection + "}} c," +
			" json_each(CASE WHEN json_valid(c.[[" + field + "]]) THEN c.[[" + field + "]] ELSE '[]' END) j" +
			" WHERE j.value NOT IN (SELECT [[id]] FROM {{" + target + "}})"
	}
	rows, err := readRows(db, query)
	if err != nil {
		return nil, fmt.Errorf("relation %s.%s: %w", collection, field, err)
	}
	pairs := make([][2]string, len(rows))
	for i, row := range rows {
		pairs[i] = [2]string{row["id"], row["value"]}
	}
	return pairs, nil
}

// readRows runs query and returns every row as column → value, the values
// as text.
func readRows(db *dbx.DB, query string) ([]map[string]string, error) {
	rows, err := db.NewQuery(query).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	columns, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	values := make([]any, len(columns))
	pointers := make([]any, len(columns))
	for i := range values {
		pointers[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(pointers...); err != nil {
			return nil, err
		}
		row := make(map[string]string, len(columns))
		for i, c := range columns {
			row[c] = asText(values[i])
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

func asText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		return string(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

// writeFindings is how the writes of a ledger fare in a data dir.
type writeFindings struct {
	Required, RequiredFound int // writes that must be there
	Other, OtherFound       int // writes that may or may not be there
	Problems                []string
}

// checkWrites looks up every write in st: one that required says must be
// there (an acknowledged one, usually) is lost if it is missing; any that
// is there must hold what was sent, and a task or an offer must come with
// the history line the server writes in the same transaction.
func checkWrites(st *state, writes []write, required func(write) bool) writeFindings {
	var f writeFindings
	history := st.historyIndex()
	for _, w := range writes {
		must := required(w)
		if must {
			f.Required++
		} else {
			f.Other++
		}

		row, ok := st.rows[w.collection][w.id]
		if !ok {
			if must {
				f.Problems = append(f.Problems, fmt.Sprintf("lost: %s %s, acknowledged after %s (sent %s)",
					w.collection, w.id, w.latency().Round(1e6), w.start.Format("15:04:05.000")))
			}
			continue
		}
		if must {
			f.RequiredFound++
		} else {
			f.OtherFound++
		}

		if got, want := sum(row, w.fields), sum(nil, w.fields); got != want {
			f.Problems = append(f.Problems, fmt.Sprintf("changed: %s %s holds %v, was sent %v", w.collection, w.id, pick(row, w.fields), w.fields))
		}
		if kind := historyKind[w.collection]; kind != "" && !history[kind+" "+w.id] {
			f.Problems = append(f.Problems, fmt.Sprintf("torn transaction: %s %s has no %q history line", w.collection, w.id, kind))
		}
	}
	return f
}

// historyKind is the task_events line the server writes in the same
// transaction as a record of the collection.
var historyKind = map[string]string{"tasks": "created", "task_transfers": "handover_offered"}

// historyIndex holds "kind id" for each task_events line: the task's id,
// or the offer's for handover_offered.
func (st *state) historyIndex() map[string]bool {
	index := map[string]bool{}
	for _, e := range st.rows["task_events"] {
		index[e["kind"]+" "+e["task"]] = true
		var details struct {
			Transfer string `json:"transfer"`
		}
		if json.Unmarshal([]byte(e["details"]), &details) == nil && details.Transfer != "" {
			index[e["kind"]+" "+details.Transfer] = true
		}
	}
	return index
}

// checkAttempted returns a problem for each record of the written
// collections that is neither in baseline (collection → ids there before
// the writers began) nor among the writes: a record nobody sent.
func checkAttempted(st *state, writes []write, baseline map[string]map[string]bool) []string {
	attempted := map[string]bool{}
	for _, w := range writes {
		attempted[w.collection+" "+w.id] = true
	}
	var problems []string
	for _, collection := range writtenCollections {
		for id := range st.rows[collection] {
			if !baseline[collection][id] && !attempted[collection+" "+id] {
				problems = append(problems, fmt.Sprintf("unknown: %s %s was never sent", collection, id))
			}
		}
	}
	slices.Sort(problems)
	return problems
}

// ids returns collection → ids of the written collections in st.
func (st *state) ids() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, collection := range writtenCollections {
		out[collection] = map[string]bool{}
		for id := range st.rows[collection] {
			out[collection][id] = true
		}
	}
	return out
}

// sum is a checksum of the fields of a write: their values in row, or the
// values sent when row is nil.
func sum(row map[string]string, fields map[string]string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h := sha256.New()
	for _, k := range keys {
		v := fields[k]
		if row != nil {
			v = row[k]
		}
		fmt.Fprintf(h, "%s=%q\n", k, v)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// pick returns the values of row for the keys of fields.
func pick(row, fields map[string]string) map[string]string {
	out := make(map[string]string, len(fields))
	for k := range fields {
		out[k] = row[k]
	}
	return out
}

// tableSum is a table's row count and a checksum of its rows, independent
// of their order (VACUUM INTO may renumber rowids).
type tableSum struct {
	Rows int
	Sum  string
}

// tableSums returns the sum of every table of the data.db of a stopped
// server's data dir: every collection, and PocketBase's own tables.
func tableSums(dataDir string) (map[string]tableSum, error) {
	db, err := openDB(dataDir)
	if err != nil {
		return nil, err
	}
	defer db.Close()

	var tables []string
	err = db.NewQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").Column(&tables)
	if err != nil {
		return nil, err
	}
	sums := make(map[string]tableSum, len(tables))
	for _, table := range tables {
		rows, err := readRows(db, "SELECT * FROM {{"+table+"}}")
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", table, err)
		}
		rowSums := make([]string, len(rows))
		for i, row := range rows {
			rowSums[i] = sum(row, row)
		}
		slices.Sort(rowSums)
		h := sha256.New()
		for _, s := range rowSums {
			h.Write([]byte(s))
		}
		sums[table] = tableSum{Rows: len(rows), Sum: hex.EncodeToString(h.Sum(nil))}
	}
	return sums, nil
}
