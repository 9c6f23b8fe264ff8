package mailsink_test

import (
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/mailsink"

	"github.com/pocketbase/pocketbase/tools/mailer"
)

// TestPocketBaseMail sends a mail through PocketBase's own SMTP client, as
// the server does, and reads it back from the sink.
func TestPocketBaseMail(t *testing.T) {
	t.Parallel()
	sink := mailsink.Start(t)
	since := time.Now()

	client := &mailer.SMTPClient{Host: sink.Host(), Port: sink.Port()}
	err := client.Send(&mailer.Message{
		From:    mail.Address{Name: "Buurtplein", Address: "noreply@buurtplein.test"},
		To:      []mail.Address{{Address: "Bo@Buurtplein.test"}},
		Subject: "Je inlogcode voor Buurtplein",
		HTML:    "<p>Je inlogcode is: <strong>123456</strong> — geldig tot één uur</p>",
	})
	if err != nil {
		t.Fatal(err)
	}

	m := sink.Wait(t, "bo@buurtplein.test", since)
	if m.Subject != "Je inlogcode voor Buurtplein" || m.From != "noreply@buurtplein.test" {
		t.Errorf("subject %q from %q", m.Subject, m.From)
	}
	if code := m.Find(t, `<strong>(\d+)</strong>`); code != "123456" {
		t.Errorf("code %q", code)
	}
	if !strings.Contains(m.HTML, "één uur") {
		t.Errorf("the HTML lost its accents: %q", m.HTML)
	}
	if !strings.Contains(m.Text, "123456") {
		t.Errorf("no plain text part with the code: %q", m.Text)
	}
}

// TestWaitSince checks that Wait skips mail from before since and times
// out on an address that got nothing.
func TestWaitSince(t *testing.T) {
	t.Parallel()
	sink := mailsink.Start(t)
	addr := net.JoinHostPort(sink.Host(), strconv.Itoa(sink.Port()))

	send := func(to, body string) {
		t.Helper()
		msg := "From: a@buurtplein.test\r\nTo: " + to + "\r\nSubject: =?utf-8?q?Wachtwoord_herstellen?=\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body + "\r\n"
		if err := smtp.SendMail(addr, nil, "a@buurtplein.test", []string{to}, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	send("eva@buurtplein.test", "ZWVyc3Rl") // "eerste"
	time.Sleep(5 * time.Millisecond)
	since := time.Now()
	send("eva@buurtplein.test", "dHdlZWRl") // "tweede"

	m := sink.Wait(t, "eva@buurtplein.test", since)
	if m.Text != "tweede" || m.Subject != "Wachtwoord herstellen" {
		t.Errorf("got %q %q; want the second mail", m.Subject, m.Text)
	}
	if _, err := sink.WaitFor("anna@buurtplein.test", since, 100*time.Millisecond); err == nil {
		t.Error("a mail to anna that was never sent arrived")
	}
}
