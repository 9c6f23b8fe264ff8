package hooks_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
)

// TestBodyLimitBeforeParsing: a body declared larger than the limit is
// refused with a 413 before the server reads it. The requests send only
// the first bytes of a 30 MB body and wait: a server that read the body
// before answering would wait with them.
func TestBodyLimitBeforeParsing(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	anna := testapp.Token(t, app, "anna@buurtplein.test")

	cases := []struct{ name, path, token, start string }{
		{"anonymous, to a record route", "/api/collections/posts/records", "", `{"body":"`},
		{"signed in, to a record route", "/api/collections/comments/records", anna, `{"body":"`},
		{"to a record update", "/api/collections/tasks/records/abc", anna, `{"title":"`},
		{"to distribute", "/api/buurtplein/tasks/distribute", anna, `{"team":"x","tasks":["`},
		{"to batch", "/api/batch", anna, `{"requests":[`},
		{"to realtime", "/api/realtime", "", `{"clientId":"x","subscriptions":["`},
		{"to sign-in", "/api/collections/users/auth-with-password", "", `{"identity":"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := http.MethodPost
			if strings.Contains(c.path, "/records/") {
				method = http.MethodPatch
			}
			status, message := sendPartial(t, server.URL, method, c.path, c.token, "application/json", 30<<20, c.start)
			if status != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413 (%s)", status, message)
			}
			if !strings.Contains(message, "te groot") {
				t.Errorf("the answer %q is not the Dutch one", message)
			}
		})
	}

	// multipart gets the small limit on a collection without file fields,
	// and anywhere without signing in
	status, _ := sendPartial(t, server.URL, http.MethodPost, "/api/collections/comments/records", anna,
		"multipart/form-data; boundary=x", 1<<20, "--x\r\n")
	if status != http.StatusRequestEntityTooLarge {
		t.Fatalf("1 MB of multipart to comments: status %d, want 413", status)
	}
	status, _ = sendPartial(t, server.URL, http.MethodPost, "/api/collections/posts/records", "",
		"multipart/form-data; boundary=x", 1<<20, "--x\r\n")
	if status != http.StatusRequestEntityTooLarge {
		t.Fatalf("1 MB of anonymous multipart to posts: status %d, want 413", status)
	}
	// and signed in, more than the posts' file fields allow (the limit
	// follows the schema: photos and PDF attachments)
	req, _ := http.NewRequest(http.MethodPost, server.URL+"/api/collections/posts/records", nil)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	limit := hooks.BodyLimit(app, req)
	if limit <= hooks.JSONBodyLimit {
		t.Fatalf("posts' upload limit %d is not above the JSON limit: its file fields do not count", limit)
	}
	status, _ = sendPartial(t, server.URL, http.MethodPost, "/api/collections/posts/records", anna,
		"multipart/form-data; boundary=x", int(limit)+1, "--x\r\n")
	if status != http.StatusRequestEntityTooLarge {
		t.Fatalf("%d bytes of multipart to posts (its limit and one): status %d, want 413", limit+1, status)
	}
}

// TestBodyLimitChunked: a body of unknown length is read only up to the
// limit.
func TestBodyLimitChunked(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	anna := testapp.Token(t, app, "anna@buurtplein.test")

	body := &endlessArray{}
	req, _ := http.NewRequest(http.MethodPost, server.URL+"/api/buurtplein/tasks/distribute", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", anna)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("an endless chunked array: status %d, want 413", res.StatusCode)
	}
	if sent := body.sent.Load(); sent > 8<<20 {
		t.Errorf("the server took %d bytes of the body before answering", sent)
	}

	// a small chunked body still arrives whole
	post := fmt.Sprintf(`{"team":%q,"author":%q,"kind":"update","visibility":"team","body":"In stukjes verstuurd"}`,
		testapp.Id(t, app, "teams", "slug", "haarlem-noord"), testapp.Id(t, app, "users", "email", "anna@buurtplein.test"))
	req, _ = http.NewRequest(http.MethodPost, server.URL+"/api/collections/posts/records", io.MultiReader(strings.NewReader(post)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", anna)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("a small chunked post: status %d: %s", res.StatusCode, data)
	}
}

// TestBodyLimitLegitimate: the largest body the PWA sends without a file
// (a post of 20,000 characters of four bytes each) and an image upload
// larger than the JSON limit still work.
func TestBodyLimitLegitimate(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	bram := testapp.Token(t, app, "bram@buurtplein.test")
	team := testapp.Id(t, app, "teams", "slug", "haarlem-noord")
	me := testapp.Id(t, app, "users", "email", "bram@buurtplein.test")

	long := strings.Repeat("🏠", 20000)
	status, data := testapp.Do(t, http.MethodPost, server.URL+"/api/collections/posts/records", bram, map[string]any{
		"team": team, "author": me, "kind": "update", "visibility": "team", "body": long,
	})
	if status != http.StatusOK {
		t.Fatalf("a post of 20,000 characters (%d bytes): status %d: %s", len(long), status, data)
	}

	// a photo of 1.9 MB, as the compose form sends it
	var photo bytes.Buffer
	img := image.NewNRGBA(image.Rect(0, 0, 700, 700))
	for i := range img.Pix {
		img.Pix[i] = byte(rand.IntN(256))
	}
	img.Set(0, 0, color.NRGBA{A: 255})
	if err := png.Encode(&photo, img); err != nil {
		t.Fatal(err)
	}
	if photo.Len() <= hooks.JSONBodyLimit {
		t.Fatalf("the photo (%d bytes) should be larger than the JSON limit", photo.Len())
	}
	var form bytes.Buffer
	w := multipart.NewWriter(&form)
	for k, v := range map[string]string{"team": team, "author": me, "kind": "update", "visibility": "team", "body": "Met foto"} {
		w.WriteField(k, v)
	}
	part, _ := w.CreateFormFile("images", "foto.png")
	part.Write(photo.Bytes())
	w.Close()

	req, _ := http.NewRequest(http.MethodPost, server.URL+"/api/collections/posts/records", &form)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", bram)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ = io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("a post with a photo of %d bytes: status %d: %s", photo.Len(), res.StatusCode, data)
	}
	var saved struct{ Images []string }
	json.Unmarshal(data, &saved)
	if len(saved.Images) != 1 {
		t.Fatalf("the photo was not saved: %s", data)
	}
}

// sendPartial sends the head of a request with a body of length bytes
// and only start of that body, then waits up to 5 s for the answer.
func sendPartial(t *testing.T, baseURL, method, path, token, contentType string, length int, start string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(baseURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	head := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: buurtplein\r\nContent-Type: %s\r\nContent-Length: %d\r\n", method, path, contentType, length)
	if token != "" {
		head += "Authorization: " + token + "\r\n"
	}
	if _, err := io.WriteString(conn, head+"\r\n"+start); err != nil {
		t.Fatal(err)
	}

	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer while the body was still coming: %v", err)
	}
	defer res.Body.Close()
	var answer struct{ Message string }
	json.NewDecoder(res.Body).Decode(&answer)
	return res.StatusCode, answer.Message
}

// endlessArray is a JSON array of task ids that never ends; it counts the
// bytes it gave.
type endlessArray struct {
	sent    atomic.Int64
	started bool
}

func (a *endlessArray) Read(p []byte) (int, error) {
	n := 0
	if !a.started {
		a.started = true
		n = copy(p, `{"team":"x","tasks":[`)
	}
	for n+20 <= len(p) {
		n += copy(p[n:], `"abcdefghijklmno", `)
	}
	a.sent.Add(int64(n))
	if a.sent.Load() > 64<<20 {
		return n, io.EOF
	}
	return n, nil
}
