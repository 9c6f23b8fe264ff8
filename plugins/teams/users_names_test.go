package teams_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/teams"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

func TestNameKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Anna de Vries":         "anna de vries",
		" Anna  de Vríes ":      "anna de vries",
		"ANNA\tDE\u00a0VRIES":   "anna de vries",
		"Ånna dé Vrïes":         "anna de vries",
		"Anna de Vrie\u0301s":   "anna de vries", // a combining accent
		"Zoë Çelik-Ørsted":      "zoe celik-ørsted",
		"":                      "",
		"   ":                   "",
		"Anna de Vries (Noord)": "anna de vries (noord)",
		"ﬁnn":                   "finn", // a ligature
		"Ａｎｎａ":                  "anna", // full-width letters
	} {
		if got := teams.NameKey(in); got != want {
			t.Errorf("NameKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNamesUnique replays the probe: bram renamed himself "Anna de Vries"
// and posted as her. Names are unique in their folded form, on every path.
func TestNamesUnique(t *testing.T) {
	t.Parallel()
	base := testapp.New(t)
	bramId := testapp.Id(t, base, "users", "email", "bram@buurtplein.test")
	bram := auth(testapp.Token(t, base, "bram@buurtplein.test"))
	it := auth(testapp.Token(t, base, "it@buurtplein.test"))
	own := "/api/collections/users/records/" + bramId
	taken := []string{`"name":{"code":"validation_name_taken","message":"Er is al een collega met deze naam`, `"status":400`}

	scenarios := []tests.ApiScenario{
		{
			Name:            "bram renames himself anna de vries",
			Method:          http.MethodPatch,
			URL:             own,
			Headers:         bram,
			Body:            body(`{"name":"anna de vries"}`),
			ExpectedStatus:  400,
			ExpectedContent: taken,
			ExpectedEvents:  map[string]int{"OnRecordAfterUpdateSuccess": 0},
		},
		{
			Name:            "with spaces and an accent",
			Method:          http.MethodPatch,
			URL:             own,
			Headers:         bram,
			Body:            body(`{"name":" Anna  de Vríes "}`),
			ExpectedStatus:  400,
			ExpectedContent: taken,
		},
		{
			Name:            "IT in the dashboard is held to it too",
			Method:          http.MethodPatch,
			URL:             own,
			Headers:         it,
			Body:            body(`{"name":"ANNA DE VRIES"}`),
			ExpectedStatus:  400,
			ExpectedContent: taken,
		},
		{
			Name:            "in a batch",
			Method:          http.MethodPost,
			URL:             "/api/batch",
			Headers:         bram,
			Body:            body(`{"requests":[{"method":"PATCH","url":"` + own + `","body":{"name":"Anna de Vries"}}]}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{"validation_name_taken"},
		},
		{
			Name:               "a name of his own is fine, and his own again too",
			Method:             http.MethodPatch,
			URL:                own,
			Headers:            bram,
			Body:               body(`{"name":"Bram  Jansen","discipline":"wijkverpleegkundige"}`),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"name":"Bram  Jansen"`},
			NotExpectedContent: []string{"name_key"},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}

	// Go code and the dashboard's SaveNoValidate meet the unique index
	app := testapp.New(t)
	for _, save := range []func(core.Model) error{app.Save, app.SaveNoValidate} {
		user, err := app.FindRecordById("users", bramId)
		if err != nil {
			t.Fatal(err)
		}
		user.Set("name", "Anna de Vries")
		err = save(user)
		var errs validation.Errors
		if !errors.As(err, &errs) || errs["name"] == nil || !strings.Contains(err.Error(), "Er is al een collega") {
			t.Errorf("saving bram as Anna de Vries in Go: %v; want the Dutch error on name", err)
		}
	}
}

// TestNamesLocked checks the organisation setting: employees cannot change
// their name, IT (and the import, see TestImportSetsLockedNames) can.
func TestNamesLocked(t *testing.T) {
	t.Parallel()
	base := testapp.New(t)
	bramId := testapp.Id(t, base, "users", "email", "bram@buurtplein.test")
	bram := auth(testapp.Token(t, base, "bram@buurtplein.test"))
	it := auth(testapp.Token(t, base, "it@buurtplein.test"))
	own := "/api/collections/users/records/" + bramId
	locked := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) { lockNames(t, app) }

	scenarios := []tests.ApiScenario{
		{
			Name:            "every employee reads the settings",
			Method:          http.MethodGet,
			URL:             "/api/collections/organisation_settings/records",
			Headers:         bram,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":1`, `"names_locked":false`},
		},
		{
			Name:            "nobody without a session",
			Method:          http.MethodGet,
			URL:             "/api/collections/organisation_settings/records",
			ExpectedStatus:  200,
			ExpectedContent: []string{`"items":[]`},
		},
		{
			Name:            "an employee cannot unlock names",
			Method:          http.MethodPost,
			URL:             "/api/collections/organisation_settings/records",
			Headers:         bram,
			Body:            body(`{"names_locked":false}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
		},
		{
			Name:            "unlocked, bram renames himself",
			Method:          http.MethodPatch,
			URL:             own,
			Headers:         bram,
			Body:            body(`{"name":"Bram Jansen-Smit"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"name":"Bram Jansen-Smit"`},
		},
		{
			Name:            "locked, bram cannot rename himself",
			Method:          http.MethodPatch,
			URL:             own,
			Headers:         bram,
			Body:            body(`{"name":"Bram Jansen-Smit"}`),
			BeforeTestFunc:  locked,
			ExpectedStatus:  400,
			ExpectedContent: []string{`"name":{"code":"validation_name_locked","message":"Namen worden beheerd door IT.`},
			ExpectedEvents:  map[string]int{"OnRecordUpdate": 0},
		},
		{
			Name:            "locked, bram still edits the rest of his profile",
			Method:          http.MethodPatch,
			URL:             own,
			Headers:         bram,
			Body:            body(`{"name":"Bram Jansen","discipline":"wijkverpleegkundige"}`),
			BeforeTestFunc:  locked,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"discipline":"wijkverpleegkundige"`},
		},
		{
			Name:            "locked, IT renames bram in the dashboard",
			Method:          http.MethodPatch,
			URL:             own,
			Headers:         it,
			Body:            body(`{"name":"Bram Jansen-Smit"}`),
			BeforeTestFunc:  locked,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"name":"Bram Jansen-Smit"`},
		},
		{
			Name:            "the settings stay one record",
			Method:          http.MethodPost,
			URL:             "/api/collections/organisation_settings/records",
			Headers:         it,
			Body:            body(`{"names_locked":true}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{"validation_settings_exist"},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

// TestEmailsIgnoreCase checks that Anna@… and anna@… are one account: a
// second account is refused on every path, addresses are stored in lower
// case and anna signs in however she types hers.
func TestEmailsIgnoreCase(t *testing.T) {
	t.Parallel()
	base := testapp.New(t)
	it := auth(testapp.Token(t, base, "it@buurtplein.test"))
	newAccount := func(address, name string) *strings.Reader {
		return body(`{"email":"` + address + `","password":"buurtplein-demo","passwordConfirm":"buurtplein-demo","name":"` + name + `"}`)
	}

	scenarios := []tests.ApiScenario{
		{
			Name:            "IT creates Anna@buurtplein.test while anna exists",
			Method:          http.MethodPost,
			URL:             "/api/collections/users/records",
			Headers:         it,
			Body:            newAccount("Anna@buurtplein.test", "Anna de Vries-Bakker"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"email":{"code":"validation_email_taken","message":"Er is al een account met dit e-mailadres`},
			ExpectedEvents:  map[string]int{"OnRecordAfterCreateSuccess": 0},
		},
		{
			Name:            "a new address is stored in lower case",
			Method:          http.MethodPost,
			URL:             "/api/collections/users/records",
			Headers:         it,
			Body:            newAccount(" Fleur.Hendriks@Buurtplein.TEST", "Fleur Hendriks"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"email":"fleur.hendriks@buurtplein.test"`},
		},
		{
			Name:            "anna signs in as Anna@buurtplein.test",
			Method:          http.MethodPost,
			URL:             "/api/collections/users/auth-with-password",
			Body:            body(`{"identity":"Anna@BUURTPLEIN.test","password":"buurtplein-demo"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"token":`, `"name":"Anna de Vries"`},
		},
		{
			Name:            "IT signs in as IT@buurtplein.test",
			Method:          http.MethodPost,
			URL:             "/api/collections/_superusers/auth-with-password",
			Body:            body(`{"identity":"IT@Buurtplein.test","password":"buurtplein-demo"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"token":`},
		},
		{
			Name:   "a password reset for ANNA@… reaches anna",
			Method: http.MethodPost,
			URL:    "/api/collections/users/request-password-reset",
			Body:   body(`{"email":"ANNA@buurtplein.test"}`),
			Delay:  200 * time.Millisecond, // the mail goes out after the answer
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				// mail must be set up, or the request is refused; the
				// test mailer still catches the mail
				testapp.SetSMTP(t, app, "127.0.0.1", 2525)
			},
			ExpectedStatus: 204,
			ExpectedEvents: map[string]int{"OnMailerRecordPasswordResetSend": 1},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}

	// Go code (and the CSV import) meet the same index
	app := testapp.New(t)
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	for _, save := range []func(core.Model) error{app.Save, app.SaveNoValidate} {
		user := core.NewRecord(users)
		user.SetEmail("ANNA@buurtplein.test")
		user.SetPassword("buurtplein-demo")
		user.Set("name", "Anna Tweede")
		err := save(user)
		var errs validation.Errors
		if !errors.As(err, &errs) || errs["email"] == nil || !strings.Contains(err.Error(), "Er is al een account") {
			t.Errorf("a second anna in Go: %v; want the Dutch error on email", err)
		}
	}
	var n int
	if err := app.DB().Select("count(*)").From("users").Where(dbx.NewExp("email != LOWER(email)")).Row(&n); err != nil || n != 0 {
		t.Errorf("%d addresses not in lower case (%v)", n, err)
	}
}

// lockNames makes names read-only for employees.
func lockNames(t testing.TB, app core.App) {
	t.Helper()
	settings, err := app.FindFirstRecordByFilter(teams.SettingsCollection, "")
	if err != nil {
		t.Fatal(err)
	}
	settings.Set(teams.NamesLockedField, true)
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	if locked, err := teams.NamesLocked(app); err != nil || !locked {
		t.Fatalf("names locked: %v %v", locked, err)
	}
}

// TestNamesSharedBefore checks colleagues who shared a name before names
// were unique (the migration gave the later one a name key with its id):
// they keep their name and edit the rest of their profile, but a rename
// must be unique.
func TestNamesSharedBefore(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	bramId := testapp.Id(t, app, "users", "email", "bram@buurtplein.test")
	if _, err := app.DB().Update("users", dbx.Params{"name": "Anna de Vries", teams.NameKeyField: "anna de vries#" + bramId},
		dbx.HashExp{"id": bramId}).Execute(); err != nil {
		t.Fatal(err)
	}

	bram, _ := app.FindRecordById("users", bramId)
	bram.Set("discipline", "wijkverpleegkundige")
	if err := app.Save(bram); err != nil {
		t.Errorf("bram, who shared anna's name, edits his discipline: %v", err)
	}
	bram, _ = app.FindRecordById("users", bramId)
	bram.Set("name", "anna de vries")
	if err := app.Save(bram); err == nil || !strings.Contains(err.Error(), "Er is al een collega") {
		t.Errorf("bram renames himself to another spelling of anna's name: %v", err)
	}
	bram, _ = app.FindRecordById("users", bramId)
	bram.Set("name", "Bram Jansen")
	if err := app.Save(bram); err != nil {
		t.Errorf("bram takes his own name again: %v", err)
	}
	if got := bram.GetString(teams.NameKeyField); got != "bram jansen" {
		t.Errorf("bram's name key %q", got)
	}
}

// FuzzNameKey checks that a folded name is folded: folding it again
// changes nothing, and it has no upper case, accents or stray spaces.
func FuzzNameKey(f *testing.F) {
	for _, s := range []string{"Anna de Vries", " Anna  de Vríes ", "İstanbul", "ℌans", "ﬁnn", "a\u0301\u0302", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		key := teams.NameKey(name)
		if again := teams.NameKey(key); again != key {
			t.Fatalf("NameKey(%q) = %q, folded again %q", name, key, again)
		}
		if key != strings.TrimSpace(key) || strings.Contains(key, "  ") {
			t.Fatalf("NameKey(%q) = %q keeps stray spaces", name, key)
		}
	})
}

// TestNamesRace saves two new colleagues with one name at the same moment,
// several times over: the unique index lets exactly one through.
func TestNamesRace(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	for round := range 8 { // few rounds: each save hashes a password
		errs := make(chan error, 2)
		for i := range 2 {
			go func() {
				u := core.NewRecord(users)
				u.SetEmail(fmt.Sprintf("race-%d-%d@buurtplein.test", round, i))
				u.SetPassword("buurtplein-demo")
				u.Set("name", fmt.Sprintf("Zelfde Naam %d", round))
				errs <- app.Save(u)
			}()
		}
		var refused []error
		for range 2 {
			if err := <-errs; err != nil {
				refused = append(refused, err)
			}
		}
		if len(refused) != 1 || !strings.Contains(refused[0].Error(), "Er is al een collega") {
			t.Fatalf("round %d: refusals %v; want exactly one, in Dutch", round, refused)
		}
	}
}
