package teams

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/ozzo-validation/v4/is"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// MaxImportSize is the largest CSV file [ImportUsers] reads. A file of
// every employee of a large organisation is well under a megabyte.
const MaxImportSize = 16 << 20

// The columns of the CSV file [ImportUsers] reads. Name, email and team are
// required in the header; role and discipline may be left out.
const (
	ColumnName       = "name"
	ColumnEmail      = "email"
	ColumnTeam       = "team"
	ColumnRole       = "role"
	ColumnDiscipline = "discipline"
)

var (
	importColumns   = []string{ColumnName, ColumnEmail, ColumnTeam, ColumnRole, ColumnDiscipline}
	requiredColumns = []string{ColumnName, ColumnEmail, ColumnTeam}
)

// ErrBadRows is returned by [ImportUsers] when the file has bad rows and
// [ImportOptions.SkipBad] is off: nothing has been imported, and the
// report lists every bad row.
var ErrBadRows = errors.New("het bestand bevat foute regels; er is niets geïmporteerd")

// errRollback ends an import transaction without committing it.
var errRollback = errors.New("rollback")

// ImportOptions are the options of [ImportUsers].
type ImportOptions struct {
	// SkipBad imports the good rows of a file that has bad rows. Without
	// it one bad row means nothing is imported.
	SkipBad bool

	// DryRun checks every row, PocketBase's record validation included,
	// and reports what the import would do, without changing anything.
	DryRun bool
}

// RowProblem is one reason why a row of the file cannot be imported.
type RowProblem struct {
	// Line is the line of the file where the row starts; the header is
	// line 1.
	Line int

	// Reason says what is wrong, in Dutch.
	Reason string
}

// String returns the problem as "regel 4: onbekend team ...".
func (p RowProblem) String() string {
	return fmt.Sprintf("regel %d: %s", p.Line, p.Reason)
}

// ImportReport is what [ImportUsers] did, or with [ImportOptions.DryRun]
// or bad rows, what it would have done.
type ImportReport struct {
	// Rows is the number of data rows in the file (blank rows not counted).
	Rows int

	// Users counts the distinct accounts of the imported rows.
	UsersCreated, UsersUpdated, UsersUnchanged int

	// Memberships counts the memberships of the imported rows.
	MembershipsCreated, MembershipsUpdated, MembershipsUnchanged int

	// NewUsers are the e-mail addresses of the created accounts. They have
	// a random password and must set their own with a password reset.
	NewUsers []string

	// Problems are the reasons rows cannot be imported, ordered by line.
	// A row can have more than one.
	Problems []RowProblem

	// Skipped is the number of rows with a problem.
	Skipped int

	// Imported reports whether the changes were committed.
	Imported bool
}

// importRow is one data row of the file, trimmed.
type importRow struct {
	line                                int
	name, email, team, role, discipline string
	key                                 string // the e-mail address in lower case
}

