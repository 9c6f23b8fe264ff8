package hooks_test

import (
	"fmt"
	"net"
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
	hooks.SetReadGate(app, 1, time.Minute)

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

// TestReadGateSlowReader: a caller who asks for a large answer and stops
// reading it holds its place only until the write deadline, so the next
// read gets through; without the deadline it would wait minutes.
func TestReadGateSlowReader(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	hooks.SetReadGate(app, 1, 500*time.Millisecond)

	writing := make(chan struct{})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/gate-test/large", func(e *core.RequestEvent) error {
			close(writing)
			chunk := make([]byte, 1<<20)
			for range 256 { // far more than the sockets buffer
				if _, err := e.Response.Write(chunk); err != nil {
					return nil // the deadline: the place is freed
				}
			}
			return nil
		})
		return se.Next()
	})
	server := testapp.Serve(t, app)

	// a raw connection that sends the request and never reads
	conn, err := net.Dial("tcp", strings.TrimPrefix(server.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /api/gate-test/large HTTP/1.1\r\nHost: x\r\n\r\n")
	<-writing

	done := make(chan int, 1)
	go func() {
		res, err := http.Get(server.URL + "/api/collections/teams/records")
		if err != nil {
			done <- 0
			return
		}
		res.Body.Close()
		done <- res.StatusCode
	}()
	select {
	case status := <-done:
		if status != http.StatusOK {
			t.Errorf("the read after the stalled one: %d, want 200", status)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a reader that stopped reading still holds the only place after 20 s")
	}
}
