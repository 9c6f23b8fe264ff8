package teams_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/teams"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

func TestImportUsersCreates(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	usersBefore := count(t, app, hooks.UsersCollection)

	report, err := importFile(t, app, "good.csv", teams.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}

	want := teams.ImportReport{
		Rows:               4,
		UsersCreated:       3,
		MembershipsCreated: 4,
		NewUsers:           []string{"fleur@buurtplein.test", "gijs@buurtplein.test", "hanna@buurtplein.test"},
		Imported:           true,
	}
	assertReport(t, report, want)

	if n := count(t, app, hooks.UsersCollection); n != usersBefore+3 {
		t.Errorf("users: got %d, want %d", n, usersBefore+3)
	}

	fleur := user(t, app, "fleur@buurtplein.test")
	if fleur.GetString("name") != "Fleur Hendriks" || fleur.GetString("discipline") != "wijkverpleegkundige" {
		t.Errorf("fleur: got name %q, discipline %q", fleur.GetString("name"), fleur.GetString("discipline"))
	}
	if !fleur.Verified() {
		t.Error("a new user must be verified")
	}
	if fleur.ValidatePassword(teams.DemoPassword) || fleur.ValidatePassword("") {
		t.Error("a new user must get a random password")
	}
	if got := user(t, app, "gijs@buurtplein.test").GetString("discipline"); got != "verzorgende IG" {
		t.Errorf("gijs: discipline %q (the empty cell on his second row must not clear it)", got)
	}

	for _, m := range []struct{ email, team, role string }{
		{"fleur@buurtplein.test", "haarlem-noord", hooks.RoleCoordinator},
		{"gijs@buurtplein.test", "schalkwijk", hooks.RoleMember}, // empty role
		{"gijs@buurtplein.test", "heemstede", hooks.RoleMember},
		{"hanna@buurtplein.test", "bob", hooks.RoleMember},
	} {
		if got := role(t, app, m.email, m.team); got != m.role {
			t.Errorf("%s in %s: role %q, want %q", m.email, m.team, got, m.role)
		}
	}

	// a second import of the same file changes nothing
	before := snapshot(t, app)
	report, err = importFile(t, app, "good.csv", teams.ImportOptions{})
	if err != nil {
		t.Fatalf("second import: %v", err)
	}
	assertReport(t, report, teams.ImportReport{Rows: 4, UsersUnchanged: 3, MembershipsUnchanged: 4, Imported: true})
	if after := snapshot(t, app); after != before {
		t.Errorf("a second import changed the data:\n%s", diff(before, after))
	}
}

