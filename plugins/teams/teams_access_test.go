package teams_test

import (
	"net/http"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketbase/pocketbase/tests"
)

func body(s string) *strings.Reader { return strings.NewReader(s) }

func auth(token string) map[string]string { return map[string]string{"Authorization": token} }

func TestMembershipsAccess(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)

	haarlem := testapp.Id(t, app, "teams", "slug", "haarlem-noord")
	carla := testapp.Id(t, app, "users", "email", "carla@buurtplein.test")
	bram := testapp.Id(t, app, "users", "email", "bram@buurtplein.test")
	membership := func(email, slug string) string {
		record, err := app.FindFirstRecordByFilter("memberships", "user.email = {:email} && team.slug = {:slug}",
			map[string]any{"email": email, "slug": slug})
		if err != nil {
			t.Fatal(err)
		}
		return record.Id
	}
	annaHaarlem := membership("anna@buurtplein.test", "haarlem-noord")
	bramHaarlem := membership("bram@buurtplein.test", "haarlem-noord")
	anna := testapp.Token(t, app, "anna@buurtplein.test")
	bramT := testapp.Token(t, app, "bram@buurtplein.test")
	carlaT := testapp.Token(t, app, "carla@buurtplein.test")
	eva := testapp.Token(t, app, "eva@buurtplein.test")

	addCarla := `{"team":"` + haarlem + `","user":"` + carla + `","role":"member"}`

	scenarios := []tests.ApiScenario{
		{
			Name:            "every employee reads who is in which team",
			Method:          http.MethodGet,
			URL:             "/api/collections/memberships/records?perPage=100",
			Headers:         auth(carlaT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":7`, annaHaarlem},
		},
		{
			Name:            "anna, coordinator, adds carla to Haarlem-Noord",
			Method:          http.MethodPost,
			URL:             "/api/collections/memberships/records",
			Headers:         auth(anna),
			Body:            body(addCarla),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"user":"` + carla + `"`},
		},
		{
			Name:            "bram, a member, cannot add colleagues",
			Method:          http.MethodPost,
			URL:             "/api/collections/memberships/records",
			Headers:         auth(bramT),
			Body:            body(addCarla),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
			ExpectedEvents:  map[string]int{"OnRecordCreate": 0},
		},
		{
			Name:            "carla cannot add herself",
			Method:          http.MethodPost,
			URL:             "/api/collections/memberships/records",
			Headers:         auth(carlaT),
			Body:            body(addCarla),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
			ExpectedEvents:  map[string]int{"OnRecordCreate": 0},
		},
		{
			Name:            "eva, coordinator of another team, cannot add to Haarlem-Noord",
			Method:          http.MethodPost,
			URL:             "/api/collections/memberships/records",
			Headers:         auth(eva),
			Body:            body(addCarla),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
			ExpectedEvents:  map[string]int{"OnRecordCreate": 0},
		},
		{
			Name:            "anna adds bram a second time",
			Method:          http.MethodPost,
			URL:             "/api/collections/memberships/records",
			Headers:         auth(anna),
			Body:            body(`{"team":"` + haarlem + `","user":"` + bram + `","role":"member"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		},
		{
			Name:            "anna makes bram coordinator (the role rotates)",
			Method:          http.MethodPatch,
			URL:             "/api/collections/memberships/records/" + bramHaarlem,
			Headers:         auth(anna),
			Body:            body(`{"role":"coordinator"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"role":"coordinator"`},
		},
		{
			Name:            "bram cannot promote himself",
			Method:          http.MethodPatch,
			URL:             "/api/collections/memberships/records/" + bramHaarlem,
			Headers:         auth(bramT),
			Body:            body(`{"role":"coordinator"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:            "anna cannot move bram's membership to another team",
			Method:          http.MethodPatch,
			URL:             "/api/collections/memberships/records/" + bramHaarlem,
			Headers:         auth(anna),
			Body:            body(`{"team":"` + testapp.Id(t, app, "teams", "slug", "heemstede") + `"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:           "bram leaves Haarlem-Noord",
			Method:         http.MethodDelete,
			URL:            "/api/collections/memberships/records/" + bramHaarlem,
			Headers:        auth(bramT),
			ExpectedStatus: 204,
		},
		{
			Name:           "anna removes bram",
			Method:         http.MethodDelete,
			URL:            "/api/collections/memberships/records/" + bramHaarlem,
			Headers:        auth(anna),
			ExpectedStatus: 204,
		},
		{
			Name:            "carla cannot remove bram",
			Method:          http.MethodDelete,
			URL:             "/api/collections/memberships/records/" + bramHaarlem,
			Headers:         auth(carlaT),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:            "anna, the last coordinator, cannot leave",
			Method:          http.MethodDelete,
			URL:             "/api/collections/memberships/records/" + annaHaarlem,
			Headers:         auth(anna),
			ExpectedStatus:  400,
			ExpectedContent: []string{"laatste coördinator"},
		},
		{
			Name:            "anna, the last coordinator, cannot step down",
			Method:          http.MethodPatch,
			URL:             "/api/collections/memberships/records/" + annaHaarlem,
			Headers:         auth(anna),
			Body:            body(`{"role":"member"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"role":{"code":"validation_last_coordinator"`},
		},
		{
			Name:           "anna leaves once bram is coordinator too",
			Method:         http.MethodDelete,
			URL:            "/api/collections/memberships/records/" + annaHaarlem,
			Headers:        auth(anna),
			ExpectedStatus: 204,
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				m, err := app.FindRecordById("memberships", bramHaarlem)
				if err != nil {
					t.Fatal(err)
				}
				m.Set("role", "coordinator")
				if err := app.Save(m); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			Name:            "an unknown role",
			Method:          http.MethodPatch,
			URL:             "/api/collections/memberships/records/" + bramHaarlem,
			Headers:         auth(anna),
			Body:            body(`{"role":"baas"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"role":{"code":"validation_invalid_value"`},
		},
	}

	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

func TestTeamsAndUsersAccess(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)

	haarlem := testapp.Id(t, app, "teams", "slug", "haarlem-noord")
	dirk := testapp.Id(t, app, "users", "email", "dirk@buurtplein.test")
	carlaId := testapp.Id(t, app, "users", "email", "carla@buurtplein.test")
	anna := testapp.Token(t, app, "anna@buurtplein.test")
	bram := testapp.Token(t, app, "bram@buurtplein.test")
	carla := testapp.Token(t, app, "carla@buurtplein.test")

	scenarios := []tests.ApiScenario{
		{
			Name:               "the directory: every employee, no e-mail addresses",
			Method:             http.MethodGet,
			URL:                "/api/collections/users/records?perPage=100&expand=" + "memberships_via_user.team",
			Headers:            auth(carla),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":6`, "Anna de Vries", "Bo Meijer", "wijkverpleegkundige", "Buurtteam Heemstede"},
			NotExpectedContent: []string{"anna@buurtplein.test", "bram@buurtplein.test", `"tokenKey"`, `"password"`},
		},
		{
			Name:            "the directory searched by discipline",
			Method:          http.MethodGet,
			URL:             "/api/collections/users/records?filter=" + "discipline%20~%20%22verzorgende%22",
			Headers:         auth(carla),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":1`, "Bram Jansen"},
		},
		{
			Name:            "carla edits her own profile",
			Method:          http.MethodPatch,
			URL:             "/api/collections/users/records/" + carlaId,
			Headers:         auth(carla),
			Body:            body(`{"name":"Carla Bakker-de Boer","discipline":"praktijkverpleegkundige","locale":"en"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{"Carla Bakker-de Boer", `"locale":"en"`},
		},
		{
			Name:            "carla cannot edit dirk",
			Method:          http.MethodPatch,
			URL:             "/api/collections/users/records/" + dirk,
			Headers:         auth(carla),
			Body:            body(`{"name":"Gekaapt"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:            "nobody signs up by themselves",
			Method:          http.MethodPost,
			URL:             "/api/collections/users/records",
			Body:            body(`{"email":"x@example.com","password":"12345678901","passwordConfirm":"12345678901","name":"X"}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
		},
		{
			Name:            "anna, coordinator, updates her team's description",
			Method:          http.MethodPatch,
			URL:             "/api/collections/teams/records/" + haarlem,
			Headers:         auth(anna),
			Body:            body(`{"description":"Wij zorgen in Haarlem-Noord."}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{"Wij zorgen in Haarlem-Noord."},
		},
		{
			Name:            "anna cannot rename her team's slug",
			Method:          http.MethodPatch,
			URL:             "/api/collections/teams/records/" + haarlem,
			Headers:         auth(anna),
			Body:            body(`{"slug":"haarlem"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:            "bram, a member, cannot edit the team",
			Method:          http.MethodPatch,
			URL:             "/api/collections/teams/records/" + haarlem,
			Headers:         auth(bram),
			Body:            body(`{"description":"x"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:            "nobody but IT creates teams",
			Method:          http.MethodPost,
			URL:             "/api/collections/teams/records",
			Headers:         auth(anna),
			Body:            body(`{"name":"Nieuw","slug":"nieuw","kind":"buurtteam"}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
		},
	}

	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}
