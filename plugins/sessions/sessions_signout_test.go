package sessions_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
)

// TestSignOut checks that signing out ends every session of the account
// on the server: its tokens on this and other devices get 401, and its
// open realtime connections end, while a colleague's stay.
func TestSignOut(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	url := server.URL

	bram := testapp.Token(t, app, email("bram"))
	bramPhone := testapp.Token(t, app, email("bram"))
	carla := testapp.Token(t, app, email("carla"))
	bramId := testapp.Id(t, app, "users", "email", email("bram"))

	if status, _ := do(t, http.MethodGet, url+"/api/collections/users/records/"+bramId, bram, nil); status != http.StatusOK {
		t.Fatalf("before signing out bram reads his record: status %d", status)
	}
	bramLive, status := testapp.ConnectRealtime(t, url, bram, "users", "posts")
	if status != http.StatusNoContent {
		t.Fatalf("bram subscribing: status %d", status)
	}
	carlaLive, status := testapp.ConnectRealtime(t, url, carla, "users")
	if status != http.StatusNoContent {
		t.Fatalf("carla subscribing: status %d", status)
	}

	if status, data := do(t, http.MethodPost, url+"/api/buurtplein/auth/signout", bram, nil); status != http.StatusNoContent {
		t.Fatalf("sign-out: status %d %v", status, data)
	}

	waitClosed(t, bramLive)

	// carla's connection stays: she receives the change of bram's record
	// (his new token key, which the event does not show)
	ev := carlaLive.Next(t, 10*time.Second)
	if ev.Name != "users" || !strings.Contains(ev.Data, bramId) || strings.Contains(ev.Data, "tokenKey") {
		t.Errorf("carla's event after bram signed out: %+v", ev)
	}

	for name, token := range map[string]string{"this device": bram, "another device": bramPhone} {
		status, data := do(t, http.MethodGet, url+"/api/collections/users/records/"+bramId, token, nil)
		if status != http.StatusUnauthorized || data["message"] != "Je sessie is beëindigd. Log opnieuw in." {
			t.Errorf("bram's old token (%s) on a record request: %d %v; want 401 with the Dutch message", name, status, data)
		}
		if status, _ := do(t, http.MethodPost, url+"/api/collections/users/auth-refresh", token, nil); status != http.StatusUnauthorized {
			t.Errorf("bram's old token (%s) refreshing: %d; want 401", name, status)
		}
	}

	if status, _ := do(t, http.MethodGet, url+"/api/health", bram, nil); status != http.StatusOK {
		t.Errorf("health check with bram's old token: status %d; want 200", status)
	}
	if status, _ := do(t, http.MethodGet, url+"/api/collections/posts/records", "forged", nil); status != http.StatusUnauthorized {
		t.Errorf("a forged token: status %d; want 401", status)
	}
	if status, _ := do(t, http.MethodGet, url+"/api/collections/posts/records", "", nil); status != http.StatusOK {
		t.Errorf("no token at all: status %d; want a guest's 200", status)
	}

	// a stale token does not stand in the way of signing in again
	status, data := do(t, http.MethodPost, url+"/api/collections/users/auth-with-password", bram,
		map[string]any{"identity": email("bram"), "password": demoPassword})
	if status != http.StatusOK {
		t.Fatalf("bram signing in again with the old token still in the header: %d %v", status, data)
	}
	fresh, _ := data["token"].(string)
	if status, _ := do(t, http.MethodGet, url+"/api/collections/users/records/"+bramId, fresh, nil); status != http.StatusOK {
		t.Errorf("bram's new token: status %d", status)
	}

	if status, _ := do(t, http.MethodGet, url+"/api/collections/users/records/"+bramId, carla, nil); status != http.StatusOK {
		t.Errorf("carla's token after bram signed out: status %d", status)
	}
}

// TestSignOutSuperuser checks that IT signs out of the dashboard the same
// way, and that signing out needs a session.
func TestSignOutSuperuser(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	url := server.URL

	it := testapp.Token(t, app, "it@buurtplein.test")
	if status, _ := do(t, http.MethodGet, url+"/api/collections/_superusers/records", it, nil); status != http.StatusOK {
		t.Fatalf("IT lists superusers: status %d", status)
	}
	if status, data := do(t, http.MethodPost, url+"/api/buurtplein/auth/signout", it, nil); status != http.StatusNoContent {
		t.Fatalf("IT signs out: %d %v", status, data)
	}
	if status, _ := do(t, http.MethodGet, url+"/api/collections/_superusers/records", it, nil); status != http.StatusUnauthorized {
		t.Errorf("IT's old token: status %d; want 401", status)
	}

	if status, _ := do(t, http.MethodPost, url+"/api/buurtplein/auth/signout", "", nil); status != http.StatusUnauthorized {
		t.Errorf("signing out without a session: status %d; want 401", status)
	}
	// a request without any token is still a guest's, as in PocketBase
	if status, _ := do(t, http.MethodGet, url+"/api/health", "", nil); status != http.StatusOK {
		t.Errorf("health check: status %d", status)
	}
}
