package sessions_test

import (
	"net/http"
	"testing"
	"time"

	"buurtplein/internal/mailsink"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/sessions"

	"github.com/pocketbase/pocketbase/core"
)

// TestMFA checks the second factor with MFA required: BOB staff and IT
// sign in with the password and then a code from their mail, sent through
// a real SMTP server; other employees with the password alone, and nobody
// with the code alone.
func TestMFA(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	sink := testapp.UseMailSink(t, app)
	if err := sessions.RequireMFA(app); err != nil {
		t.Fatal(err)
	}
	server := testapp.Serve(t, app)
	url := server.URL

	t.Run("bo, BOB staff, needs a code", func(t *testing.T) {
		token := signInWithCode(t, sink, url, "users", email("bo"))
		if status, _ := do(t, http.MethodGet, url+"/api/collections/posts/records", token, nil); status != http.StatusOK {
			t.Errorf("bo's token: status %d", status)
		}
	})

	t.Run("IT needs a code", func(t *testing.T) {
		token := signInWithCode(t, sink, url, core.CollectionNameSuperusers, "it@buurtplein.test")
		if status, _ := do(t, http.MethodGet, url+"/api/collections/_superusers/records", token, nil); status != http.StatusOK {
			t.Errorf("IT's token: status %d", status)
		}
	})

	t.Run("carla signs in with her password alone", func(t *testing.T) {
		status, data := signIn(t, url, "users", email("carla"), demoPassword)
		if status != http.StatusOK || data["token"] == nil || data["mfaId"] != nil {
			t.Fatalf("carla signs in: %d %v; want a token", status, data)
		}
	})

	t.Run("a code alone signs no one in", func(t *testing.T) {
		for _, name := range []string{"carla", "bo"} {
			since := time.Now()
			otpId := requestCode(t, url, "users", email(name))
			code := mailedCode(t, sink, email(name), since)
			status, data := do(t, http.MethodPost, url+"/api/collections/users/auth-with-otp", "",
				map[string]any{"otpId": otpId, "password": code})
			if status != http.StatusForbidden || data["message"] != "Log eerst in met je wachtwoord; de code is de tweede stap." {
				t.Errorf("%s signs in with a code alone: %d %v; want 403", name, status, data)
			}
		}
	})
}

// TestRequireMFAIdempotent checks that RequireMFA sets the rules once and
// then saves nothing, and that it keeps a mail text IT wrote.
func TestRequireMFAIdempotent(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)

	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	if users.MFA.Enabled || users.OTP.Enabled {
		t.Fatalf("MFA or OTP on before RequireMFA: %+v %+v", users.MFA, users.OTP)
	}
	superusers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	superusers.OTP.EmailTemplate.Subject = "Inlogcode dashboard"
	if err := app.Save(superusers); err != nil {
		t.Fatal(err)
	}

	if err := sessions.RequireMFA(app); err != nil {
		t.Fatal(err)
	}
	saves := 0
	app.OnCollectionUpdate().BindFunc(func(e *core.CollectionEvent) error {
		saves++
		return e.Next()
	})
	if err := sessions.RequireMFA(app); err != nil {
		t.Fatal(err)
	}
	if saves != 0 {
		t.Errorf("the second RequireMFA saved %d collections", saves)
	}

	users, _ = app.FindCollectionByNameOrId("users")
	superusers, _ = app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if !users.MFA.Enabled || users.MFA.Rule != sessions.BOBStaffRule || !users.OTP.Enabled ||
		users.OTP.EmailTemplate.Subject != "Je inlogcode voor {APP_NAME}" {
		t.Errorf("users: MFA %+v, OTP enabled %v, subject %q", users.MFA, users.OTP.Enabled, users.OTP.EmailTemplate.Subject)
	}
	if !superusers.MFA.Enabled || superusers.MFA.Rule != "" || !superusers.OTP.Enabled ||
		superusers.OTP.EmailTemplate.Subject != "Inlogcode dashboard" {
		t.Errorf("superusers: MFA %+v, OTP enabled %v, subject %q", superusers.MFA, superusers.OTP.Enabled, superusers.OTP.EmailTemplate.Subject)
	}
}

// TestMFAOffLeavesSettings checks that without RequireMFA the server start
// leaves the MFA settings IT made in the dashboard as they are.
func TestMFAOffLeavesSettings(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	users.MFA.Enabled = true
	users.MFA.Rule = `discipline = "it"`
	users.OTP.Enabled = true
	if err := app.Save(users); err != nil {
		t.Fatal(err)
	}

	testapp.Serve(t, app)

	users, _ = app.FindCollectionByNameOrId("users")
	if !users.MFA.Enabled || users.MFA.Rule != `discipline = "it"` || users.OTP.EmailTemplate.Subject != "OTP for {APP_NAME}" {
		t.Errorf("after the start: MFA %+v, OTP subject %q; want IT's settings", users.MFA, users.OTP.EmailTemplate.Subject)
	}
}

// signInWithCode signs in with the demo password, which must ask for a
// second factor, then with the mailed code, and returns the token.
func signInWithCode(t *testing.T, sink *mailsink.Sink, url, collection, address string) string {
	t.Helper()
	status, data := signIn(t, url, collection, address, demoPassword)
	mfaId, _ := data["mfaId"].(string)
	if status != http.StatusUnauthorized || mfaId == "" || data["token"] != nil {
		t.Fatalf("%s signs in with the password: %d %v; want 401 with an mfaId", address, status, data)
	}

	since := time.Now()
	otpId := requestCode(t, url, collection, address)
	code := mailedCode(t, sink, address, since)

	status, data = do(t, http.MethodPost, url+"/api/collections/"+collection+"/auth-with-otp", "",
		map[string]any{"otpId": otpId, "password": code, "mfaId": mfaId})
	token, _ := data["token"].(string)
	if status != http.StatusOK || token == "" {
		t.Fatalf("%s signs in with the code: %d %v; want a token", address, status, data)
	}
	return token
}

// requestCode asks for a code by e-mail and returns the otpId.
func requestCode(t *testing.T, url, collection, address string) string {
	t.Helper()
	status, data := do(t, http.MethodPost, url+"/api/collections/"+collection+"/request-otp", "", map[string]any{"email": address})
	otpId, _ := data["otpId"].(string)
	if status != http.StatusOK || otpId == "" {
		t.Fatalf("%s asks for a code: %d %v", address, status, data)
	}
	return otpId
}

// mailedCode waits for the code mail to address received since then and
// returns the code.
func mailedCode(t *testing.T, sink *mailsink.Sink, address string, since time.Time) string {
	t.Helper()
	m := sink.Wait(t, address, since)
	if m.Subject != "Je inlogcode voor Buurtplein" {
		t.Errorf("the code mail's subject: %q", m.Subject)
	}
	return m.Find(t, `<strong>(\d+)</strong>`)
}
