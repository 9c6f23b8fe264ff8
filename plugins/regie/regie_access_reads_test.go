package regie_test

import (
	"net/http"
	"net/url"
	"testing"

	"buurtplein/plugins/audit"
	"buurtplein/plugins/regie"
	"buurtplein/plugins/teams"

	"github.com/pocketbase/dbx"
)

// referralsOf is the list URL of the fixture's referrals (three, of two
// clients), with more query.
func referralsOf(f *accessFixture, query string) string {
	filter := url.QueryEscape(`client = "` + f.client1.Id + `" || client = "` + f.client2.Id + `"`)
	return "/api/collections/referrals/records?filter=" + filter + query
}

// annasPlans returns the entries of a read of the plans anna is the
// regisseur of (the fixture's, and the demo's once there): one per client.
func annasPlans(t testing.TB, f *accessFixture) []want {
	t.Helper()
	plans, err := f.app.FindAllRecords(regie.PlansCollection, dbx.HashExp{"regisseur": f.user["anna"]})
	if err != nil {
		t.Fatal(err)
	}
	byClient := map[string]*want{}
	var wants []want
	for _, p := range plans {
		w := byClient[p.GetString("client")]
		if w == nil {
			client, err := f.app.FindRecordById(regie.ClientsCollection, p.GetString("client"))
			if err != nil {
				t.Fatal(err)
			}
			w = &want{action: audit.ActionRead, user: f.user["anna"], role: "coordinator", team: client.GetString("team"),
				client: client.Id, code: client.GetString("code")}
			byClient[client.Id] = w
		}
		w.records = append(w.records, "plans/"+p.Id)
	}
	for _, w := range byClient {
		wants = append(wants, *w)
	}
	return wants
}

