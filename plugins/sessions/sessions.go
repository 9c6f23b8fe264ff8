// Package sessions keeps Buurtplein's sign-ins in the organisation's hands:
// signing out revokes the session on the server, a blocked ("geblokkeerd")
// account stops working at once, also on open realtime connections, and
// IT and BOB staff can be required to confirm their sign-in with a code
// sent by e-mail (PocketBase's MFA with a one-time password).
//
// A session is a PocketBase auth token, signed with the account's token
// key. Rotating that key makes every token of the account invalid at once;
// both sign-out and blocking do that, and any change of the token key
// (also a new password or e-mail address) ends the account's realtime
// connections. An API request with a token that no longer signs anyone in
// gets a 401 instead of PocketBase's guest answer, so clients notice.
//
// Routes:
//
//	POST /api/buurtplein/auth/signout          revoke the caller's sessions (204)
//	POST /api/buurtplein/users/{id}/disable    block an employee (204)
//	POST /api/buurtplein/users/{id}/enable     unblock an employee (204)
//
// Example usage:
//
//	sessions.MustRegister(app, sessions.Config{
//		RequireMFA: true, // superusers and BOB staff confirm with a code
//	})
package sessions

import (
	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// DisabledField is the users field that blocks an account.
const DisabledField = "disabled"

// Config defines the config options of the sessions plugin.
type Config struct {
	// RequireMFA switches on a second factor (a code sent by e-mail) for
	// every superuser and for BOB staff when the server starts (see
	// [RequireMFA]). Off, the MFA and OTP settings are left as IT set them
	// in the dashboard.
	RequireMFA bool
}

type plugin struct {
	app    core.App
	config Config
}

// MustRegister registers the sessions plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the sessions plugin to app.
func Register(app core.App, config Config) error {
	p := &plugin{app: app, config: config}

	p.bindRealtimeHooks()
	p.bindDisableHooks()
	p.bindOTPHooks()
	p.bindMailHooks()

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if p.config.RequireMFA {
			if err := RequireMFA(se.App); err != nil {
				return err
			}
			warnWithoutMail(se.App)
		}

		bindStaleTokenCheck(se)
		bindMailCheck(se)

		auth := se.Router.Group("/api/buurtplein/auth")
		auth.Bind(apis.RequireAuth(hooks.UsersCollection, core.CollectionNameSuperusers))
		auth.POST("/signout", p.signOut)

		users := se.Router.Group("/api/buurtplein/users")
		users.Bind(apis.RequireAuth(hooks.UsersCollection, core.CollectionNameSuperusers))
		users.POST("/{id}/disable", p.disable)
		users.POST("/{id}/enable", p.enable)

		return se.Next()
	})

	return nil
}
