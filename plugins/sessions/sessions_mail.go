package sessions

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/mails"
)

// defaultSenderAddress is PocketBase's placeholder sender: mail from it is
// refused or lands in spam, so it counts as no sender at all.
const defaultSenderAddress = "support@example.com"

// codeSendTimeout bounds how long a sign-in code request waits for the mail
// server; past it the code request answers and the mail goes on in the
// background, as PocketBase's own request does.
const codeSendTimeout = 10 * time.Second

// Messages a person reads when mail cannot carry a sign-in code or a
// password reset.
const (
	msgMailNotConfigured = "De e-mail van Buurtplein is nog niet ingesteld, dus er kan geen code of herstelmail verstuurd worden. Vraag IT om de e-mail in te stellen."
	msgMailFailed        = "De code kon niet gemaild worden: de mailserver werkt nu niet. Probeer het over een paar minuten opnieuw; lukt het dan nog niet, meld het bij IT."
	msgTooManyCodes      = "Je hebt te veel codes aangevraagd. Gebruik de laatste code uit je mail, of probeer het over een paar minuten opnieuw."
)

// MailProblem says, in Dutch, why app cannot send mail with its settings,
// or returns "" when SMTP is on with a host and a real sender address.
// PocketBase falls back to the local sendmail command without SMTP; mail
// that way rarely arrives, so it counts as not set up.
func MailProblem(app core.App) string {
	s := app.Settings()
	var missing []string
	if !s.SMTP.Enabled || strings.TrimSpace(s.SMTP.Host) == "" {
		missing = append(missing, "er is geen SMTP-server ingesteld")
	}
	if sender := strings.TrimSpace(s.Meta.SenderAddress); sender == "" || strings.EqualFold(sender, defaultSenderAddress) {
		missing = append(missing, "er is geen afzenderadres ingesteld")
	}
	return strings.Join(missing, " en ")
}

// mailWarning is what the server prints at start when MFA is required and
// mail is not set up.
func mailWarning(problem string) string {
	return "LET OP: --mfa staat aan, maar de e-mail is niet ingesteld (" + problem + ").\n" +
		"  Superusers (IT) loggen tot de e-mail werkt in met alleen hun wachtwoord, zodat ze de e-mail kunnen instellen:\n" +
		"  dashboard (/_/), Settings, Mail settings: SMTP-server en afzenderadres.\n" +
		"  BOB-medewerkers krijgen tot dan geen inlogcode en kunnen niet inloggen."
}

// warnWithoutMail prints and logs [mailWarning] when mail is not set up.
func warnWithoutMail(app core.App) {
	problem := MailProblem(app)
	if problem == "" {
		return
	}
	fmt.Fprintln(os.Stderr, mailWarning(problem))
	app.Logger().Warn("MFA is required but mail is not set up: superusers sign in with their password alone until it is, BOB staff cannot sign in", "problem", problem)
}

// bindMailHooks keeps sign-in working when mail does not: without mail
// settings a superuser signs in with the password alone (MFA would lock IT
// out of the dashboard where mail is set up), and code and reset requests
// answer with a Dutch error instead of pretending a mail is on its way. A
// code asked for after the password step is mailed before the answer, so a
// failing mail server is reported to the person waiting for it.
func (p *plugin) bindMailHooks() {
	p.app.OnRecordAuthRequest(core.CollectionNameSuperusers).BindFunc(func(e *core.RecordAuthRequestEvent) error {
		if e.Collection.MFA.Enabled && e.AuthMethod == core.MFAMethodPassword {
			if problem := MailProblem(e.App); problem != "" {
				e.App.Logger().Warn("Superuser signed in without MFA: mail is not set up", "email", e.Record.Email(), "problem", problem)
				// no method, no MFA check (PocketBase's documented way)
				e.AuthMethod = ""
			}
		}
		return e.Next()
	})

	p.app.OnRecordRequestOTPRequest().BindFunc(func(e *core.RecordCreateOTPRequestEvent) error {
		if e.Record == nil || !pendingMFA(e.App, e.Record) {
			// no password step first: keep PocketBase's answer, which does
			// not tell whether the address has an account
			return e.Next()
		}
		return sendCodeNow(e)
	})
}