func TestImportUsersUpdates(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	usersBefore := count(t, app, hooks.UsersCollection)

	// columns in another order, upper-case header and address, an extra
	// column, no role column
	report, err := importFile(t, app, "update.csv", teams.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	assertReport(t, report, teams.ImportReport{
		Rows:                 3,
		UsersUpdated:         1,
		UsersUnchanged:       1,
		MembershipsCreated:   1,
		MembershipsUnchanged: 2,
		Imported:             true,
	})

	if n := count(t, app, hooks.UsersCollection); n != usersBefore {
		t.Errorf("users: got %d, want %d (no new accounts)", n, usersBefore)
	}
	bram := user(t, app, "bram@buurtplein.test")
	if got := bram.GetString("discipline"); got != "wijkverpleegkundige" {
		t.Errorf("bram: discipline %q", got)
	}
	if !bram.ValidatePassword(teams.DemoPassword) {
		t.Error("an update must not change the password")
	}
	for _, m := range []struct{ email, team, role string }{
		{"bram@buurtplein.test", "haarlem-noord", hooks.RoleMember},
		{"bram@buurtplein.test", "schalkwijk", hooks.RoleMember},
		{"anna@buurtplein.test", "haarlem-noord", hooks.RoleCoordinator}, // no role: kept
	} {
		if got := role(t, app, m.email, m.team); got != m.role {
			t.Errorf("%s in %s: role %q, want %q", m.email, m.team, got, m.role)
		}
	}
}

func TestImportUsersRoles(t *testing.T) {
	t.Parallel()

	scenarios := []struct {
		name, csv string
		wantRole  string
		wantCount teams.ImportReport
	}{
		{
			"empty role keeps coordinator",
			"name,email,team,role\nAnna de Vries,anna@buurtplein.test,haarlem-noord,\n",
			hooks.RoleCoordinator,
			teams.ImportReport{Rows: 1, UsersUnchanged: 1, MembershipsUnchanged: 1, Imported: true},
		},
		{
			// the new coordinator's row comes after the old one's: the
			// import makes new coordinators first
			"explicit member demotes once another coordinates",
			"name,email,team,role\nAnna de Vries,anna@buurtplein.test,haarlem-noord,member\nBram Jansen,bram@buurtplein.test,haarlem-noord,coordinator\n",
			hooks.RoleMember,
			teams.ImportReport{Rows: 2, UsersUnchanged: 2, MembershipsUpdated: 2, Imported: true},
		},
		{
			"role is case-insensitive",
			"name,email,team,role\nAnna de Vries,anna@buurtplein.test,haarlem-noord, Coordinator \n",
			hooks.RoleCoordinator,
			teams.ImportReport{Rows: 1, UsersUnchanged: 1, MembershipsUnchanged: 1, Imported: true},
		},
	}

	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			app := testapp.New(t)

			report, err := teams.ImportUsers(app, strings.NewReader(s.csv), teams.ImportOptions{})
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			assertReport(t, report, s.wantCount)
			if got := role(t, app, "anna@buurtplein.test", "haarlem-noord"); got != s.wantRole {
				t.Errorf("role %q, want %q", got, s.wantRole)
			}
		})
	}
}

// badProblems are the problems of testdata/bad.csv.
var badProblems = []string{
	`regel 3: onbekend team "haarlem-zuid"`,
	`regel 4: ongeldig e-mailadres "x@"`,
	`regel 5: rol moet member of coordinator zijn, niet "baas"`,
	`regel 6: naam ontbreekt`,
	`regel 7: dubbele regel: FLEUR@buurtplein.test staat al in team "haarlem-noord" op regel 2`,
	`regel 8: discipline bevat een regelovergang of ander stuurteken`,
	`regel 11: naam is langer dan 120 tekens (121)`,
}

func TestImportUsersBadRows(t *testing.T) {
	t.Parallel()

	scenarios := []struct {
		name     string
		file     string
		opts     teams.ImportOptions
		want     teams.ImportReport
		wantErr  error
		problems []string
		changed  bool
	}{
		{
			name:     "nothing imported",
			file:     "bad.csv",
			want:     teams.ImportReport{Rows: 10, UsersCreated: 2, UsersUnchanged: 1, MembershipsCreated: 3, Skipped: 7, NewUsers: []string{"fleur@buurtplein.test", "lotte@buurtplein.test"}},
			wantErr:  teams.ErrBadRows,
			problems: badProblems,
		},
		{
			name:     "dry run",
			file:     "bad.csv",
			opts:     teams.ImportOptions{DryRun: true, SkipBad: true},
			want:     teams.ImportReport{Rows: 10, UsersCreated: 2, UsersUnchanged: 1, MembershipsCreated: 3, Skipped: 7, NewUsers: []string{"fleur@buurtplein.test", "lotte@buurtplein.test"}},
			problems: badProblems,
		},
		{
			name:     "skip bad rows",
			file:     "bad.csv",
			opts:     teams.ImportOptions{SkipBad: true},
			want:     teams.ImportReport{Rows: 10, UsersCreated: 2, UsersUnchanged: 1, MembershipsCreated: 3, Skipped: 7, NewUsers: []string{"fleur@buurtplein.test", "lotte@buurtplein.test"}, Imported: true},
			problems: badProblems,
			changed:  true,
		},
		{
			name:     "unknown team skipped",
			file:     "sep_line.csv",
			opts:     teams.ImportOptions{SkipBad: true},
			want:     teams.ImportReport{Rows: 3, UsersCreated: 1, MembershipsCreated: 2, Skipped: 1, NewUsers: []string{"wim@buurtplein.test"}, Imported: true},
			problems: []string{`regel 5: onbekend team "haarlem-zuid"`}, // the "sep=;" line is line 1
			changed:  true,
		},
	}

	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			app := testapp.New(t)
			before := snapshot(t, app)

			report, err := importFile(t, app, s.file, s.opts)
			if !errors.Is(err, s.wantErr) {
				t.Fatalf("error %v, want %v", err, s.wantErr)
			}
			s.want.Problems = report.Problems // compared below
			assertReport(t, report, s.want)
			assertProblems(t, report, s.problems)

			after := snapshot(t, app)
			if !s.changed && after != before {
				t.Fatalf("the data changed:\n%s", diff(before, after))
			}
			if s.changed && after == before {
				t.Fatal("nothing was imported")
			}
		})
	}

	t.Run("skip bad imports exactly the good rows", func(t *testing.T) {
		t.Parallel()
		app := testapp.New(t)
		if _, err := importFile(t, app, "bad.csv", teams.ImportOptions{SkipBad: true}); err != nil {
			t.Fatal(err)
		}
		for _, m := range []struct{ email, team, role string }{
			{"fleur@buurtplein.test", "haarlem-noord", hooks.RoleCoordinator}, // line 2, not line 7's member
			{"lotte@buurtplein.test", "bob", hooks.RoleMember},
			{"dirk@buurtplein.test", "heemstede", hooks.RoleCoordinator},
		} {
			if got := role(t, app, m.email, m.team); got != m.role {
				t.Errorf("%s in %s: role %q, want %q", m.email, m.team, got, m.role)
			}
		}
		for _, email := range []string{"gijs@buurtplein.test", "iris@buurtplein.test", "jan@buurtplein.test", "kees@buurtplein.test", "maria@buurtplein.test"} {
			if _, err := app.FindAuthRecordByEmail(hooks.UsersCollection, email); err == nil {
				t.Errorf("%s was imported from a bad row", email)
			}
		}
	})
}

