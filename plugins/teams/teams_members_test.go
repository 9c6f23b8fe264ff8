package teams_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// TestLastCoordinatorEveryPath checks that no path leaves a team without a
// coordinator: Go code (app.Save, app.Delete, as the import and other
// hooks use them), IT in the dashboard, deleting the coordinator's
// account. Deleting the team itself takes its memberships along.
func TestLastCoordinatorEveryPath(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	annaHaarlem, err := app.FindFirstRecordByFilter("memberships", "user.email = 'anna@buurtplein.test' && team.slug = 'haarlem-noord'")
	if err != nil {
		t.Fatal(err)
	}
	isLast := func(what string, err error) {
		t.Helper()
		var errs validation.Errors
		if !errors.As(err, &errs) || errs["role"] == nil || !strings.Contains(err.Error(), "laatste coördinator") {
			t.Errorf("%s: %v; want the last-coordinator error on role", what, err)
		}
	}

	demoted, _ := app.FindRecordById("memberships", annaHaarlem.Id)
	demoted.Set("role", "member")
	isLast("app.Save demotes anna", app.Save(demoted))
	demoted.Set("role", "member")
	isLast("app.SaveNoValidate demotes anna", app.SaveNoValidate(demoted))
	moved, _ := app.FindRecordById("memberships", annaHaarlem.Id)
	moved.Set("team", testapp.Id(t, app, "teams", "slug", "schalkwijk"))
	isLast("app.Save moves anna to Schalkwijk", app.Save(moved))
	isLast("app.Delete removes anna", app.Delete(annaHaarlem))
	anna, _ := app.FindAuthRecordByEmail("users", "anna@buurtplein.test")
	isLast("deleting anna's account", app.Delete(anna))
	// a failed step leaves everything as it was, in one transaction
	if err := app.RunInTransaction(func(txApp core.App) error {
		m, _ := txApp.FindRecordById("memberships", annaHaarlem.Id)
		m.Set("role", "member")
		return txApp.Save(m)
	}); err == nil {
		t.Error("demoting anna in a transaction succeeded")
	}
	if role(t, app, "anna@buurtplein.test", "haarlem-noord") != "coordinator" {
		t.Fatal("anna is no longer coordinator")
	}

	// with a second coordinator it works
	bram, err := app.FindFirstRecordByFilter("memberships", "user.email = 'bram@buurtplein.test' && team.slug = 'haarlem-noord'")
	if err != nil {
		t.Fatal(err)
	}
	bram.Set("role", "coordinator")
	if err := app.Save(bram); err != nil {
		t.Fatal(err)
	}
	demoted, _ = app.FindRecordById("memberships", annaHaarlem.Id)
	demoted.Set("role", "member")
	if err := app.Save(demoted); err != nil {
		t.Errorf("anna steps down next to bram: %v", err)
	}

	// a team that goes takes its last coordinator along
	heemstede, _ := app.FindFirstRecordByData("teams", "slug", "heemstede")
	if err := app.Delete(heemstede); err != nil {
		t.Errorf("deleting Heemstede: %v", err)
	}
	if n, _ := app.CountRecords("memberships", dbx.HashExp{"team": heemstede.Id}); n != 0 {
		t.Errorf("%d memberships of the deleted team left", n)
	}
}

