package testapp

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
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

// Do sends a request with an optional auth token (none when "") and body to
// url and returns the status and the body of the response. A []byte body is
// sent as it is, any other non-nil body as JSON.
func Do(t testing.TB, method, url, token string, body any) (int, []byte) {
	t.Helper()

	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		reader = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("%s %s: encoding the body: %v", method, url, err)
		}
		reader = bytes.NewReader(data)
	}

	req, err := http.NewRequest(method, url, reader)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if reader != nil {
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

// File is a file a test uploads with [Upload].
type File struct {
	// Key is the form key: a file field ("attachments"), or a batch
	// request's ("requests.0.attachments").
	Key     string
	Name    string
	Content []byte
}

// Upload sends fields (as JSON under @jsonPayload, as the SDK does) and
// files to url as multipart/form-data with an optional auth token, and
// returns the status and the body of the response.
func Upload(t testing.TB, method, url, token string, fields map[string]any, files ...File) (int, []byte) {
	t.Helper()

	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	payload, err := json.Marshal(fields)
	if err != nil {
		t.Fatalf("%s %s: encoding the fields: %v", method, url, err)
	}
	if err := w.WriteField("@jsonPayload", string(payload)); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		part, err := w.CreateFormFile(f.Key, f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(f.Content); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	req, err := http.NewRequest(method, url, &body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
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

// FileToken returns a file token (for protected files) for the holder of
// the auth token, from the server at url.
func FileToken(t testing.TB, url, token string) string {
	t.Helper()

	code, body := Do(t, http.MethodPost, url+"/api/files/token", token, nil)
	if code != http.StatusOK {
		t.Fatalf("a file token: %d %s", code, body)
	}
	var res struct{ Token string }
	if err := json.Unmarshal(body, &res); err != nil || res.Token == "" {
		t.Fatalf("a file token: %s (%v)", body, err)
	}
	return res.Token
}