func TestImportUsersRowChecks(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	before := snapshot(t, app)

	scenarios := []struct {
		name, csv string
		problems  []string
	}{
		{
			"duplicate row",
			"name,email,team\nBram Jansen,bram@buurtplein.test,schalkwijk\nBram Jansen,Bram@Buurtplein.test, Schalkwijk \n",
			[]string{`regel 3: dubbele regel: Bram@Buurtplein.test staat al in team "schalkwijk" op regel 2`},
		},
		{
			"unknown team",
			"name,email,team\nBram Jansen,bram@buurtplein.test,haarlem-zuid\n",
			[]string{`regel 2: onbekend team "haarlem-zuid"`},
		},
		{
			"invalid role",
			"name,email,team,role\nBram Jansen,bram@buurtplein.test,schalkwijk,baas\n",
			[]string{`regel 2: rol moet member of coordinator zijn, niet "baas"`},
		},
		{
			"missing values",
			"name,email,team\n,,\nBram Jansen,,schalkwijk\n",
			// a row of empty cells is a blank row, as Excel writes them
			[]string{`regel 3: e-mailadres ontbreekt`},
		},
		{
			"everything wrong at once",
			"name,email,team,role\n,x@,,boss\n",
			[]string{`regel 2: naam ontbreekt`, `regel 2: ongeldig e-mailadres "x@"`, `regel 2: team ontbreekt`, `regel 2: rol moet member of coordinator zijn, niet "boss"`},
		},
		{
			"two names for one person",
			"name,email,team\nBram Jansen,bram@buurtplein.test,schalkwijk\nB. Jansen,bram@buurtplein.test,heemstede\n",
			[]string{`regel 3: andere naam voor bram@buurtplein.test dan op regel 2 ("Bram Jansen")`},
		},
		{
			"two disciplines for one person",
			"name,email,team,discipline\nBram Jansen,bram@buurtplein.test,schalkwijk,a\nBram Jansen,bram@buurtplein.test,heemstede,b\n",
			[]string{`regel 3: andere discipline voor bram@buurtplein.test dan op regel 2 ("a")`},
		},
		{
			"discipline too long",
			"name,email,team,discipline\nBram Jansen,bram@buurtplein.test,schalkwijk," + strings.Repeat("é", 81) + "\n",
			[]string{`regel 2: discipline is langer dan 80 tekens (81)`},
		},
		{
			"not utf-8",
			"name,email,team\nZo\xeb Smit,zoe@buurtplein.test,schalkwijk\n",
			[]string{`regel 2: name is geen geldige UTF-8-tekst; sla het bestand op als "CSV UTF-8"`},
		},
	}

	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			report, err := teams.ImportUsers(app, strings.NewReader(s.csv), teams.ImportOptions{})
			if !errors.Is(err, teams.ErrBadRows) {
				t.Fatalf("error %v, want ErrBadRows", err)
			}
			if report.Imported {
				t.Error("reported as imported")
			}
			assertProblems(t, report, s.problems)
		})
	}

	if after := snapshot(t, app); after != before {
		t.Fatalf("the data changed:\n%s", diff(before, after))
	}
}

