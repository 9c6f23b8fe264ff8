package mustread_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"
)

const mustreadURL = "/api/buurtplein/mustread"

// listed is the answer of GET /mustread.
type listed struct {
	Items []struct {
		Collection, Id, Title, Team, TeamName, Updated string
		Revision                                       int
	}
	Count int
}

// wantListed checks the ids GET /mustread answered, in order, as
// "collection/id@revision".
func wantListed(want ...string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		var got listed
		if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, it := range got.Items {
			ids = append(ids, it.Collection+"/"+it.Id+"@"+itoa(it.Revision))
		}
		if !slices.Equal(ids, want) || got.Count != len(want) {
			t.Errorf("must-reads %q (count %d), want %q", ids, got.Count, want)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestMustreadList(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	run(t, f, []tests.ApiScenario{
		{
			Name:   "bram: his team's post and pages, the organisation's post and protocol, newest first",
			Method: http.MethodGet, URL: mustreadURL, Headers: auth(f.bramT),
			ExpectedStatus: 200,
			// a page's team is the team it asks
			ExpectedContent: []string{`"teamName":"Buurtteam Haarlem-Noord"`,
				`"id":"` + protocol + `","title":"Wondzorg","team":"` + f.haarlem + `","teamName":"Buurtteam Haarlem-Noord"`,
				`"id":"` + orgProtocol + `","title":"Handhygiëne","team":"","teamName":""`},
			AfterTestFunc: wantListed("wiki_pages/"+teamProtocol+"@2", "wiki_pages/"+orgProtocol+"@1", "wiki_pages/"+protocol+"@3",
				"posts/"+orgPost+"@0", "posts/"+teamPost+"@0"),
		},
		{
			Name:   "what bram confirmed leaves the list",
			Method: http.MethodGet, URL: mustreadURL, Headers: auth(f.bramT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				confirmed(t, app, f.bram, teamPost, "", 0)
				confirmed(t, app, f.bram, "", protocol, 3)
				confirmed(t, app, f.bram, "", orgProtocol, 1)
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"items":[`},
			AfterTestFunc:   wantListed("wiki_pages/"+teamProtocol+"@2", "posts/"+orgPost+"@0"),
		},
		{
			Name:   "a new revision of the protocol brings it back, on top",
			Method: http.MethodGet, URL: mustreadURL, Headers: auth(f.bramT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				confirmed(t, app, f.bram, teamPost, "", 0)
				confirmed(t, app, f.bram, "", protocol, 3)
				bump(t, app, protocol)
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"items":[`},
			AfterTestFunc: wantListed("wiki_pages/"+protocol+"@4", "wiki_pages/"+teamProtocol+"@2", "wiki_pages/"+orgProtocol+"@1",
				"posts/"+orgPost+"@0"),
		},
		{
			Name:   "carla never sees a Haarlem-Noord item: only the organisation's post and protocol and her team's post",
			Method: http.MethodGet, URL: mustreadURL, Headers: auth(f.carlaT),
			ExpectedStatus:     200,
			NotExpectedContent: []string{teamPost, teamProtocol, protocol, "Haarlem-Noord", "Wondzorg", "Sleutels", "sleutelkluis"},
			AfterTestFunc:      wantListed("wiki_pages/"+orgProtocol+"@1", "posts/"+otherPost+"@0", "posts/"+orgPost+"@0"),
		},
		{
			// the wiki refuses a must-read page in a team's wiki; one written
			// past it (straight into the table) still asks only who is in
			// both the page's team and must_read_team
			Name:   "carla sees none when a Haarlem-Noord page written past the wiki is asked of Schalkwijk",
			Method: http.MethodGet, URL: mustreadURL, Headers: auth(f.carlaT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				_, err := app.DB().Update("wiki_pages", dbx.Params{"protocol": true, "must_read": true,
					"must_read_team": f.schalkwijk}, dbx.HashExp{"id": teamWikiPage}).Execute()
				if err != nil {
					t.Fatal(err)
				}
			},
			ExpectedStatus:     200,
			NotExpectedContent: []string{teamPost, teamProtocol, protocol, teamWikiPage},
			AfterTestFunc:      wantListed("wiki_pages/"+orgProtocol+"@1", "posts/"+otherPost+"@0", "posts/"+orgPost+"@0"),
		},
		{
			Name:   "at most 100 items, and the count of them all",
			Method: http.MethodGet, URL: mustreadURL, Headers: auth(f.carlaT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				for i := range 120 {
					when := types.NowDateTime().Add(time.Duration(i) * time.Second).String()
					if _, err := app.DB().Insert("posts", dbx.Params{"id": fmt.Sprintf("mrmany%09d", i), "author": f.bo,
						"kind": "update", "visibility": "organisation", "title": "Veel", "body": "Lees dit.",
						"must_read": true, "created": when, "updated": when}).Execute(); err != nil {
						t.Fatal(err)
					}
				}
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"count":123`, `"id":"mrmany000000119"`},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				var got listed
				if err := json.NewDecoder(res.Body).Decode(&got); err != nil || len(got.Items) != 100 {
					t.Errorf("%d items, want 100 (%v)", len(got.Items), err)
				}
			},
		},
		{
			Name:   "fenna, in no team, is asked nothing",
			Method: http.MethodGet, URL: mustreadURL, Headers: auth(f.fennaT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"count":0`, `"items":[]`},
		},
		{
			Name:   "IT is asked nothing",
			Method: http.MethodGet, URL: mustreadURL, Headers: auth(f.itT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"count":0`, `"items":[]`},
		},
		{
			Name:   "without a session: 401",
			Method: http.MethodGet, URL: mustreadURL,
			ExpectedStatus:  401,
			ExpectedContent: []string{`"status":401`},
		},
	})
}

// overviewOf is the answer of the readers routes.
type overviewOf struct {
	Revision  int
	Confirmed []struct {
		User struct{ Id, Name, Avatar string }
		At   string
	}
	Pending []struct {
		User struct{ Id, Name, Avatar string }
	}
	RemindedAt string
}

// wantReaders checks who confirmed and who did not, by user id.
func wantReaders(revision int, confirmedBy, pending []string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		var o overviewOf
		b, _ := io.ReadAll(res.Body)
		if err := json.Unmarshal(b, &o); err != nil {
			t.Fatal(err)
		}
		var c, p []string
		for _, r := range o.Confirmed {
			if r.At == "" || r.User.Name == "" {
				t.Errorf("a confirmation without its time or name: %s", b)
			}
			c = append(c, r.User.Id)
		}
		for _, r := range o.Pending {
			p = append(p, r.User.Id)
		}
		slices.Sort(c)
		slices.Sort(p)
		confirmedBy, pending = slices.Sorted(slices.Values(confirmedBy)), slices.Sorted(slices.Values(pending))
		if o.Revision != revision || !slices.Equal(c, confirmedBy) || !slices.Equal(p, pending) {
			t.Errorf("readers at revision %d: confirmed %q, pending %q\nwant revision %d: confirmed %q, pending %q",
				o.Revision, c, p, revision, confirmedBy, pending)
		}
	}
}

func TestReaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	postReaders := func(post string) string { return "/api/buurtplein/posts/" + post + "/readers" }
	pageReaders := func(page string) string { return "/api/buurtplein/wiki/" + page + "/readers" }
	everyone := []string{f.anna, f.bram, f.carla, f.dirk, f.eva, f.bo}

	run(t, f, []tests.ApiScenario{
		{
			// the blocked member and fenna, who left, are not asked
			Name:   "anna sees who of Haarlem-Noord confirmed the team's post",
			Method: http.MethodGet, URL: postReaders(teamPost), Headers: auth(f.annaT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				confirmed(t, app, f.bram, teamPost, "", 0)
				// fenna confirmed before she left
				m := save(t, app, "memberships", map[string]any{"team": f.haarlem, "user": formerMember, "role": "member"})
				confirmed(t, app, formerMember, teamPost, "", 0)
				if err := app.Delete(m); err != nil {
					t.Fatal(err)
				}
				confirmed(t, app, f.carla, orgPost, "", 0)
			},
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"name":"Bram Jansen"`, `"remindedAt":""`},
			NotExpectedContent: []string{blockedColl, formerMember, f.carla},
			AfterTestFunc:      wantReaders(0, []string{f.bram}, []string{f.anna, f.dirk}),
		},
		{
			Name:   "bram, a plain member, sees it too",
			Method: http.MethodGet, URL: postReaders(teamPost), Headers: auth(f.bramT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"pending":[`},
			AfterTestFunc:   wantReaders(0, nil, []string{f.anna, f.bram, f.dirk}),
		},
		{
			Name:   "only the confirmations of the current revision count",
			Method: http.MethodGet, URL: pageReaders(protocol), Headers: auth(f.annaT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				confirmed(t, app, f.bram, "", protocol, 3)
				confirmed(t, app, f.dirk, "", protocol, 3)
				bump(t, app, protocol)
				confirmed(t, app, f.dirk, "", protocol, 4)
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"pending":[`},
			AfterTestFunc:   wantReaders(4, []string{f.dirk}, []string{f.anna, f.bram}),
		},
		{
			Name:   "carla may not see who read a Haarlem-Noord post: it does not exist for her",
			Method: http.MethodGet, URL: postReaders(teamPost), Headers: auth(f.carlaT),
			ExpectedStatus:     404,
			NotExpectedContent: []string{"Bram", f.bram},
		},
		{
			Name:   "carla reads the protocol, but it asks Haarlem-Noord: 403",
			Method: http.MethodGet, URL: pageReaders(protocol), Headers: auth(f.carlaT),
			ExpectedStatus:     403,
			ExpectedContent:    []string{`"code":"mustread_readers_team_only"`},
			NotExpectedContent: []string{f.bram},
		},
		{
			Name:   "fenna, who left Haarlem-Noord, gets nothing",
			Method: http.MethodGet, URL: postReaders(teamPost), Headers: auth(f.fennaT),
			ExpectedStatus:     404,
			NotExpectedContent: []string{f.bram},
		},
		{
			Name:   "BOB sees who of the whole organisation confirmed the organisation's post",
			Method: http.MethodGet, URL: postReaders(orgPost), Headers: auth(f.boT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				confirmed(t, app, f.carla, orgPost, "", 0)
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"pending":[`},
			AfterTestFunc:   wantReaders(0, []string{f.carla}, []string{f.anna, f.bram, f.dirk, f.eva, f.bo}),
		},
		{
			Name:   "BOB sees the organisation's protocol asked of everyone",
			Method: http.MethodGet, URL: pageReaders(orgProtocol), Headers: auth(f.boT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"pending":[`},
			AfterTestFunc:   wantReaders(1, nil, everyone),
		},
		{
			Name:   "anna, a coordinator but not BOB, may not see the organisation's readers",
			Method: http.MethodGet, URL: postReaders(orgPost), Headers: auth(f.annaT),
			ExpectedStatus:     403,
			ExpectedContent:    []string{`"code":"mustread_readers_bob_only"`},
			NotExpectedContent: []string{f.carla},
		},
		{
			Name:   "carla may not either",
			Method: http.MethodGet, URL: pageReaders(orgProtocol), Headers: auth(f.carlaT),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"code":"mustread_readers_bob_only"`},
		},
		{
			Name:   "IT sees them all",
			Method: http.MethodGet, URL: postReaders(teamPost), Headers: auth(f.itT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"pending":[`},
			AfterTestFunc:   wantReaders(0, nil, []string{f.anna, f.bram, f.dirk}),
		},
		{
			Name:   "a post that is not must-read has no readers overview",
			Method: http.MethodGet, URL: postReaders(plainPost), Headers: auth(f.annaT),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"mustread_not_must_read"`},
		},
		{
			Name:   "an unknown post: 404",
			Method: http.MethodGet, URL: postReaders("nosuchpost00000"), Headers: auth(f.annaT),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"code":"mustread_not_found"`},
		},
		{
			Name:   "an id of 10,000 characters: 404, without a look-up",
			Method: http.MethodGet, URL: postReaders(strings.Repeat("a", 10000)), Headers: auth(f.annaT),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"code":"mustread_not_found"`},
		},
		{
			Name:   "a post's id on the pages' route: 404",
			Method: http.MethodGet, URL: pageReaders(teamPost), Headers: auth(f.annaT),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"code":"mustread_not_found"`},
		},
		{
			Name:   "without a session: 401",
			Method: http.MethodGet, URL: postReaders(teamPost),
			ExpectedStatus:     401,
			NotExpectedContent: []string{f.bram},
		},
		{
			Name:   "HEAD answers as GET, without a body",
			Method: http.MethodHead, URL: postReaders(teamPost), Headers: auth(f.carlaT),
			ExpectedStatus: 404,
		},
	})
}

func TestRemind(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	remindPost := func(post string) string { return "/api/buurtplein/posts/" + post + "/readers/remind" }
	remindPage := func(page string) string { return "/api/buurtplein/wiki/" + page + "/readers/remind" }
	reminders := func(t testing.TB, app core.App, user, subject string) int {
		return count(t, app, "notifications", dbx.HashExp{"user": user, "subject": subject, "kind": "mustread_reminder"})
	}

	run(t, f, []tests.ApiScenario{
		{
			Name:   "anna reminds who of Haarlem-Noord has not confirmed the post (not herself, not bram who did)",
			Method: http.MethodPost, URL: remindPost(teamPost), Headers: auth(f.annaT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				confirmed(t, app, f.bram, teamPost, "", 0)
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`{"notified":1}`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if reminders(t, app, f.dirk, teamPost) != 1 || reminders(t, app, f.bram, teamPost) != 0 ||
					reminders(t, app, f.anna, teamPost) != 0 || reminders(t, app, blockedColl, teamPost) != 0 {
					t.Error("the reminder did not go to dirk alone")
				}
				n, err := app.FindFirstRecordByData("notifications", "user", f.dirk)
				if err == nil && n.GetString("kind") == "mustread_reminder" {
					if got := testapp.NotificationText(t, n); got != `Herinnering van Anna de Vries: lees en bevestig "Nieuwe sleutelkluis"` {
						t.Errorf("dirk reads %q", got)
					}
				}
				if count(t, app, "mustread_reminders", dbx.HashExp{"post": teamPost, "sender": f.anna}) != 1 {
					t.Error("the reminder was not recorded")
				}
			},
		},
		{
			Name:   "a second reminder the same day is refused",
			Method: http.MethodPost, URL: remindPage(protocol), Headers: auth(f.bramT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				reminded(t, app, "", protocol, time.Now().Add(-time.Minute))
			},
			ExpectedStatus:  429,
			ExpectedContent: []string{`"code":"mustread_reminded_today"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if reminders(t, app, f.dirk, protocol) != 0 {
					t.Error("a refused reminder notified dirk")
				}
			},
		},
		{
			Name:   "the readers overview says it was reminded today",
			Method: http.MethodGet, URL: "/api/buurtplein/wiki/" + protocol + "/readers", Headers: auth(f.bramT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				reminded(t, app, "", protocol, time.Now().Add(-time.Minute))
			},
			ExpectedStatus:     200,
			NotExpectedContent: []string{`"remindedAt":""`},
		},
		{
			Name:   "a reminder two days ago does not stop today's",
			Method: http.MethodPost, URL: remindPage(protocol), Headers: auth(f.bramT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				reminded(t, app, "", protocol, time.Now().Add(-48*time.Hour))
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`{"notified":2}`},
		},
		{
			Name:   "a reminder late yesterday (Amsterdam's day) does not stop today's",
			Method: http.MethodPost, URL: remindPage(protocol), Headers: auth(f.bramT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				amsterdam, err := time.LoadLocation("Europe/Amsterdam")
				if err != nil {
					t.Fatal(err)
				}
				now := time.Now().In(amsterdam)
				midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, amsterdam)
				reminded(t, app, "", protocol, midnight.Add(-time.Minute))
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`{"notified":2}`},
		},
		{
			Name:   "a reminder of another item does not count",
			Method: http.MethodPost, URL: remindPost(teamPost), Headers: auth(f.annaT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				reminded(t, app, "", protocol, time.Now().Add(-time.Minute))
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`{"notified":2}`},
		},
		{
			// past 50 readers the notifications are written at once
			Name:   "anna reminds a large team",
			Method: http.MethodPost, URL: remindPost(teamPost), Headers: auth(f.annaT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				for i := range 60 {
					id := fmt.Sprintf("mrlarge%08d", i)
					if _, err := app.DB().Insert("users", dbx.Params{"id": id, "name": fmt.Sprintf("Collega %d", i),
						"email": id + "@buurtplein.test", "password": "x", "tokenKey": id + "-token-key-0123456789"}).Execute(); err != nil {
						t.Fatal(err)
					}
					save(t, app, "memberships", map[string]any{"team": f.haarlem, "user": id, "role": "member"})
				}
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`{"notified":62}`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n := count(t, app, "notifications", dbx.HashExp{"subject": teamPost, "kind": "mustread_reminder", "sender": f.anna}); n != 62 {
					t.Errorf("%d reminders, want 62", n)
				}
				if reminders(t, app, f.dirk, teamPost) != 1 || reminders(t, app, "mrlarge00000059", teamPost) != 1 || reminders(t, app, f.anna, teamPost) != 0 {
					t.Error("the reminder missed dirk or a new colleague, or went to anna")
				}
			},
		},
		{
			Name:   "BOB reminds the whole organisation once",
			Method: http.MethodPost, URL: remindPost(orgPost), Headers: auth(f.boT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`{"notified":5}`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if reminders(t, app, formerMember, orgPost) != 0 || reminders(t, app, blockedColl, orgPost) != 0 {
					t.Error("fenna or the blocked colleague was reminded")
				}
			},
		},
		{
			Name:   "carla may not remind the organisation",
			Method: http.MethodPost, URL: remindPost(orgPost), Headers: auth(f.carlaT),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"code":"mustread_readers_bob_only"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if count(t, app, "notifications", dbx.HashExp{"kind": "mustread_reminder"}) != 0 {
					t.Error("a refused reminder notified someone")
				}
			},
		},
		{
			Name:   "carla may not remind Haarlem-Noord of a post she cannot read",
			Method: http.MethodPost, URL: remindPost(teamPost), Headers: auth(f.carlaT),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"code":"mustread_not_found"`},
		},
		{
			Name:   "a reminder to everyone already confirmed notifies nobody and is not counted",
			Method: http.MethodPost, URL: remindPage(teamProtocol), Headers: auth(f.annaT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				confirmed(t, app, f.bram, "", teamProtocol, 2)
				confirmed(t, app, f.dirk, "", teamProtocol, 2)
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`{"notified":0}`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if count(t, app, "mustread_reminders", dbx.HashExp{"page": teamProtocol}) != 0 {
					t.Error("an empty reminder was recorded")
				}
			},
		},
	})
}

// TestConfirmSettlesNotifications: confirming settles the reader's own
// must-read notifications about it, no one else's.
func TestConfirmSettlesNotifications(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	settled := func(t testing.TB, app core.App, user string) bool {
		return count(t, app, "notifications", dbx.HashExp{"user": user, "subject": teamPost, "settled": true}) == 1
	}
	run(t, f, []tests.ApiScenario{{
		Name:   "bram confirms after a reminder",
		Method: http.MethodPost, URL: readsURL, Headers: auth(f.bramT),
		Body: body(`{"post":"` + teamPost + `","user":"` + f.bram + `"}`),
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
			err := notify.NotifyMany(app, []string{f.bram, f.dirk}, notify.Notification{
				Kind: notify.KindMustreadReminder, Subject: notify.Subject{Collection: "posts", Id: teamPost},
				Sender: f.anna, Params: map[string]any{"actor": "Anna de Vries", "title": "Nieuwe sleutelkluis"},
			})
			if err != nil {
				t.Fatal(err)
			}
		},
		ExpectedStatus:  200,
		ExpectedContent: []string{`"post":"` + teamPost + `"`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if !settled(t, app, f.bram) || settled(t, app, f.dirk) {
				t.Error("want bram's reminder settled and dirk's open")
			}
		},
	}})
}
