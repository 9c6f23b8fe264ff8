package testapp

import (
	"testing"

	"buurtplein/internal/mailsink"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// SenderAddress is the sender of the test apps' mail.
const SenderAddress = "noreply@buurtplein.test"

// UseMailSink starts a real SMTP server for the test ([mailsink]) and
// points app's mail settings at it, so mail leaves through PocketBase's own
// SMTP client as in production; the test mailer, which would catch it
// first, is unbound.
func UseMailSink(t testing.TB, app *tests.TestApp) *mailsink.Sink {
	t.Helper()
	sink := mailsink.Start(t)
	app.OnMailerSend().UnbindAll()
	SetSMTP(t, app, sink.Host(), sink.Port())
	return sink
}

// SetSMTP sets app's mail settings to the SMTP server at host:port, without
// authentication, and a real sender address.
func SetSMTP(t testing.TB, app core.App, host string, port int) {
	t.Helper()
	s := app.Settings()
	s.SMTP.Enabled = true
	s.SMTP.Host = host
	s.SMTP.Port = port
	s.Meta.SenderName = "Buurtplein"
	s.Meta.SenderAddress = SenderAddress
	if err := app.Save(s); err != nil {
		t.Fatalf("saving the mail settings: %v", err)
	}
}
