package feed_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

func savePost(t *testing.T, app core.App, team, author, visibility, title string) *core.Record {
	t.Helper()
	posts, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		t.Fatal(err)
	}
	p := core.NewRecord(posts)
	p.Set("team", team)
	p.Set("author", author)
	p.Set("kind", "update")
	p.Set("visibility", visibility)
	p.Set("title", title)
	p.Set("body", "tekst")
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRealtimeTeamScope checks that realtime events reach only those who
// may read the record. Events on one connection arrive in order, so once
// the marker event arrives, every event before it has had its chance.
func TestRealtimeTeamScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)

	carla, status := testapp.ConnectRealtime(t, server.URL, f.carlaT, "posts", "comments", "posts/"+f.haarlemPost)
	if status != http.StatusNoContent {
		t.Fatalf("carla's subscription: status %d", status)
	}
	dirk, _ := testapp.ConnectRealtime(t, server.URL, f.dirkT, "posts")
	anonymous, status := testapp.ConnectRealtime(t, server.URL, "", "posts", "comments")
	if status != http.StatusUnauthorized {
		t.Fatalf("an anonymous subscription: status %d, want 401", status)
	}

	// secrets first, then the marker carla may see
	secret := savePost(t, app, f.haarlem, f.anna, "team", "Geheim voor Haarlem-Noord")
	haarlemPost, err := app.FindRecordById("posts", f.haarlemPost)
	if err != nil {
		t.Fatal(err)
	}
	haarlemPost.Set("body", "Gewijzigd: ook zondag bezoek")
	if err := app.Save(haarlemPost); err != nil {
		t.Fatal(err)
	}
	comments, _ := app.FindCollectionByNameOrId("comments")
	comment := core.NewRecord(comments)
	comment.Set("post", f.haarlemPost)
	comment.Set("author", f.anna)
	comment.Set("body", "Geheime reactie")
	if err := app.Save(comment); err != nil {
		t.Fatal(err)
	}
	marker := savePost(t, app, f.schalkwijk, f.dirk, "team", "Voor Schalkwijk")

	// PocketBase sends each event from its own goroutine, so events may
	// arrive out of order: dirk gets all three in some order, and carla's
	// stream is read until her marker plus a grace period, with no secret in it
	seen := map[string]bool{}
	for range 3 {
		ev := dirk.Next(t, 10*time.Second)
		for _, id := range []string{secret.Id, f.haarlemPost, marker.Id} {
			if strings.Contains(ev.Data, `"id":"`+id+`"`) {
				seen[id] = true
			}
		}
	}
	if len(seen) != 3 {
		t.Fatalf("dirk, in both teams, should get the secret post, the edit and the marker; got %v", seen)
	}

	isSecret := func(data string) bool {
		return strings.Contains(data, "Geheim") || strings.Contains(data, secret.Id) || strings.Contains(data, "Gewijzigd")
	}
	for gotMarker := false; !gotMarker; {
		ev := carla.Next(t, 10*time.Second)
		if isSecret(ev.Data) {
			t.Fatalf("carla received a Haarlem-Noord event: %s", ev.Data)
		}
		gotMarker = strings.Contains(ev.Data, marker.Id)
	}
	select {
	case ev := <-carla.Events:
		t.Fatalf("carla received an event after her marker: %s", ev.Data)
	case <-time.After(500 * time.Millisecond):
	}

	// anonymous has no marker to wait for: an event would have been sent
	// along with carla's and dirk's, long before this wait ends
	select {
	case ev, ok := <-anonymous.Events:
		if ok {
			t.Fatalf("an anonymous client received %+v", ev)
		}
	case <-time.After(500 * time.Millisecond):
	}
}

func TestRealtimeFilterGuard(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	server := testapp.Serve(t, testapp.New(t))

	options := `{"query":{"filter":"posts_via_author.body ~ 'Zijlweg'"}}`
	_, status := testapp.ConnectRealtime(t, server.URL, f.carlaT, "users?options="+options)
	if status != http.StatusBadRequest {
		t.Fatalf("a subscription filtering through another team's posts: status %d, want 400", status)
	}

	_, status = testapp.ConnectRealtime(t, server.URL, f.carlaT, `posts?options={"query":{"filter":"title ~ 'x'"}}`)
	if status != http.StatusNoContent {
		t.Fatalf("a plain filtered subscription: status %d, want 204", status)
	}
}

// TestPostImagesProtected checks file downloads of a team post's images.
func TestPostImagesProtected(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)

	post, err := app.FindRecordById("posts", f.haarlemPost)
	if err != nil {
		t.Fatal(err)
	}
	file, err := filesystem.NewFileFromBytes(tinyPNG, "foto.png")
	if err != nil {
		t.Fatal(err)
	}
	post.Set("images", []any{file})
	if err := app.Save(post); err != nil {
		t.Fatal(err)
	}
	fileURL := fmt.Sprintf("%s/api/files/posts/%s/%s", server.URL, post.Id, post.GetStringSlice("images")[0])

	fileToken := func(token string) string {
		req, _ := http.NewRequest(http.MethodPost, server.URL+"/api/files/token", nil)
		req.Header.Set("Authorization", token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body struct{ Token string }
		json.NewDecoder(res.Body).Decode(&body)
		return body.Token
	}

	cases := []struct {
		name, query string
		want        int
	}{
		{"no token", "", http.StatusNotFound},
		{"an auth token instead of a file token", "?token=" + f.dirkT, http.StatusNotFound},
		{"carla's file token", "?token=" + fileToken(f.carlaT), http.StatusNotFound},
		{"carla's thumb", "?thumb=480x0&token=" + fileToken(f.carlaT), http.StatusNotFound},
		{"dirk's file token", "?token=" + fileToken(f.dirkT), http.StatusOK},
		{"dirk's thumb", "?thumb=480x0&token=" + fileToken(f.dirkT), http.StatusOK},
	}
	for _, c := range cases {
		res, err := http.Get(fileURL + c.query)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Errorf("%s: status %d, want %d", c.name, res.StatusCode, c.want)
		}
	}
}

// tinyPNG is a 1x1 PNG.
var tinyPNG = []byte{
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
	0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x00, 0x02, 0x00,
	0x00, 0x05, 0x00, 0x01, 0xe9, 0xfa, 0xdc, 0xd8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
	0xae, 0x42, 0x60, 0x82,
}