func TestImportUsersFormats(t *testing.T) {
	t.Parallel()

	scenarios := []struct {
		name, file string
		want       teams.ImportReport
		check      func(t *testing.T, app core.App)
	}{
		{
			name: "semicolons, BOM, CRLF and empty Excel rows",
			file: "semicolon_bom.csv",
			want: teams.ImportReport{Rows: 2, UsersCreated: 2, MembershipsCreated: 2, NewUsers: []string{"sanne@buurtplein.test", "zoe@buurtplein.test"}, Imported: true},
			check: func(t *testing.T, app core.App) {
				if got := user(t, app, "zoe@buurtplein.test").GetString("name"); got != "Zoë Çelik" {
					t.Errorf("name %q", got)
				}
				if got := user(t, app, "zoe@buurtplein.test").GetString("discipline"); got != "verzorgende IG; wondzorg" {
					t.Errorf("discipline %q", got)
				}
				if got := role(t, app, "sanne@buurtplein.test", "heemstede"); got != hooks.RoleCoordinator {
					t.Errorf("sanne: role %q", got)
				}
			},
		},
		{
			name: "Excel sep= line",
			file: "sep_line.csv",
			// the third row has an unknown team; without --skip-bad see below
		},
	}

	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			app := testapp.New(t)
			report, err := importFile(t, app, s.file, teams.ImportOptions{})
			if s.check == nil {
				// sep_line.csv: the separator is read from its first line,
				// so the columns are found and only the bad team is reported
				if !errors.Is(err, teams.ErrBadRows) {
					t.Fatalf("error %v, want ErrBadRows", err)
				}
				assertProblems(t, report, []string{`regel 5: onbekend team "haarlem-zuid"`})
				return
			}
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			assertReport(t, report, s.want)
			s.check(t, app)
		})
	}
}

func TestImportUsersFileErrors(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	before := snapshot(t, app)

	missing, err := os.ReadFile(filepath.Join("testdata", "missing_column.csv"))
	if err != nil {
		t.Fatal(err)
	}

	scenarios := []struct {
		name, csv string
		wantErr   string
	}{
		{"missing column", string(missing), `regel 1: de kopregel mist de kolom(men) team (gevonden: name, email, role, discipline)`},
		{"no header", "Bram Jansen,bram@buurtplein.test,schalkwijk\n", `de kopregel mist de kolom(men) name, email, team`},
		{"empty file", "", "het bestand is leeg"},
		{"only a BOM", "\ufeff", "het bestand is leeg"},
		{"column twice", "name,email,team,Email\n", `regel 1: kolom "email" staat twee keer in de kopregel`},
		{"broken quotes", "name,email,team\nBram Jansen,bram@buurtplein.test,schalkwijk\n\"Anna,anna@buurtplein.test,schalkwijk\n", "ongeldige CSV"},
		{"bare quote", "name,email,team\nBram \"B\" Jansen,bram@buurtplein.test,schalkwijk\n", `regel 2: ongeldige CSV`},
	}

	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			for _, skipBad := range []bool{false, true} {
				report, err := teams.ImportUsers(app, strings.NewReader(s.csv), teams.ImportOptions{SkipBad: skipBad})
				if err == nil || errors.Is(err, teams.ErrBadRows) {
					t.Fatalf("skipBad=%v: error %v, want a file error", skipBad, err)
				}
				if !strings.Contains(err.Error(), s.wantErr) {
					t.Errorf("skipBad=%v: error %q, want it to contain %q", skipBad, err, s.wantErr)
				}
				if report.Imported {
					t.Errorf("skipBad=%v: reported as imported", skipBad)
				}
			}
		})
	}

	if after := snapshot(t, app); after != before {
		t.Fatalf("the data changed:\n%s", diff(before, after))
	}
}