// bindMailCheck answers code and reset requests with a 503 while mail is
// not set up. It is a router middleware, so the answer comes before any
// account is looked up and says nothing about whether the address has one.
func bindMailCheck(se *core.ServeEvent) {
	se.Router.BindFunc(func(e *core.RequestEvent) error {
		if e.Request.Method != http.MethodPost || !mailRequest(e.Request.URL.Path) {
			return e.Next()
		}
		if problem := MailProblem(e.App); problem != "" {
			e.App.Logger().Warn("Mail request refused: mail is not set up", "path", e.Request.URL.Path, "problem", problem)
			return hooks.Err(http.StatusServiceUnavailable, "mail_not_configured", nil, msgMailNotConfigured)
		}
		return e.Next()
	})
}

// mailRequest reports whether path is PocketBase's request for a sign-in
// code or a password reset mail of an auth collection.
func mailRequest(path string) bool {
	rest, ok := strings.CutPrefix(path, "/api/collections/")
	if !ok {
		return false
	}
	_, action, ok := strings.Cut(rest, "/")
	return ok && (action == "request-otp" || action == "request-password-reset")
}

// pendingMFA reports whether record passed a first sign-in step (the
// password) whose MFA session has not expired.
func pendingMFA(app core.App, record *core.Record) bool {
	mfas, err := app.FindAllMFAsByRecord(record)
	if err != nil {
		return false
	}
	for _, mfa := range mfas {
		if !mfa.HasExpired(record.Collection().MFA.DurationTime()) {
			return true
		}
	}
	return false
}

// sendCodeNow does what PocketBase's code request does (a new code, at most
// ten valid ones at a time) but mails the code before it answers, waiting
// up to [codeSendTimeout]: a failure becomes a 503 the person can act on
// and is logged. The caller knows the password, so waiting tells them
// nothing new about the account.
func sendCodeNow(e *core.RecordCreateOTPRequestEvent) error {
	otps, err := e.App.FindAllOTPsByRecord(e.Record)
	if err != nil {
		return fmt.Errorf("reading the codes of %s: %w", e.Record.Id, err)
	}
	valid := 0
	for _, otp := range otps {
		if !otp.HasExpired(e.Collection.OTP.DurationTime()) {
			valid++
		}
	}
	if valid >= 10 {
		return hooks.Err(http.StatusTooManyRequests, "mail_too_many_codes", hooks.Params{"max": 10}, msgTooManyCodes)
	}

	otp := core.NewOTP(e.App)
	otp.SetCollectionRef(e.Collection.Id)
	otp.SetRecordRef(e.Record.Id)
	otp.SetPassword(e.Password)
	if err := e.App.Save(otp); err != nil {
		return fmt.Errorf("saving a code for %s: %w", e.Record.Id, err)
	}

	app := e.App
	sent := make(chan error, 1)
	go func() {
		err := mails.SendRecordOTP(app, e.Record, otp.Id, e.Password)
		if err != nil {
			// a code that never arrives must not stay valid
			err = errors.Join(err, app.Delete(otp))
			app.Logger().Error("Failed to send the sign-in code", "email", e.Record.Email(), "error", err)
		}
		sent <- err
	}()

	select {
	case err := <-sent:
		if err != nil {
			return hooks.Err(http.StatusServiceUnavailable, "mail_failed", nil, msgMailFailed)
		}
	case <-time.After(codeSendTimeout):
		// slow, not failed: the mail may still arrive, and a failure is
		// logged by the goroutine
	}
	return e.JSON(http.StatusOK, map[string]string{"otpId": otp.Id})
}
