package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Sign-in attempts per client address: 40 per 30 s instead of 10 per 10 s,
// so that a team office signing in at the start of a shift, behind one
// address, all gets in. Guessing one account's password stays slow through
// the limit per account (hooks.SignInLimit).
func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()

		found := false
		for i, rule := range s.RateLimits.Rules {
			if rule.Label == "*:auth" {
				s.RateLimits.Rules[i].MaxRequests = 40
				s.RateLimits.Rules[i].Duration = 30
				found = true
			}
		}
		if !found {
			s.RateLimits.Rules = append(s.RateLimits.Rules, core.RateLimitRule{Label: "*:auth", MaxRequests: 40, Duration: 30})
		}

		return app.Save(s)
	}, nil)
}
