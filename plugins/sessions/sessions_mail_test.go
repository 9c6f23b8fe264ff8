package sessions_test

import (
	"bytes"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/sessions"

	"github.com/fatih/color"
	"github.com/pocketbase/pocketbase/cmd"
	"github.com/pocketbase/pocketbase/core"
)

// Dutch answers to a code or reset request when mail cannot carry it.
const (
	msgMailNotConfigured = "De e-mail van Buurtplein is nog niet ingesteld, dus er kan geen code of herstelmail verstuurd worden. Vraag IT om de e-mail in te stellen."
	msgMailFailed        = "De code kon niet gemaild worden: de mailserver werkt nu niet. Probeer het over een paar minuten opnieuw; lukt het dan nog niet, meld het bij IT."
)

// TestMailProblem checks when mail counts as set up: SMTP on with a host,
// and a sender address that is not PocketBase's placeholder.
func TestMailProblem(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)

	if p := sessions.MailProblem(app); !strings.Contains(p, "SMTP") || !strings.Contains(p, "afzenderadres") {
		t.Errorf("a new installation: %q; want SMTP and the sender named", p)
	}
	testapp.SetSMTP(t, app, "127.0.0.1", 25)
	if p := sessions.MailProblem(app); p != "" {
		t.Errorf("with SMTP and a sender: %q; want none", p)
	}
	s := app.Settings()
	s.Meta.SenderAddress = "support@example.com"
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	if p := sessions.MailProblem(app); p != "er is geen afzenderadres ingesteld" {
		t.Errorf("with PocketBase's placeholder sender: %q", p)
	}
}

// TestMFAWithoutMail checks an installation started with --mfa before mail
// is set up: IT signs in with the password alone to set it up, BOB staff
// are told that mail is missing (and still need a code), and code and
// reset requests say so in Dutch for every address alike. Once IT has set
// up mail, IT needs the code again.
func TestMFAWithoutMail(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	if err := sessions.RequireMFA(app); err != nil {
		t.Fatal(err)
	}
	url := testapp.Serve(t, app).URL

	status, data := signIn(t, url, core.CollectionNameSuperusers, "it@buurtplein.test", demoPassword)
	token, _ := data["token"].(string)
	if status != http.StatusOK || token == "" {
		t.Fatalf("IT signs in with the password without mail: %d %v; want a token", status, data)
	}

	status, data = signIn(t, url, "users", email("bo"), demoPassword)
	if status != http.StatusUnauthorized || data["mfaId"] == nil {
		t.Fatalf("bo signs in without mail: %d %v; want 401 with an mfaId (BOB staff still need the code)", status, data)
	}
	for _, req := range []struct{ collection, action, address string }{
		{"users", "request-otp", email("bo")},
		{"users", "request-otp", "niemand@buurtplein.test"},
		{core.CollectionNameSuperusers, "request-otp", "it@buurtplein.test"},
		{"users", "request-password-reset", email("carla")},
		{"users", "request-password-reset", "niemand@buurtplein.test"},
	} {
		status, data := do(t, http.MethodPost, url+"/api/collections/"+req.collection+"/"+req.action, "", map[string]any{"email": req.address})
		if status != http.StatusServiceUnavailable || data["message"] != msgMailNotConfigured {
			t.Errorf("%s %s for %s without mail: %d %v; want 503 saying mail is not set up", req.collection, req.action, req.address, status, data)
		}
	}

	// IT sets up mail with the token from the password alone
	sink := testapp.UseMailSink(t, app)
	status, data = signIn(t, url, core.CollectionNameSuperusers, "it@buurtplein.test", demoPassword)
	if status != http.StatusUnauthorized || data["mfaId"] == nil {
		t.Fatalf("IT signs in once mail is set up: %d %v; want 401 with an mfaId", status, data)
	}
	signInWithCode(t, sink, url, "users", email("bo"))
}

