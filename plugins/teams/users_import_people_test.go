package teams_test

import (
	"errors"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/teams"
)

// TestImportLastCoordinator replays the probe: a row that made the last
// coordinator of a team a member was imported silently. Now the row is
// refused with its line, and nothing is imported.
func TestImportLastCoordinator(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	before := snapshot(t, app)

	const csv = "name,email,team,role\n" +
		"Bram Jansen,bram@buurtplein.test,haarlem-noord,member\n" +
		"Anna de Vries,anna@buurtplein.test,haarlem-noord,member\n" + // 3: the last coordinator
		"Eva Smit,eva@buurtplein.test,heemstede,coordinator\n"

	report, err := teams.ImportUsers(app, strings.NewReader(csv), teams.ImportOptions{})
	if !errors.Is(err, teams.ErrBadRows) {
		t.Fatalf("error %v, want ErrBadRows", err)
	}
	assertProblems(t, report, []string{
		"regel 3: role: Dit is de laatste coördinator van het team. Maak eerst een collega coördinator.",
	})
	if after := snapshot(t, app); after != before {
		t.Fatalf("the data changed:\n%s", diff(before, after))
	}

	// with --skip-bad the other rows go in and anna stays coordinator
	report, err = teams.ImportUsers(app, strings.NewReader(csv), teams.ImportOptions{SkipBad: true})
	if err != nil || !report.Imported || report.Skipped != 1 {
		t.Fatalf("skip bad: %v %+v", err, report)
	}
	if got := role(t, app, "anna@buurtplein.test", "haarlem-noord"); got != hooks.RoleCoordinator {
		t.Errorf("anna: role %q, want coordinator", got)
	}
}

// TestImportDuplicateNames checks that the import keeps names unique:
// within the file and against the accounts already there, with the line.
func TestImportDuplicateNames(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	before := snapshot(t, app)

	const csv = "name,email,team\n" +
		"Fleur Hendriks,fleur@buurtplein.test,haarlem-noord\n" +
		"anna de vríes,anna2@buurtplein.test,schalkwijk\n" + // 3: anna's name
		"Fleur  HENDRIKS,fleur2@buurtplein.test,heemstede\n" // 4: fleur's name, line 2

	report, err := teams.ImportUsers(app, strings.NewReader(csv), teams.ImportOptions{})
	if !errors.Is(err, teams.ErrBadRows) {
		t.Fatalf("error %v, want ErrBadRows", err)
	}
	assertProblems(t, report, []string{
		"regel 3: name: is al de naam van een collega (hoofdletters, spaties en accenten tellen niet mee)",
		`regel 4: naam "Fleur  HENDRIKS" is al van fleur@buurtplein.test op regel 2; namen moeten uniek zijn (hoofdletters, spaties en accenten tellen niet mee)`,
	})
	if after := snapshot(t, app); after != before {
		t.Fatalf("the data changed:\n%s", diff(before, after))
	}
}

// TestImportSetsLockedNames checks that IT's import still sets names when
// employees may not change them.
func TestImportSetsLockedNames(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	lockNames(t, app)

	report, err := teams.ImportUsers(app, strings.NewReader("name,email,team\nBram Jansen-Smit,BRAM@buurtplein.test,haarlem-noord\n"), teams.ImportOptions{})
	if err != nil || report.UsersUpdated != 1 {
		t.Fatalf("import: %v %+v", err, report)
	}
	if got := user(t, app, "bram@buurtplein.test").GetString("name"); got != "Bram Jansen-Smit" {
		t.Errorf("bram's name %q", got)
	}
}
