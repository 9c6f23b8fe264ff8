package regie_test

import (
	"net/http"
	"testing"

	"buurtplein/plugins/audit"
)

// TestAccessLogRefused: a refused attempt on client data by a signed-in
// caller (another team's member, BOB staff, a removed employee with her
// token, on a record, a file or a create) writes one entry "refused"
// naming the client and the status; an anonymous one writes nothing.
func TestAccessLogRefused(t *testing.T) {
	t.Parallel()
	view := func(f *accessFixture) string { return "/api/collections/clients/records/" + f.client1.Id }
	refusedBy := func(who string, record func(f *accessFixture) string, details string) func(t testing.TB, f *accessFixture, _ *http.Response) {
		return func(t testing.TB, f *accessFixture, _ *http.Response) {
			checkEntries(t, f.newEntries(t), want{
				action: audit.ActionRefused, user: f.user[who], role: audit.RoleNone, team: f.hn,
				client: f.client1.Id, code: "HN-9001", records: []string{record(f)}, details: details,
			})
		}
	}
	file := func(f *accessFixture) string { return f.fileName(0) }
	clientName := func(f *accessFixture) string { return "clients/" + f.client1.Id }

	scenarios := []accessScenario{
		{
			name: "carla of Schalkwijk views a client of Haarlem-Noord", method: http.MethodGet, who: "carla", url: view,
			status: 404, notContent: []string{"HN-9001", "A.B."},
			check: refusedBy("carla", clientName, "404"),
		},
		{
			name: "bo of BOB views it", method: http.MethodGet, who: "bo", url: view,
			status: 404, notContent: []string{"HN-9001", "A.B."},
			check: refusedBy("bo", clientName, "404"),
		},
		{
			name: "fenna, removed from Haarlem-Noord, views it with her old token", method: http.MethodGet, who: "fenna", url: view,
			status: 404, notContent: []string{"HN-9001", "A.B."},
			check: refusedBy("fenna", clientName, "404"),
		},
		{
			name: "carla views it with HEAD", method: http.MethodHead, who: "carla", url: view,
			status: 404, check: refusedBy("carla", clientName, "404"),
		},
		{
			name: "carla downloads a conversation's attachment with her file token", method: http.MethodGet,
			url:    func(f *accessFixture) string { return f.fileURL(0, "carla", "") },
			status: 404, notContent: []string{"PNG"},
			check: refusedBy("carla", file, "404"),
		},
		{
			name: "carla creates a referral of the client", method: http.MethodPost, who: "carla",
			url:    func(*accessFixture) string { return "/api/collections/referrals/records" },
			body:   func(f *accessFixture) string { return newReferral(f, "newreferral0001", "red") },
			status: 400, content: []string{`"status":400`},
			check: refusedBy("carla", func(*accessFixture) string { return "referrals" }, "400"),
		},
		{
			name: "bram views a client there is not: refused, no client", method: http.MethodGet, who: "bram",
			url:    func(*accessFixture) string { return "/api/collections/clients/records/noclient0000001" },
			status: 404,
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t), want{action: audit.ActionRefused, user: f.user["bram"], role: audit.RoleNone,
					records: []string{"clients/noclient0000001"}, details: "404"})
			},
		},
		{
			name: "an anonymous caller views the client: not logged", method: http.MethodGet, url: view,
			status: 404, notContent: []string{"HN-9001", "A.B."},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t))
			},
		},
		{
			name: "an anonymous caller downloads the attachment: not logged", method: http.MethodGet,
			url:    func(f *accessFixture) string { return f.fileURL(0, "", "") },
			status: 404, notContent: []string{"PNG"},
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				checkEntries(t, f.newEntries(t))
			},
		},
	}
	for _, s := range scenarios {
		s.run(t)
	}
}
