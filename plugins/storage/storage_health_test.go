package storage_test

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/storage"
)

// refusedUnavailable fails t unless code and body are the coded 503 of
// storage that does not answer.
func refusedUnavailable(t *testing.T, what string, code int, body []byte) {
	t.Helper()
	var res struct {
		Message string
		Data    map[string]struct{ Code string }
	}
	json.Unmarshal(body, &res)
	if code != http.StatusServiceUnavailable || res.Data["@request"].Code != "files_storage_unavailable" ||
		res.Message != "De opslag voor bestanden is niet bereikbaar; probeer het later opnieuw." {
		t.Errorf("%s: %d %s, want 503 files_storage_unavailable with the Dutch message", what, code, body)
	}
}

// closedAddress returns the URL of a loopback port nothing listens on.
func closedAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	return url
}

// silentAddress returns the URL of a loopback port that accepts
// connections and never answers.
func silentAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan net.Conn, 16)
	t.Cleanup(func() {
		l.Close()
		for len(held) > 0 {
			(<-held).Close()
		}
	})
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			select {
			case held <- conn: // kept open, unanswered
			default:
				conn.Close()
			}
		}
	}()
	return "http://" + l.Addr().String()
}

// TestStorageUnreachableAtStart starts the server with a wrong access key,
// a wrong secret, a bucket that does not exist, an endpoint nothing
// listens on and one that never answers (the check gives up after
// ProbeTimeout): each
// time it prints one message naming the endpoint, the bucket and the
// cause, keeps serving what needs no new file, and refuses uploads with
// the coded error, writing nothing.
func TestStorageUnreachableAtStart(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		edit  func(s3 *fakeS3, c *storage.Config)
		cause string
	}{
		{"a wrong access key", func(s3 *fakeS3, c *storage.Config) { c.AccessKey = "verkeerd" }, "de toegangssleutel is onbekend"},
		{"a wrong secret", func(s3 *fakeS3, c *storage.Config) { c.Secret = "verkeerd" }, "het geheim (BUURTPLEIN_S3_SECRET) klopt niet"},
		{"no such bucket", func(s3 *fakeS3, c *storage.Config) { c.Bucket = "bestaat-niet" }, "de bucket bestaat niet"},
		{"an endpoint nothing answers on", func(s3 *fakeS3, c *storage.Config) { c.Endpoint = closedAddress(t) }, "het adres antwoordt niet"},
		{"an endpoint that never answers", func(s3 *fakeS3, c *storage.Config) { c.Endpoint = silentAddress(t) }, "het adres antwoordt niet"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := newOrg(t, c.edit)
			settings := o.app.Settings().S3

			out := o.out.String()
			if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "Bestandsopslag niet bereikbaar: ") ||
				!strings.Contains(out, `"`+settings.Bucket+`"`) || !strings.Contains(out, settings.Endpoint) || !strings.Contains(out, c.cause) {
				t.Errorf("printed %q, want one line naming %q on %s and %q", out, settings.Bucket, settings.Endpoint, c.cause)
			}

			// serving
			if code, body := testapp.Do(t, http.MethodGet, o.url+"/api/health", "", nil); code != http.StatusOK {
				t.Errorf("the health check: %d %s", code, body)
			}
			code, body := testapp.Do(t, http.MethodGet, o.url+"/api/collections/posts/records?perPage=5", o.bramT, nil)
			if code != http.StatusOK || !strings.Contains(string(body), `"body"`) {
				t.Errorf("reading the feed: %d %s", code, body)
			}
			code, body = testapp.Do(t, http.MethodPost, o.url+"/api/collections/posts/records", o.bramT,
				map[string]any{"team": o.haarlem, "author": o.bram, "kind": "update", "visibility": "team", "body": "Zonder foto"})
			if code != http.StatusOK {
				t.Errorf("a post without a file: %d %s", code, body)
			}

			// uploads refused, nothing written
			posts, _ := o.app.CountRecords("posts")
			code, body = o.post(t, testapp.PhotoWithGPS(400, 300, 1))
			refusedUnavailable(t, "a post with a photo", code, body)
			code, body = o.avatar(t)
			refusedUnavailable(t, "an avatar", code, body)
			payload := map[string]any{"requests": []map[string]any{{"method": http.MethodPatch, "url": "/api/collections/users/records/" + o.bram, "body": map[string]any{}}}}
			code, body = testapp.Upload(t, http.MethodPost, o.url+"/api/batch", o.bramT, payload,
				testapp.File{Key: "requests.0.avatar", Name: "ik.jpg", Content: testapp.PhotoWithGPS(300, 300, 1)})
			if code < 400 || code >= 500 || !strings.Contains(string(body), "files_storage_unavailable") {
				t.Errorf("an avatar in a batch: %d %s, want refused with files_storage_unavailable", code, body)
			}
			if n, _ := o.app.CountRecords("posts"); n != posts {
				t.Errorf("%d posts written with a refused photo", n-posts)
			}
			if bram, _ := o.app.FindRecordById("users", o.bram); bram.GetString("avatar") != "" {
				t.Errorf("bram's refused avatar was kept: %q", bram.GetString("avatar"))
			}
			if keys := o.s3.keys(t, filesBucket, ""); len(keys) > 0 {
				t.Errorf("objects written to the bucket: %v", keys)
			}
		})
	}
}

// TestStorageRecovers lets the bucket refuse the server's key while it
// runs: the next upload is refused with the coded error, the upload after
// the key is accepted again succeeds, without a restart.
func TestStorageRecovers(t *testing.T) {
	t.Parallel()
	o := newOrg(t, func(s3 *fakeS3, c *storage.Config) { c.Recheck = time.Nanosecond })

	code, body := o.post(t, testapp.PhotoWithGPS(400, 300, 1))
	if code != http.StatusOK {
		t.Fatalf("a post with a photo: %d %s", code, body)
	}

	// the key revoked: the upload fails on the way, then the check
	o.s3.key.Store("een-andere-sleutel")
	posts, _ := o.app.CountRecords("posts")
	code, body = o.post(t, testapp.PhotoWithGPS(400, 300, 1))
	refusedUnavailable(t, "a post after the key was revoked", code, body)
	code, body = o.post(t, testapp.PhotoWithGPS(400, 300, 1))
	refusedUnavailable(t, "the next post", code, body)
	if n, _ := o.app.CountRecords("posts"); n != posts {
		t.Errorf("%d posts written with a refused photo", n-posts)
	}
	if out := o.out.String(); strings.Count(out, "Bestandsopslag niet bereikbaar") != 1 || !strings.Contains(out, "de toegangssleutel is onbekend") {
		t.Errorf("printed %q, want the message once, naming the key", out)
	}

	// the key accepted again
	o.s3.key.Store(accessKey)
	code, body = o.post(t, testapp.PhotoWithGPS(400, 300, 1))
	if code != http.StatusOK {
		t.Fatalf("a post once the bucket answers again: %d %s", code, body)
	}
	if out := o.out.String(); !strings.Contains(out, "weer bereikbaar") {
		t.Errorf("printed %q, want that the bucket answers again", out)
	}
}
