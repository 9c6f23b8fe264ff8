package regie_test

import (
	"net/http"
	"testing"

	"buurtplein/plugins/audit"
	"buurtplein/plugins/regie"
)

// logGone makes every Append fail: the log's table is renamed.
func logGone(t testing.TB, f *accessFixture) {
	t.Helper()
	if _, err := f.app.DB().NewQuery("ALTER TABLE " + audit.Collection + " RENAME TO access_log_away").Execute(); err != nil {
		t.Fatal(err)
	}
}

// TestAccessLogUnavailable: an access whose entry cannot be written does
// not happen: a read answers 503 audit_unavailable without the data, a
// write is not stored, an expand leaves the client data out.
func TestAccessLogUnavailable(t *testing.T) {
	t.Parallel()
	unavailable := []string{`"status":503`, `"audit_unavailable"`}
	clientData := []string{"HN-9001", "A.B.", "Valt vaak", "Eerste gesprek", "Veilig thuis"}
	scenarios := []accessScenario{
		{
			name: "bram views a client", method: http.MethodGet, who: "bram",
			url:   func(f *accessFixture) string { return "/api/collections/clients/records/" + f.client1.Id },
			setup: logGone, status: 503, content: unavailable, notContent: clientData,
		},
		{
			name: "bram lists referrals", method: http.MethodGet, who: "bram",
			url:   func(f *accessFixture) string { return referralsOf(f, "&expand=client") },
			setup: logGone, status: 503, content: unavailable, notContent: clientData,
		},
		{
			name: "bram downloads an attachment", method: http.MethodGet,
			url:   func(f *accessFixture) string { return f.fileURL(0, "bram", "") },
			setup: logGone, status: 503, content: unavailable, notContent: []string{"PNG"},
		},
		{
			name: "anna views herself with her plans expanded: without them", method: http.MethodGet, who: "anna",
			url: func(f *accessFixture) string {
				return "/api/collections/users/records/" + f.user["anna"] + "?expand=plans_via_regisseur"
			},
			setup: logGone, status: 200, content: []string{"Anna de Vries"}, notContent: clientData,
		},
		{
			name: "bram creates a referral", method: http.MethodPost, who: "bram",
			url:  func(*accessFixture) string { return "/api/collections/referrals/records" },
			body: func(f *accessFixture) string { return newReferral(f, "newreferral0001", "red") },
			setup: func(t testing.TB, f *accessFixture) {
				copyTeam(t, f)
				logGone(t, f)
			},
			status: 503, content: unavailable,
			check: func(t testing.TB, f *accessFixture, _ *http.Response) {
				if _, err := f.app.FindRecordById(regie.ReferralsCollection, "newreferral0001"); err == nil {
					t.Error("a referral whose entry failed is stored")
				}
			},
		},
	}
	for _, s := range scenarios {
		s.run(t)
	}
}
