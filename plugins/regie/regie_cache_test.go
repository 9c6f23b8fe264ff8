package regie_test

import (
	"net/http"
	"testing"

	"buurtplein/plugins/regie"
)

// TestClientDataNoStore: every answer about client data says
// Cache-Control: no-store, refusals and missing routes included, and so
// does any other answer that holds client data (a batch, an expand);
// other answers do not.
func TestClientDataNoStore(t *testing.T) {
	t.Parallel()
	noStore := func(want bool) func(t testing.TB, f *accessFixture, res *http.Response) {
		return func(t testing.TB, f *accessFixture, res *http.Response) {
			if got := res.Header.Get("Cache-Control") == "no-store"; got != want {
				t.Errorf("Cache-Control %q", res.Header.Get("Cache-Control"))
			}
		}
	}
	scenarios := []accessScenario{
		{
			name: "a client's list", method: http.MethodGet, who: "bram",
			url:    func(*accessFixture) string { return "/api/collections/clients/records" },
			status: 200, content: []string{"HN-9001"}, check: noStore(true),
		},
		{
			name: "a client refused", method: http.MethodGet, who: "carla",
			url:    func(f *accessFixture) string { return "/api/collections/clients/records/" + f.client1.Id },
			status: 404, check: noStore(true),
		},
		{
			name: "referrals by the collection's id, anonymous", method: http.MethodGet,
			url: func(f *accessFixture) string {
				c, _ := f.app.FindCollectionByNameOrId(regie.ReferralsCollection)
				return "/api/collections/" + c.Id + "/records"
			},
			status: 200, content: []string{`"items":[]`}, check: noStore(true),
		},
		{
			name: "an attachment", method: http.MethodGet,
			url:    func(f *accessFixture) string { return f.fileURL(0, "bram", "") },
			status: 200, content: []string{"PNG"}, check: noStore(true),
		},
		{
			name: "an attachment's thumb refused", method: http.MethodGet,
			url:    func(f *accessFixture) string { return f.fileURL(1, "", "thumb=100x100") },
			status: 404, check: noStore(true),
		},
		{
			name: "a client route", method: http.MethodGet, who: "bram",
			url:    func(f *accessFixture) string { return "/api/buurtplein/clients/" + f.client1.Id + "/no-such-route" },
			status: 404, check: noStore(true),
		},
		{
			name: "a batch that writes client data", method: http.MethodPost, who: "bram",
			url:   func(*accessFixture) string { return "/api/batch" },
			body:  func(f *accessFixture) string { return batchOf(newReferral(f, "newreferral0001", "red")) },
			setup: copyTeam, status: 200, content: []string{"newreferral0001"}, check: noStore(true),
		},
		{
			name: "anna with her plans expanded", method: http.MethodGet, who: "anna",
			url: func(f *accessFixture) string {
				return "/api/collections/users/records/" + f.user["anna"] + "?expand=plans_via_regisseur"
			},
			status: 200, content: []string{"Veilig thuis"}, check: noStore(true),
		},
		{
			name: "anna without them", method: http.MethodGet, who: "anna",
			url:    func(f *accessFixture) string { return "/api/collections/users/records/" + f.user["anna"] },
			status: 200, content: []string{"Anna de Vries"}, check: noStore(false),
		},
		{
			name: "tasks are not client data", method: http.MethodGet, who: "bram",
			url:    func(*accessFixture) string { return "/api/collections/tasks/records?perPage=1" },
			status: 200, content: []string{`"page":1`}, check: noStore(false),
		},
	}
	for _, s := range scenarios {
		s.run(t)
	}
}
