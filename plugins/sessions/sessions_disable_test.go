package sessions_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// TestDisableAccess checks who may block and unblock whom: IT anyone, a
// coordinator the members of their teams but not themselves, nobody else.
func TestDisableAccess(t *testing.T) {
	t.Parallel()
	base := testapp.New(t)
	id := func(name string) string { return testapp.Id(t, base, "users", "email", email(name)) }
	token := func(address string) map[string]string {
		return map[string]string{"Authorization": testapp.Token(t, base, address)}
	}
	anna, eva, bram, it := token(email("anna")), token(email("eva")), token(email("bram")), token("it@buurtplein.test")

	disabled := func(name string, want bool) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			user, err := app.FindAuthRecordByEmail("users", email(name))
			if err != nil {
				t.Fatal(err)
			}
			if got := user.GetBool("disabled"); got != want {
				t.Errorf("%s disabled = %v, want %v", name, got, want)
			}
		}
	}
	// disableFirst blocks name before the scenario's request
	disableFirst := func(name string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
		return func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
			setDisabled(t, app, name, true)
		}
	}

	scenarios := []tests.ApiScenario{
		{
			Name:           "anna, coordinator of Haarlem-Noord, blocks bram, a member",
			Method:         http.MethodPost,
			URL:            "/api/buurtplein/users/" + id("bram") + "/disable",
			Headers:        anna,
			ExpectedStatus: http.StatusNoContent,
			ExpectedEvents: map[string]int{"OnRecordUpdate": 1, "OnRecordAfterUpdateSuccess": 1},
			AfterTestFunc:  disabled("bram", true),
			TestAppFactory: testapp.Factory,
		},
		{
			Name:            "anna cannot block dirk, who also works in Schalkwijk",
			Method:          http.MethodPost,
			URL:             "/api/buurtplein/users/" + id("dirk") + "/disable",
			Headers:         anna,
			ExpectedStatus:  http.StatusForbidden,
			ExpectedContent: []string{"ook in een team dat je niet coördineert", "Alleen IT"},
			ExpectedEvents:  map[string]int{"OnRecordUpdate": 0},
			AfterTestFunc:   disabled("dirk", false),
			TestAppFactory:  testapp.Factory,
		},
		{
			Name:            "anna cannot unblock dirk either",
			Method:          http.MethodPost,
			URL:             "/api/buurtplein/users/" + id("dirk") + "/enable",
			Headers:         anna,
			BeforeTestFunc:  disableFirst("dirk"),
			ExpectedStatus:  http.StatusForbidden,
			ExpectedContent: []string{"Alleen IT"},
			AfterTestFunc:   disabled("dirk", true),
			TestAppFactory:  testapp.Factory,
		},
		{
			Name:           "IT blocks dirk",
			Method:         http.MethodPost,
			URL:            "/api/buurtplein/users/" + id("dirk") + "/disable",
			Headers:        it,
			ExpectedStatus: http.StatusNoContent,
			AfterTestFunc:  disabled("dirk", true),
			TestAppFactory: testapp.Factory,
		},
		{
			Name:           "IT blocks carla",
			Method:         http.MethodPost,
			URL:            "/api/buurtplein/users/" + id("carla") + "/disable",
			Headers:        it,
			ExpectedStatus: http.StatusNoContent,
			AfterTestFunc:  disabled("carla", true),
			TestAppFactory: testapp.Factory,
		},
		{
			Name:           "IT blocks anna, a coordinator",
			Method:         http.MethodPost,
			URL:            "/api/buurtplein/users/" + id("anna") + "/disable",
			Headers:        it,
			ExpectedStatus: http.StatusNoContent,
			AfterTestFunc:  disabled("anna", true),
			TestAppFactory: testapp.Factory,
		},
		{
			Name:           "blocking a blocked account changes nothing",
			Method:         http.MethodPost,
			URL:            "/api/buurtplein/users/" + id("bram") + "/disable",
			Headers:        anna,
			BeforeTestFunc: disableFirst("bram"),
			ExpectedStatus: http.StatusNoContent,
			ExpectedEvents: map[string]int{"OnRecordUpdate": 0},
			AfterTestFunc:  disabled("bram", true),
			TestAppFactory: testapp.Factory,
		},
		{
			Name:           "anna unblocks bram",
			Method:         http.MethodPost,
			URL:            "/api/buurtplein/users/" + id("bram") + "/enable",
			Headers:        anna,
			BeforeTestFunc: disableFirst("bram"),
			ExpectedStatus: http.StatusNoContent,
			AfterTestFunc:  disabled("bram", false),
			TestAppFactory: testapp.Factory,
		},
		{
			Name:           "IT unblocks carla",
			Method:         http.MethodPost,
			URL:            "/api/buurtplein/users/" + id("carla") + "/enable",
			Headers:        it,
			BeforeTestFunc: disableFirst("carla"),
			ExpectedStatus: http.StatusNoContent,
			AfterTestFunc:  disabled("carla", false),
			TestAppFactory: testapp.Factory,
		},
		{
			Name:            "bram, a member, cannot block dirk of his own team",
			Method:          http.MethodPost,
			URL:             "/api/buurtplein/users/" + id("dirk") + "/disable",
			Headers:         bram,
			ExpectedStatus:  http.StatusForbidden,
			ExpectedContent: []string{"Alleen een coördinator van een team van deze collega"},
			ExpectedEvents:  map[string]int{"OnRecordUpdate": 0},
			AfterTestFunc:   disabled("dirk", false),
			TestAppFactory:  testapp.Factory,
		},
		{
			Name:            "eva, coordinator of Heemstede, cannot block bram of Haarlem-Noord",
			Method:          http.MethodPost,
			URL:             "/api/buurtplein/users/" + id("bram") + "/disable",
			Headers:         eva,
			ExpectedStatus:  http.StatusForbidden,
			ExpectedContent: []string{"Alleen een coördinator van een team van deze collega"},
			AfterTestFunc:   disabled("bram", false),
			TestAppFactory:  testapp.Factory,
		},
		{
			Name:            "anna cannot block carla, who is not in her team",
			Method:          http.MethodPost,
			URL:             "/api/buurtplein/users/" + id("carla") + "/disable",
			Headers:         anna,
			ExpectedStatus:  http.StatusForbidden,
			ExpectedContent: []string{"Alleen een coördinator"},
			AfterTestFunc:   disabled("carla", false),
			TestAppFactory:  testapp.Factory,
		},
		{
			Name:            "eva cannot unblock bram of another team",
			Method:          http.MethodPost,
			URL:             "/api/buurtplein/users/" + id("bram") + "/enable",
			Headers:         eva,
			BeforeTestFunc:  disableFirst("bram"),
			ExpectedStatus:  http.StatusForbidden,
			ExpectedContent: []string{"Alleen een coördinator"},
			AfterTestFunc:   disabled("bram", true),
			TestAppFactory:  testapp.Factory,
		},
		{
			Name:            "anna cannot block herself",
			Method:          http.MethodPost,
			URL:             "/api/buurtplein/users/" + id("anna") + "/disable",
			Headers:         anna,
			ExpectedStatus:  http.StatusForbidden,
			ExpectedContent: []string{"Je kunt je eigen account niet blokkeren"},
			AfterTestFunc:   disabled("anna", false),
			TestAppFactory:  testapp.Factory,
		},
		{
			Name:            "an unknown account",
			Method:          http.MethodPost,
			URL:             "/api/buurtplein/users/abcdefghijklmno/disable",
			Headers:         anna,
			ExpectedStatus:  http.StatusNotFound,
			ExpectedContent: []string{"Deze collega bestaat niet"},
			TestAppFactory:  testapp.Factory,
		},
		{
			Name:            "without a session",
			Method:          http.MethodPost,
			URL:             "/api/buurtplein/users/" + id("bram") + "/disable",
			ExpectedStatus:  http.StatusUnauthorized,
			ExpectedContent: []string{`"data":{}`},
			AfterTestFunc:   disabled("bram", false),
			TestAppFactory:  testapp.Factory,
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// TestDisableTakesEffect checks that a blocked employee is out at once:
// the open realtime connection ends, every token gets 401, signing in is
// refused with a Dutch sentence; the directory still shows the account,
// and unblocking lets the employee in again.
func TestDisableTakesEffect(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	url := server.URL

	anna := testapp.Token(t, app, email("anna"))
	carla := testapp.Token(t, app, email("carla"))
	bram := testapp.Token(t, app, email("bram"))
	bramId := testapp.Id(t, app, "users", "email", email("bram"))

	live, status := testapp.ConnectRealtime(t, url, bram, "posts", "tasks")
	if status != http.StatusNoContent {
		t.Fatalf("bram subscribing: status %d", status)
	}

	if status, data := do(t, http.MethodPost, url+"/api/buurtplein/users/"+bramId+"/disable", anna, nil); status != http.StatusNoContent {
		t.Fatalf("anna blocks bram: %d %v", status, data)
	}
	waitClosed(t, live)

	if status, _ := do(t, http.MethodGet, url+"/api/collections/posts/records", bram, nil); status != http.StatusUnauthorized {
		t.Errorf("bram's token after blocking: status %d; want 401", status)
	}

	status, data := signIn(t, url, "users", email("bram"), demoPassword)
	fields, _ := data["data"].(map[string]any)
	field, _ := fields["disabled"].(map[string]any)
	if status != http.StatusForbidden ||
		data["message"] != "Je account is geblokkeerd. Neem contact op met je coördinator of met IT." ||
		field["code"] != "validation_account_disabled" {
		t.Errorf("blocked bram signs in: %d %v; want 403 with the Dutch sentence and code", status, data)
	}
	// only the right password learns that the account is blocked
	if status, data := signIn(t, url, "users", email("bram"), "wrong-password"); status != http.StatusBadRequest || strings.Contains(data["message"].(string), "geblokkeerd") {
		t.Errorf("blocked bram with a wrong password: %d %v; want PocketBase's plain 400", status, data)
	}

	// colleagues still read bram's name (on his posts and tasks), but not
	// that he is blocked, and the directory no longer lists him; his
	// coordinator still sees him in her team, marked as blocked
	status, data = do(t, http.MethodGet, url+"/api/collections/users/records/"+bramId, carla, nil)
	if _, shown := data["disabled"]; status != http.StatusOK || shown || data["name"] != "Bram Jansen" {
		t.Errorf("carla looks bram up: %d %v; want his name without the disabled flag", status, data)
	}
	for _, token := range []string{carla, anna} {
		if status, data := do(t, http.MethodGet, url+"/api/collections/users/records?perPage=100", token, nil); status != http.StatusOK || strings.Contains(fmt.Sprint(data), bramId) {
			t.Errorf("the directory: %d %v; want it without bram", status, data)
		}
	}
	status, data = do(t, http.MethodGet, url+"/api/collections/memberships/records?expand=user&filter=user%3D%22"+bramId+"%22", anna, nil)
	if !strings.Contains(fmt.Sprint(data), "disabled:true") {
		t.Errorf("anna's team list: %d %v; want bram, marked as blocked", status, data)
	}
	status, data = do(t, http.MethodGet, url+"/api/collections/memberships/records?expand=user&filter=user%3D%22"+bramId+"%22", carla, nil)
	if status != http.StatusOK || strings.Contains(fmt.Sprint(data), "disabled") {
		t.Errorf("carla's look at bram's team: %d %v; want no disabled flag", status, data)
	}

	if status, data := do(t, http.MethodPost, url+"/api/buurtplein/users/"+bramId+"/enable", anna, nil); status != http.StatusNoContent {
		t.Fatalf("anna unblocks bram: %d %v", status, data)
	}
	status, data = signIn(t, url, "users", email("bram"), demoPassword)
	if status != http.StatusOK {
		t.Fatalf("unblocked bram signs in: %d %v", status, data)
	}
	if status, _ := do(t, http.MethodGet, url+"/api/collections/posts/records", data["token"].(string), nil); status != http.StatusOK {
		t.Errorf("bram's new token: status %d", status)
	}
	if status, _ := do(t, http.MethodGet, url+"/api/collections/posts/records", bram, nil); status != http.StatusUnauthorized {
		t.Errorf("bram's token from before the block after unblocking: status %d; want 401", status)
	}
}

// TestDisableInDashboard checks that blocking takes effect the same way
// when IT ticks "disabled" in the dashboard (the record API).
func TestDisableInDashboard(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	url := server.URL

	it := testapp.Token(t, app, "it@buurtplein.test")
	carla := testapp.Token(t, app, email("carla"))
	carlaId := testapp.Id(t, app, "users", "email", email("carla"))

	live, status := testapp.ConnectRealtime(t, url, carla, "posts")
	if status != http.StatusNoContent {
		t.Fatalf("carla subscribing: status %d", status)
	}
	if status, data := do(t, http.MethodPatch, url+"/api/collections/users/records/"+carlaId, it, map[string]any{"disabled": true}); status != http.StatusOK {
		t.Fatalf("IT blocks carla in the dashboard: %d %v", status, data)
	}
	waitClosed(t, live)
	if status, _ := do(t, http.MethodGet, url+"/api/collections/posts/records", carla, nil); status != http.StatusUnauthorized {
		t.Errorf("carla's token after blocking: status %d; want 401", status)
	}
	if status, _ := signIn(t, url, "users", email("carla"), demoPassword); status != http.StatusForbidden {
		t.Errorf("blocked carla signs in: status %d; want 403", status)
	}
}

// TestDisableSelf checks that employees edit their own profile but cannot
// block or unblock themselves through it.
func TestDisableSelf(t *testing.T) {
	t.Parallel()
	base := testapp.New(t)
	bramId := testapp.Id(t, base, "users", "email", email("bram"))
	bram := map[string]string{"Authorization": testapp.Token(t, base, email("bram"))}
	own := "/api/collections/users/records/" + bramId

	// a token made after the block, as if one had slipped through: the
	// update rule alone must refuse the unblocking
	blocked := map[string]string{}
	blockedBram := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		setDisabled(t, app, "bram", true)
		blocked["Authorization"] = testapp.Token(t, app, email("bram"))
	}
	check := func(want bool) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			user, err := app.FindRecordById("users", bramId)
			if err != nil {
				t.Fatal(err)
			}
			if user.GetBool("disabled") != want {
				t.Errorf("bram disabled = %v, want %v", user.GetBool("disabled"), want)
			}
		}
	}

	scenarios := []tests.ApiScenario{
		{
			Name:            "bram edits his profile",
			Method:          http.MethodPatch,
			URL:             own,
			Headers:         bram,
			Body:            strings.NewReader(`{"discipline":"wijkverpleegkundige"}`),
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"discipline":"wijkverpleegkundige"`, `"disabled":false`},
			TestAppFactory:  testapp.Factory,
		},
		{
			Name:            "sending disabled unchanged is fine",
			Method:          http.MethodPatch,
			URL:             own,
			Headers:         bram,
			Body:            strings.NewReader(`{"discipline":"verzorgende","disabled":false}`),
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"discipline":"verzorgende"`},
			TestAppFactory:  testapp.Factory,
		},
		{
			Name:            "bram cannot block himself",
			Method:          http.MethodPatch,
			URL:             own,
			Headers:         bram,
			Body:            strings.NewReader(`{"disabled":true}`),
			ExpectedStatus:  http.StatusNotFound,
			ExpectedContent: []string{`"status":404`},
			ExpectedEvents:  map[string]int{"OnRecordUpdate": 0},
			AfterTestFunc:   check(false),
			TestAppFactory:  testapp.Factory,
		},
		{
			Name:            "blocked bram cannot unblock himself",
			Method:          http.MethodPatch,
			URL:             own,
			Headers:         blocked,
			Body:            strings.NewReader(`{"disabled":false}`),
			BeforeTestFunc:  blockedBram,
			ExpectedStatus:  http.StatusNotFound,
			ExpectedContent: []string{`"status":404`},
			ExpectedEvents:  map[string]int{"OnRecordUpdate": 0},
			AfterTestFunc:   check(true),
			TestAppFactory:  testapp.Factory,
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// setDisabled blocks or unblocks the demo account name directly.
func setDisabled(t testing.TB, app core.App, name string, disabled bool) {
	t.Helper()
	user, err := app.FindAuthRecordByEmail("users", email(name))
	if err != nil {
		t.Fatal(err)
	}
	user.Set("disabled", disabled)
	if err := app.Save(user); err != nil {
		t.Fatal(err)
	}
}
