package feed_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// seedOrganisation adds teams, users with one membership each and posts
// spread over the teams, with plain SQL so that a large organisation seeds
// in seconds. Carla stays in Schalkwijk only.
func seedOrganisation(b *testing.B, app core.App, teams, users, posts int) {
	b.Helper()
	err := app.RunInTransaction(func(tx core.App) error {
		teamIds := make([]string, teams)
		for i := range teamIds {
			teamIds[i] = security.RandomString(15)
			if _, err := tx.DB().Insert("teams", dbx.Params{
				"id": teamIds[i], "name": fmt.Sprintf("Team %d", i), "slug": fmt.Sprintf("team-%d", i), "kind": "buurtteam",
			}).Execute(); err != nil {
				return err
			}
		}
		userIds := make([]string, users)
		for i := range userIds {
			userIds[i] = security.RandomString(15)
			if _, err := tx.DB().Insert("users", dbx.Params{
				"id": userIds[i], "name": fmt.Sprintf("Medewerker %d", i), "email": fmt.Sprintf("m%d@example.test", i),
				"password": "x", "tokenKey": security.RandomString(30),
			}).Execute(); err != nil {
				return err
			}
			if _, err := tx.DB().Insert("memberships", dbx.Params{
				"id": security.RandomString(15), "team": teamIds[i%teams], "user": userIds[i], "role": "member",
			}).Execute(); err != nil {
				return err
			}
		}
		for i := 0; i < posts; i++ {
			visibility := "team"
			if i%10 == 0 {
				visibility = "organisation"
			}
			if _, err := tx.DB().Insert("posts", dbx.Params{
				"id": security.RandomString(15), "team": teamIds[i%teams], "author": userIds[i%users],
				"kind": "update", "visibility": visibility, "title": fmt.Sprintf("Bericht %d", i), "body": "tekst",
				"created": fmt.Sprintf("2026-01-01 00:00:%02d.%06dZ", i%60, i),
			}).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkFeedList measures the team feed and the organisation feed as
// carla reads them, in an organisation of 150 teams, 3,000 employees and
// 100,000 posts.
func BenchmarkFeedList(b *testing.B) {
	app := testapp.New(b)
	seedOrganisation(b, app, 150, 3000, 100000)
	server := testapp.Serve(b, app)
	carla := testapp.Token(b, app, "carla@buurtplein.test")
	schalkwijk := testapp.Id(b, app, "teams", "slug", "schalkwijk")

	// the PWA asks for pages without a total (skipTotal), as the SDK's
	// infinite scroll does; the total costs a count over every readable post
	feeds := []struct{ name, filter, extra string }{
		{"team", `team = "` + schalkwijk + `"`, "&skipTotal=1"},
		{"organisation", `visibility = "organisation"`, "&skipTotal=1"},
		{"team_with_total", `team = "` + schalkwijk + `"`, ""},
		{"organisation_with_total", `visibility = "organisation"`, ""},
	}
	for _, feed := range feeds {
		b.Run(feed.name, func(b *testing.B) {
			u := server.URL + "/api/collections/posts/records?perPage=20&sort=-created&expand=author,team" + feed.extra + "&filter=" + url.QueryEscape(feed.filter)
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, u, nil)
				req.Header.Set("Authorization", carla)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Fatalf("status %d", res.StatusCode)
				}
			}
		})
	}
}

// BenchmarkCommentMentions measures a comment through the record API in an
// organisation of 150 teams and 3,000 employees: a plain one, and one
// that mentions 20 colleagues, on an organisation post (every mention
// notified) and on a team post (mentions of colleagues outside the team
// looked up and dropped). Each comment also notifies the post's author.
func BenchmarkCommentMentions(b *testing.B) {
	app := testapp.New(b)
	seedOrganisation(b, app, 150, 3000, 1000)
	// the plain SQL seed leaves the folded names empty: the mentions are
	// looked up by them
	if _, err := app.DB().NewQuery("UPDATE users SET name_key = lower(name) WHERE name_key = ''").Execute(); err != nil {
		b.Fatal(err)
	}
	testapp.Unlimited(b, app)
	server := testapp.Serve(b, app)
	carla := testapp.Token(b, app, "carla@buurtplein.test")
	carlaId := testapp.Id(b, app, "users", "email", "carla@buurtplein.test")
	orgPost := testapp.Id(b, app, "posts", "title", "Zo plannen wij zonder planner")
	teamPost := testapp.Id(b, app, "posts", "title", "Teamoverleg donderdag")

	mentions := ""
	for i := range 20 {
		mentions += fmt.Sprintf("@Medewerker %d, ", i*7)
	}
	cases := []struct{ name, post, body string }{
		{"plain", orgPost, "Dank je wel, mooi verhaal."},
		{"organisation_20_mentions", orgPost, mentions + "lezen jullie mee?"},
		{"team_20_mentions", teamPost, mentions + "lezen jullie mee?"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			body := fmt.Sprintf(`{"post":%q,"author":%q,"body":%q}`, c.post, carlaId, c.body)
			for b.Loop() {
				status, res := testapp.Do(b, http.MethodPost, server.URL+"/api/collections/comments/records", carla, []byte(body))
				if status != 200 {
					b.Fatalf("status %d: %s", status, res)
				}
			}
		})
	}
}
