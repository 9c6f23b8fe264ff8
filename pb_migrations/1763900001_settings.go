package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		s.Meta.AppName = "Buurtplein"

		// Rate limits are per client IP. A team office shares one IP, so the
		// limits for signed-in work are generous; sign-in attempts and
		// anonymous traffic get tighter ones.
		s.RateLimits.Enabled = true
		s.RateLimits.Rules = []core.RateLimitRule{
			{Label: "*:auth", MaxRequests: 10, Duration: 10},
			{Label: "*:create", MaxRequests: 60, Duration: 10},
			{Label: "/api/batch", MaxRequests: 10, Duration: 1},
			{Label: "/api/", Audience: core.RateLimitRuleAudienceGuest, MaxRequests: 100, Duration: 10},
			{Label: "/api/", Audience: core.RateLimitRuleAudienceAuth, MaxRequests: 1000, Duration: 10},
		}

		// batch requests run every action under its collection's rules, in
		// one transaction
		s.Batch.Enabled = true
		s.Batch.MaxRequests = 50
		s.Batch.Timeout = 3

		return app.Save(s)
	}, nil)
}