// TestLastCoordinatorDashboard checks that IT, too, gets the Dutch 400
// in the dashboard (the record API as a superuser).
func TestLastCoordinatorDashboard(t *testing.T) {
	t.Parallel()
	base := testapp.New(t)
	m, err := base.FindFirstRecordByFilter("memberships", "user.email = 'eva@buurtplein.test' && team.slug = 'heemstede'")
	if err != nil {
		t.Fatal(err)
	}
	it := auth(testapp.Token(t, base, "it@buurtplein.test"))
	scenarios := []tests.ApiScenario{
		{
			Name:            "IT demotes eva, Heemstede's only coordinator",
			Method:          http.MethodPatch,
			URL:             "/api/collections/memberships/records/" + m.Id,
			Headers:         it,
			Body:            body(`{"role":"member"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"role":{"code":"validation_last_coordinator","message":"Dit is de laatste coördinator van het team.`},
		},
		{
			Name:            "IT removes eva from Heemstede",
			Method:          http.MethodDelete,
			URL:             "/api/collections/memberships/records/" + m.Id,
			Headers:         it,
			ExpectedStatus:  400,
			ExpectedContent: []string{"laatste coördinator"},
		},
		{
			Name:            "in a batch",
			Method:          http.MethodPost,
			URL:             "/api/batch",
			Headers:         it,
			Body:            body(`{"requests":[{"method":"DELETE","url":"/api/collections/memberships/records/` + m.Id + `"}]}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{"validation_last_coordinator"},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

// TestAddingNotifies checks that whoever is added to a team through the
// API (by a coordinator or by IT) hears of it, and who did it.
func TestAddingNotifies(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	url := testapp.Serve(t, app).URL
	carla := testapp.Id(t, app, "users", "email", "carla@buurtplein.test")
	bo := testapp.Id(t, app, "users", "email", "bo@buurtplein.test")

	for _, c := range []struct {
		token, user, team, role, want string
	}{
		{testapp.Token(t, app, "anna@buurtplein.test"), carla, "haarlem-noord", "member", `{"actor":"Anna de Vries","role":"member","team":"Buurtteam Haarlem-Noord"}`},
		{testapp.Token(t, app, "it@buurtplein.test"), bo, "heemstede", "coordinator", `{"actor":"IT","role":"coordinator","team":"Buurtteam Heemstede"}`},
	} {
		status, raw := testapp.Do(t, http.MethodPost, url+"/api/collections/memberships/records", c.token,
			map[string]any{"team": testapp.Id(t, app, "teams", "slug", c.team), "user": c.user, "role": c.role})
		if status != http.StatusOK {
			t.Fatalf("adding to %s: %d %s", c.team, status, raw)
		}
		n, err := app.FindFirstRecordByFilter("notifications", "user = {:user} && kind = {:kind}", dbx.Params{"user": c.user, "kind": notify.KindTeamAdded})
		if err != nil || n.GetString("params") != c.want ||
			n.GetString("subject_collection") != "teams" || n.GetString("subject") != testapp.Id(t, app, "teams", "slug", c.team) {
			t.Errorf("notification of %s: %v %v; want %q", c.team, n, err, c.want)
		}
	}

	// a refused addition notifies nobody
	eva := testapp.Id(t, app, "users", "email", "eva@buurtplein.test")
	status, _ := testapp.Do(t, http.MethodPost, url+"/api/collections/memberships/records", testapp.Token(t, app, "bram@buurtplein.test"),
		map[string]any{"team": testapp.Id(t, app, "teams", "slug", "haarlem-noord"), "user": eva, "role": "member"})
	if n, _ := app.CountRecords("notifications", dbx.HashExp{"user": eva, "kind": notify.KindTeamAdded}); status != http.StatusBadRequest || n != 0 {
		t.Errorf("bram adds eva: %d, %d notifications; want 400 and none", status, n)
	}
}

// TestLastCoordinatorRace has Haarlem-Noord's two coordinators step down
// at the same moment, many times over: the check and the change share a
// transaction, so one of them always stays.
func TestLastCoordinatorRace(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	find := func(email string) *core.Record {
		m, err := app.FindFirstRecordByFilter("memberships", "user.email = {:email} && team.slug = 'haarlem-noord'", dbx.Params{"email": email})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for round := range 20 {
		for _, email := range []string{"anna@buurtplein.test", "bram@buurtplein.test"} {
			m := find(email)
			m.Set("role", "coordinator")
			if err := app.Save(m); err != nil {
				t.Fatal(err)
			}
		}
		anna, bram := find("anna@buurtplein.test"), find("bram@buurtplein.test")
		errs := make(chan error, 2)
		for _, m := range []*core.Record{anna, bram} {
			go func() {
				m.Set("role", "member")
				errs <- app.Save(m)
			}()
		}
		failed := 0
		for range 2 {
			if err := <-errs; err != nil {
				failed++
			}
		}
		if n, _ := app.CountRecords("memberships", dbx.HashExp{"team": anna.GetString("team"), "role": "coordinator"}); n != 1 || failed != 1 {
			t.Fatalf("round %d: %d coordinators left, %d refusals; want 1 and 1", round, n, failed)
		}
	}
}