// TestAccessLogReads: every read of client data (view, list, expand, HEAD,
// file and thumb) writes, before the answer, one entry per client shown,
// with every field set, for members and superusers alike.
func TestAccessLogReads(t *testing.T) {
	t.Parallel()
	view := func(f *accessFixture) string { return "/api/collections/clients/records/" + f.client1.Id }
	client1 := func(f *accessFixture, action, who, role string, records ...string) want {
		return want{action: action, user: f.user[who], role: role, team: f.hn, client: f.client1.Id, code: "HN-9001", records: records}
	}
	referralsRead := func(t testing.TB, f *accessFixture, res *http.Response) {
		r := f.referrals
		rows := f.newEntries(t)
		if len(rows) == 2 && rows[0].Created != rows[1].Created {
			t.Errorf("a list's entries are written apart: %s, %s", rows[0].Created, rows[1].Created)
		}
		checkEntries(t, rows,
			client1(f, audit.ActionRead, "bram", "member", "referrals/"+r[0].Id, "referrals/"+r[1].Id),
			want{action: audit.ActionRead, user: f.user["bram"], role: "member", team: f.hn, client: f.client2.Id, code: "HN-9002", records: []string{"referrals/" + r[2].Id}},
		)
	}

	download := func(name, who, role string, i int, query string) accessScenario {
		return accessScenario{
			name: name, method: http.MethodGet,
			url:    func(f *accessFixture) string { return f.fileURL(i, who, query) },
			status: 200, content: []string{"PNG"},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t), client1(f, audit.ActionRead, who, role, f.fileName(i)))
			},
		}
	}

	scenarios := []accessScenario{
		{
			name: "bram views a client", method: http.MethodGet, who: "bram", url: view,
			status: 200, content: []string{`"code":"HN-9001"`},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t), client1(f, audit.ActionRead, "bram", "member", "clients/"+f.client1.Id))
			},
		},
		{
			name: "bram views a client with HEAD", method: http.MethodHead, who: "bram", url: view,
			status: 200,
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t), client1(f, audit.ActionRead, "bram", "member", "clients/"+f.client1.Id))
			},
		},
		{
			name: "anna, coordinator, views a conversation", method: http.MethodGet, who: "anna",
			url:    func(f *accessFixture) string { return "/api/collections/conversations/records/" + f.conversation.Id },
			status: 200, content: []string{"Eerste gesprek"},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t), client1(f, audit.ActionRead, "anna", "coordinator", "conversations/"+f.conversation.Id))
			},
		},
		{
			name: "it, a superuser, views a client", method: http.MethodGet, who: "it", url: view,
			status: 200, content: []string{`"code":"HN-9001"`},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t), client1(f, audit.ActionRead, "it", audit.RoleSuperuser, "clients/"+f.client1.Id))
			},
		},
		{
			name: "bram lists three referrals of two clients: two entries", method: http.MethodGet, who: "bram",
			url:    func(f *accessFixture) string { return referralsOf(f, "") },
			status: 200, content: []string{`"totalItems":3`},
			check: referralsRead,
		},
		{
			name: "bram lists Haarlem-Noord's clients: an entry each, in one Append", method: http.MethodGet, who: "bram",
			url:    func(*accessFixture) string { return "/api/collections/clients/records?perPage=200" },
			status: 200, content: []string{`"code":"HN-9001"`, `"code":"HN-9002"`}, notContent: []string{"SW-9001"},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				clients, err := f.app.FindAllRecords(regie.ClientsCollection, dbx.HashExp{"team": f.hn})
				if err != nil {
					t.Fatal(err)
				}
				var wants []want
				for _, c := range clients {
					wants = append(wants, want{action: audit.ActionRead, user: f.user["bram"], role: "member", team: f.hn,
						client: c.Id, code: c.GetString("code"), records: []string{"clients/" + c.Id}})
				}
				rows := f.newEntries(t)
				checkEntries(t, rows, wants...)
				for _, r := range rows {
					if r.Created != rows[0].Created {
						t.Errorf("the list's entries are written apart: %s, %s", rows[0].Created, r.Created)
					}
				}
			},
		},
		{
			name: "bram lists them with HEAD", method: http.MethodHead, who: "bram",
			url:    func(f *accessFixture) string { return referralsOf(f, "") },
			status: 200, check: referralsRead,
		},
		{
			name: "bram lists them with their clients expanded", method: http.MethodGet, who: "bram",
			url:    func(f *accessFixture) string { return referralsOf(f, "&expand=client") },
			status: 200, content: []string{`"initials":"A.B."`, `"initials":"C.D."`},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				r := f.referrals
				checkEntries(t, f.newEntries(t),
					client1(f, audit.ActionRead, "bram", "member", "referrals/"+r[0].Id, "referrals/"+r[1].Id, "clients/"+f.client1.Id),
					want{action: audit.ActionRead, user: f.user["bram"], role: "member", team: f.hn, client: f.client2.Id, code: "HN-9002",
						records: []string{"referrals/" + r[2].Id, "clients/" + f.client2.Id}},
				)
			},
		},
		{
			name: "anna lists herself with the plans she is regisseur of expanded", method: http.MethodGet, who: "anna",
			url: func(f *accessFixture) string {
				return "/api/collections/users/records/" + f.user["anna"] + "?expand=plans_via_regisseur"
			},
			status: 200, content: []string{"Veilig thuis"},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t), annasPlans(t, f)...)
			},
		},
		{
			name: "anna refreshes her sign-in with her plans expanded", method: http.MethodPost, who: "anna",
			url:    func(*accessFixture) string { return "/api/collections/users/auth-refresh?expand=plans_via_regisseur" },
			status: 200, content: []string{"Veilig thuis"},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t), annasPlans(t, f)...)
			},
		},
		{
			name: "anna signs in with her plans expanded", method: http.MethodPost,
			url: func(*accessFixture) string {
				return "/api/collections/users/auth-with-password?expand=plans_via_regisseur"
			},
			body: func(*accessFixture) string {
				return `{"identity":"anna@buurtplein.test","password":"` + teams.DemoPassword + `"}`
			},
			status: 200, content: []string{"Veilig thuis"},
			check: func(t testing.TB, f *accessFixture, res *http.Response) {
				checkEntries(t, f.newEntries(t), annasPlans(t, f)...)
				if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("an answer with client data says Cache-Control %q", cc)
				}
			},
		},
		download("bram downloads a conversation's attachment with a file token", "bram", "member", 0, ""),
		download("bram gets the thumb of one", "bram", "member", 1, "thumb=100x100"),
		download("it, a superuser, downloads one", "it", audit.RoleSuperuser, 0, ""),
	}
	for _, s := range scenarios {
		s.run(t)
	}
}
