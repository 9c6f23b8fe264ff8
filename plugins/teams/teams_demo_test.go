package teams_test

import (
	"net/http"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/teams"

	"github.com/pocketbase/pocketbase/core"
)

func signIn(t *testing.T, baseURL, collection, email, password string) int {
	t.Helper()
	res, err := http.Post(baseURL+"/api/collections/"+collection+"/auth-with-password", "application/json",
		strings.NewReader(`{"identity":"`+email+`","password":"`+password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestDemoAccountsSignIn(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)

	for _, m := range teams.DemoMembers {
		if status := signIn(t, server.URL, "users", m.Email, teams.DemoPassword); status != 200 {
			t.Errorf("%s signs in: status %d", m.Email, status)
		}
	}
	if status := signIn(t, server.URL, core.CollectionNameSuperusers, teams.DemoSuperuser, teams.DemoPassword); status != 200 {
		t.Errorf("the IT superuser signs in: status %d", status)
	}
}

func TestSeedDemoIsIdempotent(t *testing.T) {
	t.Parallel()
	app := testapp.New(t) // seeded once already

	count := func() map[string]int64 {
		counts := map[string]int64{}
		for _, c := range []string{"teams", "users", "memberships", core.CollectionNameSuperusers} {
			n, err := app.CountRecords(c)
			if err != nil {
				t.Fatal(err)
			}
			counts[c] = n
		}
		return counts
	}
	before := count()
	if before["teams"] != 4 || before["users"] != 6 || before["memberships"] != 7 || before[core.CollectionNameSuperusers] != 1 {
		t.Fatalf("unexpected demo organisation: %v", before)
	}

	if err := teams.SeedDemo(app); err != nil {
		t.Fatal(err)
	}
	if after := count(); len(after) != len(before) || after["users"] != before["users"] ||
		after["teams"] != before["teams"] || after["memberships"] != before["memberships"] ||
		after[core.CollectionNameSuperusers] != before[core.CollectionNameSuperusers] {
		t.Fatalf("a second seed changed the counts: %v -> %v", before, after)
	}
}

func TestSignInRateLimit(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)

	limited := false
	for i := 0; i < 15 && !limited; i++ {
		limited = signIn(t, server.URL, "users", "carla@buurtplein.test", "fout-wachtwoord") == http.StatusTooManyRequests
	}
	if !limited {
		t.Fatal("15 wrong passwords in a row were never rate limited")
	}
}

// TestDemoMembersCanBeReached checks that the seeded accounts carry the
// phone numbers and contact addresses of teams.DemoMembers, which the
// directory shows.
func TestDemoMembersCanBeReached(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)

	for _, m := range teams.DemoMembers {
		user, err := app.FindAuthRecordByEmail("users", m.Email)
		if err != nil {
			t.Fatalf("%s: %v", m.Email, err)
		}
		if got := user.GetString("phone"); got != m.Phone {
			t.Errorf("%s: phone %q, want %q", m.Email, got, m.Phone)
		}
		if got := user.GetString("contact_email"); got != m.ContactEmail {
			t.Errorf("%s: contact_email %q, want %q", m.Email, got, m.ContactEmail)
		}
	}
}
