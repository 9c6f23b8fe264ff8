package sessions

import (
	"fmt"
	"net/http"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
)

// BOBStaffRule is the users MFA rule that [RequireMFA] sets: it holds for
// members of a team of kind "bob". PocketBase evaluates it against the
// account that signs in.
const BOBStaffRule = `memberships_via_user.team.kind ?= "` + hooks.TeamKindBOB + `"`

// defaultOTPSubject is the subject of PocketBase's own (English) OTP mail;
// while a collection still has it, RequireMFA writes the Dutch mail.
const defaultOTPSubject = "OTP for " + core.EmailPlaceholderAppName

var otpMail = core.EmailTemplate{
	Subject: "Je inlogcode voor " + core.EmailPlaceholderAppName,
	Body: `<p>Hallo,</p>
<p>Je inlogcode is: <strong>` + core.EmailPlaceholderOTP + `</strong></p>
<p>Vul de code in op het scherm waar je inlogt. Hij is een paar minuten geldig.</p>
<p><i>Heb je niet zelf geprobeerd in te loggen? Dan kent iemand anders misschien je wachtwoord: wijzig het en meld het bij IT.</i></p>
<p>` + core.EmailPlaceholderAppName + `</p>`,
}

// RequireMFA switches on a second factor: every superuser, and every
// employee for whom [BOBStaffRule] holds, signs in with the password and
// then with a code sent by e-mail (PocketBase's MFA with OTP). It is
// idempotent and saves a collection only when something changes.
func RequireMFA(app core.App) error {
	if err := requireMFA(app, core.CollectionNameSuperusers, ""); err != nil {
		return err
	}
	return requireMFA(app, hooks.UsersCollection, BOBStaffRule)
}

func requireMFA(app core.App, name, rule string) error {
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		return fmt.Errorf("requiring MFA for %s: %w", name, err)
	}

	changed := !c.MFA.Enabled || c.MFA.Rule != rule || !c.OTP.Enabled
	c.MFA.Enabled = true
	c.MFA.Rule = rule
	c.OTP.Enabled = true
	if c.OTP.EmailTemplate.Subject == defaultOTPSubject {
		c.OTP.EmailTemplate = otpMail
		changed = true
	}
	if !changed {
		return nil
	}

	if err := app.Save(c); err != nil {
		return fmt.Errorf("requiring MFA for %s: %w", name, err)
	}
	return nil
}

// bindOTPHooks makes the e-mailed code a second factor only wherever MFA is
// on: signing in with a code alone would let anyone with access to a
// mailbox in, and would skip the password of those MFA does not cover.
func (p *plugin) bindOTPHooks() {
	p.app.OnRecordAuthWithOTPRequest().BindFunc(func(e *core.RecordAuthWithOTPRequestEvent) error {
		if !e.Collection.MFA.Enabled {
			return e.Next()
		}
		mfaId := e.Request.URL.Query().Get("mfaId")
		if mfaId == "" {
			info, err := e.RequestInfo()
			if err != nil {
				return err
			}
			mfaId, _ = info.Body["mfaId"].(string)
		}
		if mfaId == "" {
			return hooks.Err(http.StatusForbidden, "mfa_password_first", nil, "Log eerst in met je wachtwoord; de code is de tweede stap.")
		}
		return e.Next()
	})
}