// TestCodeMailFails checks a mail server that is set up but down: the code
// request after the password says so in Dutch (503, logged, no code left
// valid), IT still gets in with a code made on the server
// (`buurtplein superuser otp`), and once the mail server is back the code
// arrives.
func TestCodeMailFails(t *testing.T) {
	// not parallel: the superuser command prints through fatih/color's
	// global output, which this test redirects
	app := testapp.New(t)
	sink := testapp.UseMailSink(t, app)
	testapp.SetSMTP(t, app, "127.0.0.1", closedPort(t))
	if err := sessions.RequireMFA(app); err != nil {
		t.Fatal(err)
	}
	url := testapp.Serve(t, app).URL

	for _, who := range []struct{ collection, address string }{{"users", email("bo")}, {core.CollectionNameSuperusers, "it@buurtplein.test"}} {
		status, data := signIn(t, url, who.collection, who.address, demoPassword)
		if status != http.StatusUnauthorized || data["mfaId"] == nil {
			t.Fatalf("%s signs in with a broken mail server: %d %v; want 401 with an mfaId", who.address, status, data)
		}
		status, data = do(t, http.MethodPost, url+"/api/collections/"+who.collection+"/request-otp", "", map[string]any{"email": who.address})
		if status != http.StatusServiceUnavailable || data["message"] != msgMailFailed {
			t.Errorf("%s asks for a code with a broken mail server: %d %v; want 503 saying the mail failed", who.address, status, data)
		}
	}
	bo, err := app.FindAuthRecordByEmail("users", email("bo"))
	if err != nil {
		t.Fatal(err)
	}
	if otps, _ := app.FindAllOTPsByRecord(bo); len(otps) != 0 {
		t.Errorf("%d codes of bo stay valid after their mail failed", len(otps))
	}

	// IT's way in: a code made on the server, after the password
	_, data := signIn(t, url, core.CollectionNameSuperusers, "it@buurtplein.test", demoPassword)
	otpId, code := superuserOTP(t, app, "it@buurtplein.test")
	status, data := do(t, http.MethodPost, url+"/api/collections/_superusers/auth-with-otp", "",
		map[string]any{"otpId": otpId, "password": code, "mfaId": data["mfaId"]})
	token, _ := data["token"].(string)
	if status != http.StatusOK || token == "" {
		t.Fatalf("IT signs in with a code from `superuser otp`: %d %v; want a token", status, data)
	}

	// IT repairs the mail settings with that session, and bo gets a code
	status, data = do(t, http.MethodPatch, url+"/api/settings", token,
		map[string]any{"smtp": map[string]any{"enabled": true, "host": sink.Host(), "port": sink.Port()}})
	if status != http.StatusOK {
		t.Fatalf("IT repairs the mail settings: %d %v", status, data)
	}
	signInWithCode(t, sink, url, "users", email("bo"))
}

var otpLine = regexp.MustCompile(`Id:\s+(\w+)[\s\S]*Pass:\s+(\d+)`)

// superuserOTP runs PocketBase's `superuser otp` command, as IT would on
// the server, and returns the code's id and password it prints.
func superuserOTP(t *testing.T, app core.App, address string) (string, string) {
	t.Helper()
	var out bytes.Buffer
	color.Output = &out
	t.Cleanup(func() { color.Output = colorOutput })

	command := cmd.NewSuperuserCommand(app)
	command.SetArgs([]string{"otp", address})
	command.SetOut(&out)
	command.SetErr(&out)
	if err := command.Execute(); err != nil {
		t.Fatalf("superuser otp: %v\n%s", err, out.String())
	}
	match := otpLine.FindStringSubmatch(regexp.MustCompile(`\x1b\[[0-9;]*m`).ReplaceAllString(out.String(), ""))
	if match == nil {
		t.Fatalf("superuser otp printed no id and code:\n%s", out.String())
	}
	return match[1], match[2]
}

var colorOutput = color.Output

// closedPort returns a port of 127.0.0.1 on which nothing listens.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// TestPasswordResetMail checks the reset mail end to end through a real
// SMTP server: it is Dutch, links to the PWA's own screen, and the token
// in it sets a new password that signs carla in, while her old password
// and her old session stop working.
func TestPasswordResetMail(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	sink := testapp.UseMailSink(t, app)
	s := app.Settings()
	s.Meta.AppURL = "https://buurtplein.example"
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	url := testapp.Serve(t, app).URL
	oldToken := testapp.Token(t, app, email("carla"))

	since := time.Now()
	status, data := do(t, http.MethodPost, url+"/api/collections/users/request-password-reset", "", map[string]any{"email": email("carla")})
	if status != http.StatusNoContent {
		t.Fatalf("carla asks for a reset: %d %v", status, data)
	}
	m := sink.Wait(t, email("carla"), since)
	if m.Subject != "Nieuw wachtwoord voor Buurtplein" {
		t.Errorf("the reset mail's subject: %q", m.Subject)
	}
	token := m.Find(t, `href="https://buurtplein\.example/#/reset-password/([^"]+)"`)

	const newPassword = "zomer-in-schalkwijk"
	status, data = do(t, http.MethodPost, url+"/api/collections/users/confirm-password-reset", "",
		map[string]any{"token": token, "password": newPassword, "passwordConfirm": newPassword})
	if status != http.StatusNoContent {
		t.Fatalf("carla sets a new password: %d %v", status, data)
	}
	if status, _ := signIn(t, url, "users", email("carla"), newPassword); status != http.StatusOK {
		t.Errorf("carla signs in with the new password: %d", status)
	}
	if status, _ := signIn(t, url, "users", email("carla"), demoPassword); status != http.StatusBadRequest {
		t.Errorf("carla signs in with the old password: %d; want 400", status)
	}
	if status, _ := do(t, http.MethodGet, url+"/api/collections/posts/records", oldToken, nil); status != http.StatusUnauthorized {
		t.Errorf("carla's session from before the reset: %d; want 401", status)
	}
	status, data = do(t, http.MethodPost, url+"/api/collections/users/confirm-password-reset", "",
		map[string]any{"token": token, "password": "nog-een-keer-anders", "passwordConfirm": "nog-een-keer-anders"})
	if status != http.StatusBadRequest {
		t.Errorf("the link used a second time: %d %v; want 400", status, data)
	}
}
