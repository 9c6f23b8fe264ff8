package hooks_test

import (
	"errors"
	"net/http"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// TestBindMiddleware: a middleware bound before PocketBase's own sees
// every request, with the error of one refused after it, and what it
// sets in the answer's headers stays there.
func TestBindMiddleware(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	seen := make(chan int, 1)
	hooks.BindMiddleware(app, "testMiddleware", apis.DefaultActivityLoggerMiddlewarePriority-1, func(e *core.RequestEvent) error {
		e.Response.Header().Set("X-Test", "seen")
		err := e.Next()
		var apiErr *router.ApiError
		if errors.As(err, &apiErr) {
			seen <- apiErr.Status
		}
		return err
	})
	server := testapp.Serve(t, app)

	res, err := http.Get(server.URL + "/api/collections/no_such_collection/records")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || res.Header.Get("X-Test") != "seen" {
		t.Errorf("a refused request: %d, X-Test %q", res.StatusCode, res.Header.Get("X-Test"))
	}
	select {
	case status := <-seen:
		if status != http.StatusNotFound {
			t.Errorf("the middleware saw %d", status)
		}
	default:
		t.Error("the middleware did not see the refusal")
	}
}
