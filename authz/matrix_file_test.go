package authz_test

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// row is one line of the matrix: a target, an operation and the outcome
// each role should get.
type row struct {
	line   int
	target string // a kind ("posts/own")
	text   string // the operation cell as written

	op    string     // list, view, create, ... or route
	base  string     // list: another collection; view: another kind
	query url.Values // list, view, file and realtime parameters
	body  string     // update: a JSON body instead of the kind's

	method, path string // route

	want map[string]string // role -> outcome
}

// The operations and the outcomes each allows besides a status code.
var operations = map[string][]string{
	"list":            {"visible", "hidden"},
	"view":            {"visible", "hidden"},
	"file":            nil,
	"create":          nil,
	"update":          nil,
	"delete":          nil,
	"batch-create":    nil,
	"batch-update":    nil,
	"batch-upsert":    nil,
	"batch-delete":    nil,
	"realtime":        {"event", "no-event"},
	"realtime-record": {"event", "no-event"},
	"topic":           {"event", "no-event"},
	"route":           nil,
}

var httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

// loadMatrix reads and checks the matrix file.
func loadMatrix(path string) ([]row, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()

	var rows []row
	var header []string
	scanner := bufio.NewScanner(file)
	for n := 1; scanner.Scan(); n++ {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// " | " separates cells, so a filter keeps its "||"
		cells := strings.Split(line, " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if header == nil {
			if len(cells) < 3 || cells[0] != "target" || cells[1] != "operation" {
				return nil, fmt.Errorf("%s:%d: the first line must be the header (target | operation | roles...)", path, n)
			}
			header = cells[2:]
			if !slices.Equal(header, roles) {
				return nil, fmt.Errorf("%s:%d: the role columns must be %v, got %v", path, n, roles, header)
			}
			continue
		}
		r, err := parseRow(n, cells, header)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		rows = append(rows, r)
	}
	return rows, scanner.Err()
}

func parseRow(n int, cells, header []string) (row, error) {
	if len(cells) != 2+len(header) {
		return row{}, fmt.Errorf("%d cells, want %d", len(cells), 2+len(header))
	}
	r := row{line: n, target: cells[0], text: cells[1], want: map[string]string{}}
	if _, ok := kindByName(r.target); !ok {
		return row{}, fmt.Errorf("unknown target %q (add the kind to kinds_test.go)", r.target)
	}
	if err := r.parseOperation(cells[1]); err != nil {
		return row{}, err
	}
	for i, role := range header {
		outcome := cells[2+i]
		if _, err := strconv.Atoi(outcome); err != nil && !slices.Contains(operations[r.op], outcome) {
			return row{}, fmt.Errorf("%s: outcome %q is neither a status nor one of %v", role, outcome, operations[r.op])
		}
		r.want[role] = outcome
	}
	return r, nil
}

// parseOperation reads an operation cell: "list", "list users ?expand=x",
// "view tasks/own ?expand=team", "update {"status":"declined"}",
// "realtime ?filter=a = 1", "POST /api/buurtplein/tasks/handover".
func (r *row) parseOperation(cell string) error {
	word, rest, _ := strings.Cut(cell, " ")
	rest = strings.TrimSpace(rest)

	if slices.Contains(httpMethods, word) {
		r.op, r.method, r.path = "route", word, rest
		if !strings.HasPrefix(rest, "/api/") {
			return fmt.Errorf("route %q: the path must start with /api/", cell)
		}
		return nil
	}
	if _, ok := operations[word]; !ok {
		return fmt.Errorf("unknown operation %q", word)
	}
	r.op = word

	if strings.HasPrefix(rest, "{") {
		if r.op != "update" && r.op != "batch-update" && r.op != "batch-upsert" {
			return fmt.Errorf("only an update takes a body: %q", cell)
		}
		r.body = rest
		return nil
	}
	if r.op == "topic" {
		kind, name, _ := strings.Cut(rest, " ")
		if !(kind == "organisation" && name == "") && !((kind == "team" || kind == "user") && name != "") {
			return fmt.Errorf("a topic is \"organisation\", \"team <slug>\" or \"user <name>\": %q", cell)
		}
		r.base = rest
		return nil
	}
	base, query, _ := strings.Cut(rest, "?")
	r.base = strings.TrimSpace(base)
	r.query = parseQuery(query)
	if r.base != "" && r.op != "list" && r.op != "view" {
		return fmt.Errorf("only list and view look at another collection or record: %q", cell)
	}
	if r.op == "view" && r.base != "" {
		if _, ok := kindByName(r.base); !ok {
			return fmt.Errorf("view of unknown kind %q", r.base)
		}
	}
	return nil
}

var paramStart = regexp.MustCompile(`^[a-zA-Z]+=`)

// parseQuery reads "filter=a && b&sort=-x": an "&" starts a new parameter
// only before a name and "=", so filters keep their "&&".
func parseQuery(s string) url.Values {
	q := url.Values{}
	s = strings.TrimSpace(s)
	if s == "" {
		return q
	}
	var params []string
	for _, piece := range strings.Split(s, "&") {
		if len(params) > 0 && !paramStart.MatchString(piece) {
			params[len(params)-1] += "&" + piece
			continue
		}
		params = append(params, piece)
	}
	for _, p := range params {
		name, value, _ := strings.Cut(p, "=")
		q.Add(name, strings.TrimSpace(value))
	}
	return q
}
