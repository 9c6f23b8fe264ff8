package feed_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"buurtplein/internal/testapp"
)

// FuzzPostSave sends posts with any kind, visibility, team and text through
// the record API as carla (Schalkwijk). The answer is a 200 or a 4xx with a
// message, never a 500, and a saved post is readable by bram (Haarlem-Noord)
// exactly when it is shared with the whole organisation.
func FuzzPostSave(f *testing.F) {
	f.Add("update", "team", "Overdracht", "**Let op:** [rooster](https://example.org)", true, uint8(0))
	f.Add("blog", "organisation", "", "<script>alert(1)</script>", false, uint8(1))
	f.Add("update", "", "Zonder team", "tekst", false, uint8(2))
	f.Add("nieuws", "team", "x", "", false, uint8(3))

	app := testapp.New(f)
	testapp.Unlimited(f, app)
	server := testapp.Serve(f, app)
	carla := testapp.Token(f, app, "carla@buurtplein.test")
	bram := testapp.Token(f, app, "bram@buurtplein.test")
	carlaId := testapp.Id(f, app, "users", "email", "carla@buurtplein.test")
	teams := []string{
		testapp.Id(f, app, "teams", "slug", "schalkwijk"),
		testapp.Id(f, app, "teams", "slug", "haarlem-noord"), // not carla's
		"",
		"geen-team",
	}
	url := server.URL + "/api/collections/posts/records"

	f.Fuzz(func(t *testing.T, kind, visibility, title, body string, mustRead bool, team uint8) {
		data, err := json.Marshal(map[string]any{
			"author": carlaId, "team": teams[int(team)%len(teams)], "kind": kind, "visibility": visibility,
			"title": title, "body": body, "must_read": mustRead,
		})
		if err != nil {
			t.Skip()
		}

		code, res := testapp.Do(t, http.MethodPost, url, carla, data)
		if code != http.StatusOK {
			if code < 400 || code >= 500 {
				t.Fatalf("create: %d %s", code, res)
			}
			var apiErr struct{ Message string }
			if json.Unmarshal(res, &apiErr) != nil || apiErr.Message == "" {
				t.Fatalf("create: %d without a message: %s", code, res)
			}
			return
		}

		var post struct{ Id, Team, Visibility string }
		if err := json.Unmarshal(res, &post); err != nil || post.Id == "" {
			t.Fatalf("create: 200 without a post: %s", res)
		}
		if post.Team == "" && post.Visibility != "organisation" {
			t.Fatalf("a post without a team has visibility %q", post.Visibility)
		}

		code, res = testapp.Do(t, http.MethodGet, url+"/"+post.Id, bram, nil)
		if readable := code == http.StatusOK; readable != (post.Visibility == "organisation") {
			t.Fatalf("bram reads a %s post of team %q: %d %s", post.Visibility, post.Team, code, res)
		}
	})
}