// ImportUsers reads a CSV file of employees from r and creates or updates
// their accounts (matched by e-mail address, case-insensitively) and their
// team memberships. It never removes an account, a membership or a value:
// an empty discipline keeps the current one, an empty role keeps the role
// of an existing membership and is "member" for a new one.
//
// The file has a header row naming the columns (see [ColumnName] and the
// other column constants) in any order; other columns are ignored. The
// separator is "," or ";", a UTF-8 BOM and an Excel "sep=;" line are
// accepted. A user may appear on several rows, one per team.
//
// Every row is checked first, then all rows are written in one transaction
// with PocketBase's record validation. A file-level problem (no header, a
// missing column, broken CSV) is returned as an error. Bad rows are listed
// in the report; without opts.SkipBad they make ImportUsers import nothing
// and return [ErrBadRows], with it the good rows are imported. Either way
// the database never holds part of an import.
func ImportUsers(app core.App, r io.Reader, opts ImportOptions) (ImportReport, error) {
	rows, problems, err := readImportFile(r)
	if err != nil {
		return ImportReport{}, err
	}
	report := ImportReport{Rows: len(rows)}

	teamIds, err := teamIdsBySlug(app)
	if err != nil {
		return report, err
	}
	if len(teamIds) == 0 {
		// every row would be "onbekend team": say what is really wrong
		return report, errors.New("er zijn nog geen teams; maak eerst de teams aan in het dashboard (of kies de juiste --dir)")
	}
	limits, err := importLimitsOf(app)
	if err != nil {
		return report, err
	}
	problems = append(problems, checkRows(rows, teamIds, limits)...)

	// rows that pass the checks can still fail PocketBase's validation or
	// a hook; their changes are rolled back with the whole transaction and
	// the import is retried without them, until a pass has no new problems
	for {
		bad := linesOf(problems)
		good := slices.DeleteFunc(slices.Clone(rows), func(row importRow) bool { return bad[row.line] })

		// new coordinators first: a file that hands a team over from one
		// coordinator to another may name the new one on a later line than
		// the old one (every team keeps a coordinator, see teams_members.go)
		sort.SliceStable(good, func(i, j int) bool {
			return good[i].role == hooks.RoleCoordinator && good[j].role != hooks.RoleCoordinator
		})

		var counts ImportReport
		var saveProblems []RowProblem
		txErr := app.RunInTransaction(func(txApp core.App) error {
			var err error
			counts, saveProblems, err = saveRows(txApp, good, teamIds)
			if err != nil {
				return err
			}
			if len(saveProblems) > 0 || opts.DryRun || (len(problems) > 0 && !opts.SkipBad) {
				return errRollback
			}
			return nil
		})
		if txErr != nil && !errors.Is(txErr, errRollback) {
			return report, fmt.Errorf("importing users: %w", txErr)
		}

		problems = append(problems, saveProblems...)
		if len(saveProblems) > 0 && opts.SkipBad {
			continue
		}

		counts.Rows = report.Rows
		report = counts
		report.Imported = txErr == nil
		break
	}

	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
	report.Problems = problems
	report.Skipped = len(linesOf(problems))
	if len(problems) > 0 && !opts.SkipBad {
		return report, ErrBadRows
	}
	return report, nil
}

// readImportFile reads the rows of a CSV file. Blank rows are left out.
// Cells that are not UTF-8 text are returned as problems.
func readImportFile(r io.Reader) ([]importRow, []RowProblem, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("reading the CSV file: %w", err)
	}
	if len(data) > MaxImportSize {
		return nil, nil, fmt.Errorf("het bestand is groter dan %d MB", MaxImportSize>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))

	// Excel writes and reads a first line "sep=;" that names the separator
	lineOffset := 0
	sep := ','
	firstLine, rest, _ := bytes.Cut(data, []byte("\n"))
	firstLine = bytes.TrimRight(firstLine, "\r")
	if s, ok := bytes.CutPrefix(firstLine, []byte("sep=")); ok && utf8.RuneCount(s) == 1 {
		sep, _ = utf8.DecodeRune(s)
		data = rest
		lineOffset = 1
	} else if bytes.Count(firstLine, []byte(";")) > bytes.Count(firstLine, []byte(",")) {
		sep = ';'
	}

	reader := csv.NewReader(bytes.NewReader(data))
	reader.Comma = sep
	reader.FieldsPerRecord = -1
	reader.TrimLeadingSpace = true

	parseErr := func(err error) error {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("regel %d: ongeldige CSV (%w); er is niets geïmporteerd", pe.Line+lineOffset, pe.Err)
		}
		return fmt.Errorf("reading the CSV file: %w", err)
	}

	header, err := reader.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, errors.New("het bestand is leeg; verwacht een kopregel met de kolommen name, email, team, role, discipline")
	}
	if err != nil {
		return nil, nil, parseErr(err)
	}
	columns, err := importColumnsOf(header)
	if err != nil {
		return nil, nil, err
	}

	var rows []importRow
	var problems []RowProblem
	for {
		record, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, parseErr(err)
		}
		line, _ := reader.FieldPos(0)
		line += lineOffset

		cell := func(column string) string {
			i, ok := columns[column]
			if !ok || i >= len(record) {
				return ""
			}
			return strings.TrimSpace(record[i])
		}
		row := importRow{
			line:       line,
			name:       cell(ColumnName),
			email:      cell(ColumnEmail),
			team:       strings.ToLower(cell(ColumnTeam)),
			role:       strings.ToLower(cell(ColumnRole)),
			discipline: cell(ColumnDiscipline),
		}
		row.key = strings.ToLower(row.email)

		// Excel exports trailing empty rows as ";;;;"
		if row.name == "" && row.email == "" && row.team == "" && row.role == "" && row.discipline == "" {
			continue
		}
		rows = append(rows, row)

		for _, column := range importColumns {
			if !utf8.ValidString(cell(column)) {
				problems = append(problems, RowProblem{line, fmt.Sprintf(
					`%s is geen geldige UTF-8-tekst; sla het bestand op als "CSV UTF-8"`, column)})
			}
		}
	}
	return rows, problems, nil
}

