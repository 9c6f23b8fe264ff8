package testapp

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// Unlimited switches app's rate limits off, for tests that send more
// requests from one address than a person would, such as fuzz tests.
func Unlimited(t testing.TB, app core.App) {
	t.Helper()

	settings := app.Settings()
	settings.RateLimits.Enabled = false
	if err := app.Save(settings); err != nil {
		t.Fatalf("switching rate limits off: %v", err)
	}
}

// Do sends a request with an optional auth token and body to the server at
// baseURL and returns the status and the body of the response.
func Do(t testing.TB, method, url, token string, body []byte) (int, []byte) {
	t.Helper()

	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the response: %v", method, url, err)
	}
	return res.StatusCode, data
}
