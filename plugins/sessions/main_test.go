package sessions_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"buurtplein/internal/testapp"
)

func TestMain(m *testing.M) { os.Exit(testapp.Run(m)) }

// demoPassword is the password of every demo account.
const demoPassword = "buurtplein-demo"

// email returns the demo address of name ("anna@buurtplein.test").
func email(name string) string { return name + "@buurtplein.test" }

// do sends a JSON request to a test server and returns the status and the
// decoded JSON answer (nil for an empty one).
func do(t testing.TB, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	status, raw := testapp.Do(t, method, url, token, body)
	var data map[string]any
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &data); err != nil {
			t.Fatalf("%s %s: answer is no JSON object: %s", method, url, raw)
		}
	}
	return status, data
}

// signIn signs in with a password and returns the status and the answer.
func signIn(t testing.TB, baseURL, collection, address, password string) (int, map[string]any) {
	t.Helper()
	return do(t, http.MethodPost, baseURL+"/api/collections/"+collection+"/auth-with-password", "",
		map[string]any{"identity": address, "password": password})
}

// waitClosed fails the test unless the realtime stream ends; events that
// arrive before the end are skipped.
func waitClosed(t testing.TB, c *testapp.RealtimeClient) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-c.Events:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("the realtime connection stayed open")
		}
	}
}