func TestImportUsersNoTeams(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	all, err := app.FindAllRecords(hooks.TeamsCollection)
	if err != nil {
		t.Fatal(err)
	}
	testapp.DeleteClients(t, app)
	for _, team := range all {
		if err := app.Delete(team); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, app)

	_, err = importFile(t, app, "good.csv", teams.ImportOptions{SkipBad: true})
	if err == nil || !strings.Contains(err.Error(), "er zijn nog geen teams") {
		t.Fatalf("error %v, want one that says there are no teams", err)
	}
	if after := snapshot(t, app); after != before {
		t.Fatalf("the data changed:\n%s", diff(before, after))
	}
}

// TestImportUsersRecordValidation checks that PocketBase's record
// validation (and the hooks it runs) is reported per line, and that a row
// whose membership fails leaves no account behind.
func TestImportUsersRecordValidation(t *testing.T) {
	t.Parallel()

	const csv = "name,email,team,discipline\n" +
		"Fleur Hendriks,fleur@buurtplein.test,haarlem-noord,wijkverpleegkundige\n" + // 2
		"Gijs de Boer,gijs@buurtplein.test,schalkwijk,geheim agent\n" + // 3: users hook
		"Hanna Mulder,hanna@buurtplein.test,bob,medewerker BOB\n" + // 4: memberships hook
		"Hanna Mulder,hanna@buurtplein.test,heemstede,\n" // 5

	newApp := func(t *testing.T) core.App {
		app := testapp.New(t)
		app.OnRecordValidate(hooks.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
			if e.Record.GetString("discipline") == "geheim agent" {
				return hooks.FieldError("discipline", "not_allowed", "Deze discipline bestaat niet.")
			}
			return e.Next()
		})
		app.OnRecordValidate(hooks.MembershipsCollection).BindFunc(func(e *core.RecordEvent) error {
			team, _ := e.App.FindRecordById(hooks.TeamsCollection, e.Record.GetString("team"))
			if team != nil && team.GetString("slug") == "bob" {
				return hooks.FieldError("team", "closed", "BOB neemt nu niemand aan.")
			}
			return e.Next()
		})
		return app
	}
	problems := []string{
		`regel 3: discipline: Deze discipline bestaat niet.`,
		`regel 4: team: BOB neemt nu niemand aan.`,
	}

	t.Run("nothing imported", func(t *testing.T) {
		t.Parallel()
		app := newApp(t)
		before := snapshot(t, app)
		report, err := teams.ImportUsers(app, strings.NewReader(csv), teams.ImportOptions{})
		if !errors.Is(err, teams.ErrBadRows) {
			t.Fatalf("error %v, want ErrBadRows", err)
		}
		assertProblems(t, report, problems)
		if after := snapshot(t, app); after != before {
			t.Fatalf("the data changed:\n%s", diff(before, after))
		}
	})

	t.Run("skip bad", func(t *testing.T) {
		t.Parallel()
		app := newApp(t)
		report, err := teams.ImportUsers(app, strings.NewReader(csv), teams.ImportOptions{SkipBad: true})
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		assertProblems(t, report, problems)
		assertReport(t, report, teams.ImportReport{
			Rows: 4, UsersCreated: 2, MembershipsCreated: 2, Skipped: 2, Imported: true,
			NewUsers: []string{"fleur@buurtplein.test", "hanna@buurtplein.test"},
			Problems: report.Problems,
		})
		if _, err := app.FindAuthRecordByEmail(hooks.UsersCollection, "gijs@buurtplein.test"); err == nil {
			t.Error("gijs was imported from a bad row")
		}
		if got := role(t, app, "hanna@buurtplein.test", "bob"); got != "" {
			t.Errorf("hanna is in bob (%q) from a bad row", got)
		}
		if got := role(t, app, "hanna@buurtplein.test", "heemstede"); got != hooks.RoleMember {
			t.Errorf("hanna in heemstede: role %q", got)
		}
	})
}

