package hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
)

// TestReadGate: with one read in flight allowed and a read holding it, a
// second read waits until the first is done, while a write, the realtime
// stream and a read of a file go through at once.
func TestReadGate(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	hooks.SetReadGate(app, 1)

	held, release := make(chan struct{}), make(chan struct{})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/gate-test/hold", func(e *core.RequestEvent) error {
			close(held)
			<-release
			return e.NoContent(http.StatusNoContent)
		})
		return se.Next()
	})
	server := testapp.Serve(t, app)
	anna := testapp.Token(t, app, "anna@buurtplein.test")

	send := func(method, path, body string) <-chan int {
		done := make(chan int, 1)
		go func() {
			req, _ := http.NewRequest(method, server.URL+path, strings.NewReader(body))
			req.Header.Set("Authorization", anna)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				done <- 0
				return
			}
			res.Body.Close()
			done <- res.StatusCode
		}()
		return done
	}

	first := send(http.MethodGet, "/api/gate-test/hold", "")
	<-held
	second := send(http.MethodGet, "/api/collections/teams/records", "")

	// what the gate lets through while the read holds it
	if status := <-send(http.MethodPost, "/api/collections/users/auth-refresh", ""); status != http.StatusOK {
		t.Errorf("a POST while a read holds the gate: %d, want 200", status)
	}
	if rt, status := testapp.OpenRealtime(t, server.URL); rt == nil {
		t.Errorf("the realtime stream while a read holds the gate: %d, want 200", status)
	} else {
		rt.Close()
	}

	select {
	case status := <-second:
		t.Fatalf("a second read answered (%d) while the first held the only place", status)
	case <-time.After(200 * time.Millisecond):
	}

	close(release)
	if status := <-first; status != http.StatusNoContent {
		t.Errorf("the holding read: %d, want 204", status)
	}
	if status := <-second; status != http.StatusOK {
		t.Errorf("the waiting read, once let through: %d, want 200", status)
	}
}