// importColumnsOf returns the index of each known column in header.
func importColumnsOf(header []string) (map[string]int, error) {
	columns := map[string]int{}
	found := []string{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if name == "" {
			continue
		}
		found = append(found, name)
		if !slices.Contains(importColumns, name) {
			continue // extra columns are fine
		}
		if _, ok := columns[name]; ok {
			return nil, fmt.Errorf("regel 1: kolom %q staat twee keer in de kopregel", name)
		}
		columns[name] = i
	}

	var missing []string
	for _, name := range requiredColumns {
		if _, ok := columns[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("regel 1: de kopregel mist de kolom(men) %s (gevonden: %s); verwacht name, email, team en eventueel role en discipline",
			strings.Join(missing, ", "), strings.Join(found, ", "))
	}
	return columns, nil
}

// importLimits are the maximum lengths (in characters, 0 = none) of the
// users fields, taken from the collection so they follow the migrations.
type importLimits struct {
	name, discipline int
}

func importLimitsOf(app core.App) (importLimits, error) {
	users, err := app.FindCachedCollectionByNameOrId(hooks.UsersCollection)
	if err != nil {
		return importLimits{}, fmt.Errorf("finding the users collection (have the migrations run?): %w", err)
	}
	var limits importLimits
	if f, ok := users.Fields.GetByName("name").(*core.TextField); ok {
		limits.name = f.Max
	}
	if f, ok := users.Fields.GetByName("discipline").(*core.TextField); ok {
		limits.discipline = f.Max
	}
	return limits, nil
}

// teamIdsBySlug returns the id of every team by its slug.
func teamIdsBySlug(app core.App) (map[string]string, error) {
	teams, err := app.FindAllRecords(hooks.TeamsCollection)
	if err != nil {
		return nil, fmt.Errorf("listing the teams (have the migrations run?): %w", err)
	}
	ids := make(map[string]string, len(teams))
	for _, team := range teams {
		ids[team.GetString("slug")] = team.Id
	}
	return ids, nil
}

// checkRows returns the problems of rows that need no database writes to
// find: missing or malformed values, unknown teams, duplicates and rows
// that disagree about one person.
func checkRows(rows []importRow, teamIds map[string]string, limits importLimits) []RowProblem {
	var problems []RowProblem
	add := func(row importRow, format string, args ...any) {
		problems = append(problems, RowProblem{row.line, fmt.Sprintf(format, args...)})
	}

	nameOf := map[string]importRow{}          // e-mail address → its first row with a name
	personOf := map[string]importRow{}        // folded name → the first row of a person with it
	disciplineOf := map[string]importRow{}    // e-mail address → its first row with a discipline
	membershipOf := map[[2]string]importRow{} // (e-mail address, team) → its row

	for _, row := range rows {
		switch n := utf8.RuneCountInString(row.name); {
		case n == 0:
			add(row, "naam ontbreekt")
		case limits.name > 0 && n > limits.name:
			add(row, "naam is langer dan %d tekens (%d)", limits.name, n)
		case hasControl(row.name):
			add(row, "naam bevat een regelovergang of ander stuurteken")
		}

		switch {
		case row.email == "":
			add(row, "e-mailadres ontbreekt")
		case is.EmailFormat.Validate(row.email) != nil || hasControl(row.email):
			add(row, "ongeldig e-mailadres %q", row.email)
		}

		switch {
		case row.team == "":
			add(row, "team ontbreekt")
		case teamIds[row.team] == "":
			add(row, "onbekend team %q", row.team)
		}

		if row.role != "" && row.role != hooks.RoleMember && row.role != hooks.RoleCoordinator {
			add(row, "rol moet %s of %s zijn, niet %q", hooks.RoleMember, hooks.RoleCoordinator, row.role)
		}

		if n := utf8.RuneCountInString(row.discipline); limits.discipline > 0 && n > limits.discipline {
			add(row, "discipline is langer dan %d tekens (%d)", limits.discipline, n)
		} else if hasControl(row.discipline) {
			add(row, "discipline bevat een regelovergang of ander stuurteken")
		}

		if row.key == "" {
			continue
		}
		if row.name != "" {
			if first, ok := nameOf[row.key]; !ok {
				nameOf[row.key] = row
			} else if row.name != first.name {
				add(row, "andere naam voor %s dan op regel %d (%q)", row.email, first.line, first.name)
			}
			if first, ok := personOf[NameKey(row.name)]; !ok {
				personOf[NameKey(row.name)] = row
			} else if first.key != row.key {
				add(row, "naam %q is al van %s op regel %d; namen moeten uniek zijn (hoofdletters, spaties en accenten tellen niet mee)", row.name, first.email, first.line)
			}
		}
		if row.discipline != "" {
			if first, ok := disciplineOf[row.key]; !ok {
				disciplineOf[row.key] = row
			} else if row.discipline != first.discipline {
				add(row, "andere discipline voor %s dan op regel %d (%q)", row.email, first.line, first.discipline)
			}
		}
		if row.team != "" {
			pair := [2]string{row.key, row.team}
			if first, ok := membershipOf[pair]; ok {
				add(row, "dubbele regel: %s staat al in team %q op regel %d", row.email, row.team, first.line)
			} else {
				membershipOf[pair] = row
			}
		}
	}
	return problems
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

func linesOf(problems []RowProblem) map[int]bool {
	lines := make(map[int]bool, len(problems))
	for _, p := range problems {
		lines[p.Line] = true
	}
	return lines
}

// change is what an import did to one account or membership.
type change int

const (
	unchanged change = iota
	updated
	created
)

// saveRows creates or updates the accounts and memberships of rows, which
// have passed [checkRows]. A row that fails validation or a hook is
// returned as a problem and the other rows go on; any other error ends
// the import. app must be a transaction: a failed row can leave a saved
// account behind.
func saveRows(app core.App, rows []importRow, teamIds map[string]string) (ImportReport, []RowProblem, error) {
	var report ImportReport
	var problems []RowProblem

	users, err := app.FindCachedCollectionByNameOrId(hooks.UsersCollection)
	if err != nil {
		return report, nil, fmt.Errorf("finding the users collection: %w", err)
	}
	memberships, err := app.FindCachedCollectionByNameOrId(hooks.MembershipsCollection)
	if err != nil {
		return report, nil, fmt.Errorf("finding the memberships collection: %w", err)
	}

	accounts := map[string]*core.Record{} // e-mail address in lower case → account
	statuses := map[string]change{}
	order := []string{}

	for _, row := range rows {
		user, status, err := upsertUser(app, users, accounts[row.key], row)
		if err != nil {
			problem, ok := rowProblemOf(row, err)
			if !ok {
				return report, nil, fmt.Errorf("regel %d: saving %s: %w", row.line, row.email, err)
			}
			problems = append(problems, problem...)
			continue
		}
		if _, ok := statuses[row.key]; !ok {
			order = append(order, row.key)
		}
		accounts[row.key] = user
		statuses[row.key] = max(statuses[row.key], status)

		status, err = upsertMembership(app, memberships, teamIds[row.team], user.Id, row.role)
		if err != nil {
			problem, ok := rowProblemOf(row, err)
			if !ok {
				return report, nil, fmt.Errorf("regel %d: saving the membership of %s in %s: %w", row.line, row.email, row.team, err)
			}
			problems = append(problems, problem...)
			continue
		}
		switch status {
		case created:
			report.MembershipsCreated++
		case updated:
			report.MembershipsUpdated++
		default:
			report.MembershipsUnchanged++
		}
	}

	for _, key := range order {
		switch statuses[key] {
		case created:
			report.UsersCreated++
			report.NewUsers = append(report.NewUsers, accounts[key].Email())
		case updated:
			report.UsersUpdated++
		default:
			report.UsersUnchanged++
		}
	}
	return report, problems, nil
}

// upsertUser finds (or, when known is nil and there is none, creates) the
// account of row and gives it the row's name and discipline.
func upsertUser(app core.App, users *core.Collection, known *core.Record, row importRow) (*core.Record, change, error) {
	user := known
	if user == nil {
		var err error
		user, err = findUserByEmail(app, users, row.key)
		if err != nil {
			return nil, 0, err
		}
	}

	status := unchanged
	if user == nil {
		user = core.NewRecord(users)
		// addresses are stored in lower case (see users_names.go)
		user.SetEmail(row.key)
		user.SetVerified(true)
		// nobody knows this password: new users set theirs with a reset
		user.SetPassword(security.RandomString(40))
		user.Set("locale", "nl")
		status = created
	}

	if user.GetString("name") != row.name {
		user.Set("name", row.name)
		status = max(status, updated)
	}
	if row.discipline != "" && user.GetString("discipline") != row.discipline {
		user.Set("discipline", row.discipline)
		status = max(status, updated)
	}
	if status == unchanged {
		return user, status, nil
	}
	if err := app.Save(user); err != nil {
		return nil, 0, err
	}
	return user, status, nil
}

// findUserByEmail returns the account with email (in lower case), or nil.
func findUserByEmail(app core.App, users *core.Collection, email string) (*core.Record, error) {
	var found []*core.Record
	err := app.RecordQuery(users).
		AndWhere(dbx.NewExp("LOWER([["+core.FieldNameEmail+"]]) = {:email}", dbx.Params{"email": email})).
		Limit(2).
		All(&found)
	if err != nil {
		return nil, fmt.Errorf("looking up %s: %w", email, err)
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return found[0], nil
	default:
		return nil, validation.Errors{"email": validation.NewError("validation_ambiguous_email",
			fmt.Sprintf("er zijn meerdere accounts met e-mailadres %s (hoofdletters verschillen); voeg ze eerst samen", email))}
	}
}

// upsertMembership creates the membership of userId in teamId with role
// (member when empty), or gives an existing one role when it is not empty.
func upsertMembership(app core.App, memberships *core.Collection, teamId, userId, role string) (change, error) {
	membership, err := app.FindFirstRecordByFilter(memberships,
		"team = {:team} && user = {:user}", dbx.Params{"team": teamId, "user": userId})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if role == "" {
			role = hooks.RoleMember
		}
		membership = core.NewRecord(memberships)
		membership.Set("team", teamId)
		membership.Set("user", userId)
		membership.Set("role", role)
		if err := app.Save(membership); err != nil {
			return 0, err
		}
		return created, nil
	case err != nil:
		return 0, fmt.Errorf("looking up a membership: %w", err)
	}

	if role == "" || membership.GetString("role") == role {
		return unchanged, nil
	}
	membership.Set("role", role)
	if err := app.Save(membership); err != nil {
		return 0, err
	}
	return updated, nil
}

// rowProblemOf turns the validation errors of saving row into problems,
// one per field. It reports false for errors that are not validation
// errors.
func rowProblemOf(row importRow, err error) ([]RowProblem, bool) {
	var errs validation.Errors
	if !errors.As(err, &errs) {
		return nil, false
	}

	fields := make([]string, 0, len(errs))
	for field := range errs {
		fields = append(fields, field)
	}
	sort.Strings(fields)

	problems := make([]RowProblem, 0, len(fields))
	for _, field := range fields {
		problems = append(problems, RowProblem{row.line, fmt.Sprintf("%s: %s", columnOf(field), dutchMessage(errs[field]))})
	}
	return problems, true
}

// columnOf names a record field as the column of the file it comes from.
func columnOf(field string) string {
	if field == "user" {
		return ColumnEmail
	}
	return field
}

// dutchMessages translates the validation errors PocketBase is likely to
// return for an imported row; others keep PocketBase's English message.
var dutchMessages = map[string]string{
	"validation_required":            "ontbreekt",
	"validation_is_email":            "ongeldig e-mailadres",
	"validation_max_text_constraint": "is te lang",
	"validation_length_too_long":     "is te lang",
	"validation_not_unique":          "is al in gebruik",
	"validation_name_taken":          "is al de naam van een collega (hoofdletters, spaties en accenten tellen niet mee)",
	"validation_invalid_value":       "ongeldige waarde",
	"validation_missing_rel_records": "bestaat niet (meer)",
}

func dutchMessage(err error) string {
	var verr validation.Error
	if errors.As(err, &verr) {
		if msg, ok := dutchMessages[verr.Code()]; ok {
			return msg
		}
	}
	return err.Error()
}