func TestUsersImportCommand(t *testing.T) {
	t.Parallel()

	scenarios := []struct {
		name     string
		args     []string
		wantErr  bool
		expected []string
		changed  bool
	}{
		{
			name:    "good file",
			args:    []string{"testdata/good.csv"},
			changed: true,
			expected: []string{
				"Import voltooid: 4 regels gelezen.",
				"medewerkers:      3 nieuw, 0 bijgewerkt, 0 ongewijzigd",
				"lidmaatschappen:  4 nieuw, 0 bijgewerkt, 0 ongewijzigd",
				"overgeslagen:     0 regels",
				`3 nieuwe medewerkers hebben een willekeurig wachtwoord`,
				"  hanna@buurtplein.test\n",
			},
		},
		{
			name:    "bad file",
			args:    []string{"testdata/bad.csv"},
			wantErr: true,
			expected: append(slices.Clone(badProblems),
				"Niets geïmporteerd: 7 van de 10 regels zijn fout.",
				"--skip-bad",
			),
		},
		{
			name:     "bad file, skip bad",
			args:     []string{"testdata/bad.csv", "--skip-bad"},
			changed:  true,
			expected: append(slices.Clone(badProblems), "Import voltooid: 10 regels gelezen.", "overgeslagen:     7 regels"),
		},
		{
			name:     "dry run",
			args:     []string{"--dry-run", "testdata/good.csv"},
			expected: []string{"Proefimport (--dry-run): er is niets opgeslagen.", "3 nieuw"},
		},
		{
			name:    "missing file",
			args:    []string{"testdata/nope.csv"},
			wantErr: true,
		},
	}

	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			app := testapp.New(t)
			before := snapshot(t, app)

			root := &cobra.Command{Use: "buurtplein"}
			teams.MustRegister(app, teams.Config{Command: root})
			var out bytes.Buffer
			root.SetOut(&out)
			root.SetErr(&out)
			root.SetArgs(append([]string{"users", "import"}, s.args...))

			err := root.Execute()
			if (err != nil) != s.wantErr {
				t.Fatalf("error %v, want error: %v\n%s", err, s.wantErr, out.String())
			}
			for _, e := range s.expected {
				if !strings.Contains(out.String(), e) {
					t.Errorf("output lacks %q:\n%s", e, out.String())
				}
			}
			if changed := snapshot(t, app) != before; changed != s.changed {
				t.Errorf("changed %v, want %v", changed, s.changed)
			}
		})
	}
}

// FuzzImportUsers checks that no file makes the import panic or leave
// part of itself behind: it fails with the data untouched, or what it
// reports matches what is in the database.
func FuzzImportUsers(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.csv"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
		f.Add(data, true)
	}
	f.Add([]byte("email;name;team;role\nanna@buurtplein.test;Anna;bob;coordinator\n"), false)

	// one app for all inputs: the checks compare the data before and after
	// each input, so they need no fresh app, and a fresh app per input
	// makes fuzzing some 30 times slower (4 instead of 130 inputs a second)
	app := testapp.New(f)

	f.Fuzz(func(t *testing.T, data []byte, skipBad bool) {
		before := snapshot(t, app)
		usersBefore := count(t, app, hooks.UsersCollection)
		membershipsBefore := count(t, app, hooks.MembershipsCollection)

		report, err := teams.ImportUsers(app, bytes.NewReader(data), teams.ImportOptions{SkipBad: skipBad})
		after := snapshot(t, app)

		if err != nil || !report.Imported {
			if err == nil {
				t.Fatal("not imported and no error")
			}
			if report.Imported {
				t.Fatalf("imported with error %v", err)
			}
			if after != before {
				t.Fatalf("error %v, and the data changed:\n%s", err, diff(before, after))
			}
			return
		}

		if !skipBad && len(report.Problems) > 0 {
			t.Fatalf("imported with problems: %v", report.Problems)
		}
		if n := count(t, app, hooks.UsersCollection); n != usersBefore+report.UsersCreated {
			t.Errorf("users: %d, want %d + %d created", n, usersBefore, report.UsersCreated)
		}
		if n := count(t, app, hooks.MembershipsCollection); n != membershipsBefore+report.MembershipsCreated {
			t.Errorf("memberships: %d, want %d + %d created", n, membershipsBefore, report.MembershipsCreated)
		}
		if report.UsersCreated != len(report.NewUsers) {
			t.Errorf("%d users created, %d new users listed", report.UsersCreated, len(report.NewUsers))
		}
		if report.UsersCreated+report.UsersUpdated+report.MembershipsCreated+report.MembershipsUpdated == 0 && after != before {
			t.Errorf("no changes reported, and the data changed:\n%s", diff(before, after))
		}
		for _, email := range report.NewUsers {
			if _, err := app.FindAuthRecordByEmail(hooks.UsersCollection, email); err != nil {
				t.Errorf("new user %s: %v", email, err)
			}
		}
	})
}

