package regie_test

import (
	"net/http"
	"net/url"
	"testing"

	"buurtplein/plugins/audit"
)

// referralsOf is the list URL of the fixture's referrals (three, of two
// clients), with more query.
func referralsOf(f *accessFixture, query string) string {
	filter := url.QueryEscape(`client = "` + f.client1.Id + `" || client = "` + f.client2.Id + `"`)
	return "/api/collections/referrals/records?filter=" + filter + query
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
		checkEntries(t, f.newEntries(t),
			client1(f, audit.ActionRead, "bram", "member", "referrals/"+r[0].Id, "referrals/"+r[1].Id),
			want{action: audit.ActionRead, user: f.user["bram"], role: "member", team: f.hn, client: f.client2.Id, code: "HN-9002", records: []string{"referrals/" + r[2].Id}},
		)
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
				checkEntries(t, f.newEntries(t), client1(f, audit.ActionRead, "anna", "coordinator", "plans/"+f.plan.Id))
			},
		},
		{
			name: "bram downloads a conversation's attachment with a file token", method: http.MethodGet,
			url: func(f *accessFixture) string {
				return "/api/files/conversations/" + f.conversation.Id + "/" + f.attachment(0) + "?token=" + f.fileToken("bram")
			},
			status: 200, content: []string{"PNG"},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t), client1(f, audit.ActionRead, "bram", "member", "conversations/"+f.conversation.Id+"/"+f.attachment(0)))
			},
		},
		{
			name: "bram gets the thumb of one", method: http.MethodGet,
			url: func(f *accessFixture) string {
				return "/api/files/conversations/" + f.conversation.Id + "/" + f.attachment(1) + "?thumb=100x100&token=" + f.fileToken("bram")
			},
			status: 200, content: []string{"PNG"},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t), client1(f, audit.ActionRead, "bram", "member", "conversations/"+f.conversation.Id+"/"+f.attachment(1)))
			},
		},
		{
			name: "it, a superuser, downloads one", method: http.MethodGet,
			url: func(f *accessFixture) string {
				return "/api/files/conversations/" + f.conversation.Id + "/" + f.attachment(0) + "?token=" + f.fileToken("it")
			},
			status: 200, content: []string{"PNG"},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t), client1(f, audit.ActionRead, "it", audit.RoleSuperuser, "conversations/"+f.conversation.Id+"/"+f.attachment(0)))
			},
		},
	}
	for _, s := range scenarios {
		s.run(t)
	}
}
