package sessions_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// TestDisableAfterAdding replays the probe: anna, coordinator of
// Haarlem-Noord, added eva (coordinator of Heemstede) to her team and
// blocked her. A coordinator now blocks only members who work in her teams
// alone, coordinate none, and joined one of her teams at least a day ago.
func TestDisableAfterAdding(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	url := testapp.Serve(t, app).URL

	anna := testapp.Token(t, app, email("anna"))
	it := testapp.Token(t, app, "it@buurtplein.test")
	haarlem := testapp.Id(t, app, "teams", "slug", "haarlem-noord")
	evaId := testapp.Id(t, app, "users", "email", email("eva"))

	add := func(userId string) string {
		t.Helper()
		status, data := do(t, http.MethodPost, url+"/api/collections/memberships/records", anna,
			map[string]any{"team": haarlem, "user": userId, "role": "member"})
		if status != http.StatusOK {
			t.Fatalf("anna adds %s to Haarlem-Noord: %d %v", userId, status, data)
		}
		return data["id"].(string)
	}
	block := func(token, userId string) (int, string) {
		t.Helper()
		status, data := do(t, http.MethodPost, url+"/api/buurtplein/users/"+userId+"/disable", token, nil)
		message, _ := data["message"].(string)
		return status, message
	}
	isBlocked := func(userId string) bool {
		t.Helper()
		user, err := app.FindRecordById("users", userId)
		if err != nil {
			t.Fatal(err)
		}
		return user.GetBool("disabled")
	}

	// anna adds eva, who hears of it, and cannot block her
	evaMembership := add(evaId)
	n, err := app.FindFirstRecordByFilter("notifications", "user = {:user} && kind = 'team_added'", dbx.Params{"user": evaId})
	if err != nil || testapp.NotificationText(t, n) != "Anna de Vries heeft je toegevoegd aan Buurtteam Haarlem-Noord" || n.GetString("subject_collection") != "teams" {
		t.Errorf("eva's notification: %v %v", n, err)
	}
	if status, message := block(anna, evaId); status != http.StatusForbidden || !strings.Contains(message, "Alleen IT") || isBlocked(evaId) {
		t.Errorf("anna blocks eva after adding her: %d %q, blocked %v; want 403 naming IT", status, message, isBlocked(evaId))
	}

	// a month on, the membership anna made still gives her nothing: eva
	// works in Heemstede too, and coordinates it
	age(t, app, evaMembership, 30*24*time.Hour)
	if status, message := block(anna, evaId); status != http.StatusForbidden || !strings.Contains(message, "niet coördineert") || isBlocked(evaId) {
		t.Errorf("anna blocks eva a month after adding her: %d %q; want 403", status, message)
	}

	// a colleague in no team, added now: the fresh membership gives anna no
	// power; after 23 hours still none, after 25 she may
	fenna := newUser(t, app, "fenna", "Fenna Mulder")
	membership := add(fenna.Id)
	if status, message := block(anna, fenna.Id); status != http.StatusForbidden || !strings.Contains(message, "minder dan 24 uur") || isBlocked(fenna.Id) {
		t.Errorf("anna blocks fenna right after adding her: %d %q; want 403", status, message)
	}
	age(t, app, membership, 23*time.Hour)
	if status, _ := block(anna, fenna.Id); status != http.StatusForbidden {
		t.Errorf("anna blocks fenna 23 hours after adding her: %d; want 403", status)
	}
	age(t, app, membership, 25*time.Hour)
	if status, message := block(anna, fenna.Id); status != http.StatusNoContent || !isBlocked(fenna.Id) {
		t.Errorf("anna blocks fenna 25 hours after adding her: %d %q; want 204", status, message)
	}
	if status, _ := do(t, http.MethodPost, url+"/api/buurtplein/users/"+fenna.Id+"/enable", anna, nil); status != http.StatusNoContent || isBlocked(fenna.Id) {
		t.Errorf("anna unblocks fenna: %d", status)
	}

	// a coordinator of anna's own team is IT's to block
	set(t, app, membership, map[string]any{"role": "coordinator"})
	if status, message := block(anna, fenna.Id); status != http.StatusForbidden || !strings.Contains(message, "coördinator") {
		t.Errorf("anna blocks fenna, now a coordinator: %d %q; want 403", status, message)
	}

	// IT blocks anyone
	if status, _ := block(it, evaId); status != http.StatusNoContent || !isBlocked(evaId) {
		t.Errorf("IT blocks eva: %d", status)
	}
}

// newUser creates an account in no team.
func newUser(t testing.TB, app core.App, name, fullName string) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	user := core.NewRecord(c)
	user.SetEmail(email(name))
	user.SetPassword(demoPassword)
	user.SetVerified(true)
	user.Set("name", fullName)
	if err := app.Save(user); err != nil {
		t.Fatal(err)
	}
	return user
}

// age sets the created date of a membership to ago before now, straight
// in the database.
func age(t testing.TB, app core.App, membershipId string, ago time.Duration) {
	t.Helper()
	created := types.NowDateTime().Add(-ago).String()
	if _, err := app.DB().Update("memberships", dbx.Params{"created": created}, dbx.HashExp{"id": membershipId}).Execute(); err != nil {
		t.Fatal(err)
	}
}

// set changes fields of a record.
func set(t testing.TB, app core.App, id string, fields map[string]any) {
	t.Helper()
	record, err := app.FindRecordById("memberships", id)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		record.Set(k, v)
	}
	if err := app.Save(record); err != nil {
		t.Fatal(err)
	}
}