// importFile imports testdata/name into app.
func importFile(t *testing.T, app core.App, name string, opts teams.ImportOptions) (teams.ImportReport, error) {
	t.Helper()
	file, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	return teams.ImportUsers(app, file, opts)
}

func assertReport(t *testing.T, got, want teams.ImportReport) {
	t.Helper()
	if want.Problems == nil {
		want.Problems = got.Problems
		if len(got.Problems) > 0 {
			t.Errorf("unexpected problems: %v", got.Problems)
		}
	}
	g := fmt.Sprintf("%+v", got)
	w := fmt.Sprintf("%+v", want)
	if g != w {
		t.Errorf("report:\n got %s\nwant %s", g, w)
	}
}

func assertProblems(t *testing.T, report teams.ImportReport, want []string) {
	t.Helper()
	got := make([]string, len(report.Problems))
	for i, p := range report.Problems {
		got[i] = p.String()
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

func count(t testing.TB, app core.App, collection string) int {
	t.Helper()
	n, err := app.CountRecords(collection)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func user(t testing.TB, app core.App, email string) *core.Record {
	t.Helper()
	record, err := app.FindAuthRecordByEmail(hooks.UsersCollection, email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return record
}

// role returns the role of email in the team with slug, or "".
func role(t testing.TB, app core.App, email, slug string) string {
	t.Helper()
	r, err := hooks.Role(app, user(t, app, email).Id, testapp.Id(t, app, hooks.TeamsCollection, "slug", slug))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// snapshot returns every account and membership as sorted lines, for
// comparing the data before and after an import.
func snapshot(t testing.TB, app core.App) string {
	t.Helper()
	users, err := app.FindAllRecords(hooks.UsersCollection)
	if err != nil {
		t.Fatal(err)
	}
	memberships, err := app.FindAllRecords(hooks.MembershipsCollection)
	if err != nil {
		t.Fatal(err)
	}
	teamsList, err := app.FindAllRecords(hooks.TeamsCollection)
	if err != nil {
		t.Fatal(err)
	}

	emails := map[string]string{}
	var lines []string
	for _, u := range users {
		emails[u.Id] = u.Email()
		lines = append(lines, fmt.Sprintf("user %s|%s|%s|%v|%s|%s|%s", u.Email(), u.GetString("name"),
			u.GetString("discipline"), u.Verified(), u.GetString("locale"), u.TokenKey(), u.GetString("updated")))
	}
	slugs := map[string]string{}
	for _, team := range teamsList {
		slugs[team.Id] = team.GetString("slug")
	}
	for _, m := range memberships {
		lines = append(lines, fmt.Sprintf("membership %s|%s|%s|%s", slugs[m.GetString("team")],
			emails[m.GetString("user")], m.GetString("role"), m.GetString("updated")))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// diff returns the lines only in a and only in b.
func diff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for _, l := range la {
		if !slices.Contains(lb, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range lb {
		if !slices.Contains(la, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
