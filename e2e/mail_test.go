package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/drill"
	"buurtplein/internal/mailsink"

	"github.com/chromedp/chromedp"
)

// TestMail runs the binary with --mfa against a real SMTP server the test
// starts. The server starts without mail and says so, and bo (BOB staff)
// reads that at the sign-in screen; IT signs in with the password alone and
// sets mail up through the settings API, as in the dashboard. Then, in Chromium on a phone-sized screen, bo (BOB staff)
// signs in with the code from her mail, and carla sets a new password
// through "Wachtwoord vergeten?" and the link in her mail.
func TestMail(t *testing.T) {
	findChromium(t) // first: without a browser, skip before building
	startServer(t)  // builds the binary (and starts the shared server)
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := drill.ModuleRoot(wd)
	if err != nil {
		t.Fatal(err)
	}

	server, err := drill.Start(drill.ServerOptions{
		Bin:       filepath.Join(srv.tmpDir, "buurtplein"),
		DataDir:   t.TempDir(),
		Demo:      true,
		PublicDir: filepath.Join(root, "pb_public"),
		WorkDir:   srv.tmpDir,
		Args:      []string{"--mfa"},
	})
	if err != nil {
		t.Fatalf("starting the server with --mfa: %v\n%s", err, server.Output())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- server output (--mfa, %s) ---\n%s", server.URL, server.Output())
		}
		_ = server.Stop()
	})
	if out := server.Output(); !strings.Contains(out, "LET OP: --mfa staat aan, maar de e-mail is niet ingesteld") {
		t.Errorf("the server started with --mfa and no mail without a warning:\n%s", out)
	}

	t.Run("bo is told that mail is not set up", func(t *testing.T) {
		b := newBrowserAt(t, server.URL)
		bo := b.tab("bo")
		bo.open("/#/login")
		bo.waitVisible("see the sign-in form", `form#login-form input[name=email]`)
		bo.do("sign in with her password",
			chromedp.SendKeys(chromedp.CSS(`form#login-form input[name=email]`), "bo@buurtplein.test"),
			chromedp.SendKeys(chromedp.CSS(`form#login-form input[name=password]`), demoPassword),
			chromedp.Click(chromedp.CSS(`form#login-form button[type=submit]`)),
		)
		bo.waitFor("read that mail is not set up", `(document.querySelector("form#login-form .form-error")?.textContent ?? "").includes("nog niet ingesteld")`)
	})

	sink := mailsink.Start(t)
	setUpMail(t, server.URL, sink)

	t.Run("bo signs in with the code from her mail", func(t *testing.T) {
		b := newBrowserAt(t, server.URL)
		bo := b.tab("bo")
		bo.open("/#/login")
		bo.waitVisible("see the sign-in form", `form#login-form input[name=email]`)
		since := time.Now()
		bo.do("sign in with her password",
			chromedp.SendKeys(chromedp.CSS(`form#login-form input[name=email]`), "bo@buurtplein.test"),
			chromedp.SendKeys(chromedp.CSS(`form#login-form input[name=password]`), demoPassword),
			chromedp.Click(chromedp.CSS(`form#login-form button[type=submit]`)),
		)
		bo.waitVisible("be asked for the code", `form#login-code-form input[name=code]`)
		bo.checkFits()

		m := sink.Wait(t, "bo@buurtplein.test", since)
		if m.Subject != "Je inlogcode voor Buurtplein" {
			t.Errorf("the code mail's subject: %q", m.Subject)
		}
		code := m.Find(t, `<strong>(\d+)</strong>`)
		bo.do("type the code",
			chromedp.SendKeys(chromedp.CSS(`form#login-code-form input[name=code]`), code),
			chromedp.Click(chromedp.CSS(`form#login-code-form button[type=submit]`)),
		)
		bo.waitFor("arrive at #/feed after the code", `location.hash === "#/feed"`)
		bo.waitFor("see Bo Meijer in the header", `(document.querySelector("[data-test=current-user]")?.textContent ?? "").includes("Bo Meijer")`)
	})

	t.Run("carla sets a new password from the link in her mail", func(t *testing.T) {
		b := newBrowserAt(t, server.URL)
		carla := b.tab("carla")
		carla.open("/#/login")
		carla.waitVisible("see the link for a forgotten password", `[data-test=forgot-password]`)
		carla.do("follow it", chromedp.Click(chromedp.CSS(`[data-test=forgot-password]`)))
		carla.waitVisible("see the reset request form", `form#reset-request-form input[name=email]`)
		carla.checkFits()
		since := time.Now()
		carla.do("ask for a reset mail",
			chromedp.SendKeys(chromedp.CSS(`form#reset-request-form input[name=email]`), "carla@buurtplein.test"),
			chromedp.Click(chromedp.CSS(`form#reset-request-form button[type=submit]`)),
		)
		carla.waitVisible("read that the mail is on its way", `[data-test=reset-done]`)

		m := sink.Wait(t, "carla@buurtplein.test", since)
		if m.Subject != "Nieuw wachtwoord voor Buurtplein" {
			t.Errorf("the reset mail's subject: %q", m.Subject)
		}
		link := m.Find(t, `href="([^"]+)"`)
		if !strings.HasPrefix(link, server.URL+"/#/reset-password/") {
			t.Fatalf("the reset mail links to %s; want the PWA's #/reset-password/ at %s", link, server.URL)
		}

		const newPassword = "lente-in-schalkwijk"
		carla.do("open the link from the mail", chromedp.Navigate(link))
		carla.waitVisible("see the new password form", `form#reset-confirm-form input[name=password]`)
		carla.checkFits()
		carla.do("choose a new password",
			chromedp.SendKeys(chromedp.CSS(`form#reset-confirm-form input[name=password]`), newPassword),
			chromedp.SendKeys(chromedp.CSS(`form#reset-confirm-form input[name=passwordConfirm]`), newPassword),
			chromedp.Click(chromedp.CSS(`form#reset-confirm-form button[type=submit]`)),
		)
		carla.waitVisible("read that the password changed", `[data-test=reset-done]`)

		carla.do("go to the sign-in screen", chromedp.Click(chromedp.CSS(`[data-test=reset-sign-in]`)))
		carla.waitVisible("see the sign-in form", `form#login-form input[name=email]`)
		carla.do("sign in with the new password",
			chromedp.SendKeys(chromedp.CSS(`form#login-form input[name=email]`), "carla@buurtplein.test"),
			chromedp.SendKeys(chromedp.CSS(`form#login-form input[name=password]`), newPassword),
			chromedp.Click(chromedp.CSS(`form#login-form button[type=submit]`)),
		)
		carla.waitFor("arrive at #/feed", `location.hash === "#/feed"`)
		carla.waitFor("see Carla Bakker in the header", `(document.querySelector("[data-test=current-user]")?.textContent ?? "").includes("Carla Bakker")`)

		// the link works once
		carla.do("open the used link again", chromedp.Navigate(link))
		carla.waitVisible("see the new password form", `form#reset-confirm-form input[name=password]`)
		carla.do("try it a second time",
			chromedp.SendKeys(chromedp.CSS(`form#reset-confirm-form input[name=password]`), "nog-een-keer-anders"),
			chromedp.SendKeys(chromedp.CSS(`form#reset-confirm-form input[name=passwordConfirm]`), "nog-een-keer-anders"),
			chromedp.Click(chromedp.CSS(`form#reset-confirm-form button[type=submit]`)),
		)
		carla.waitFor("read that the link has expired", `(document.querySelector("form#reset-confirm-form .form-error")?.textContent ?? "").includes("verlopen of al gebruikt")`)
	})
}

// setUpMail signs in as IT with the password alone (mail is not set up, so
// no code is asked) and sets the server's mail settings to the sink through
// PocketBase's settings API. After that IT needs a code like BOB staff.
func setUpMail(t *testing.T, baseURL string, sink *mailsink.Sink) {
	t.Helper()
	status, auth := postJSON(t, baseURL+"/api/collections/_superusers/auth-with-password", "",
		map[string]any{"identity": "it@buurtplein.test", "password": demoPassword})
	token, _ := auth["token"].(string)
	if status != http.StatusOK || token == "" {
		t.Fatalf("IT signs in with the password while mail is not set up: %d %v; want a token", status, auth)
	}

	status, body := postJSON(t, baseURL+"/api/settings", token, map[string]any{
		"meta": map[string]any{"appURL": baseURL, "senderName": "Buurtplein", "senderAddress": "noreply@buurtplein.test"},
		"smtp": map[string]any{"enabled": true, "host": sink.Host(), "port": sink.Port()},
	}, http.MethodPatch)
	if status != http.StatusOK {
		t.Fatalf("IT sets up mail: %d %v", status, body)
	}

	status, auth = postJSON(t, baseURL+"/api/collections/_superusers/auth-with-password", "",
		map[string]any{"identity": "it@buurtplein.test", "password": demoPassword})
	if status != http.StatusUnauthorized || auth["mfaId"] == nil {
		t.Errorf("IT signs in once mail is set up: %d %v; want 401 with an mfaId", status, auth)
	}
}

// postJSON sends a JSON request (POST unless a method is given) and returns
// the status and the decoded answer.
func postJSON(t *testing.T, url, token string, body any, method ...string) (int, map[string]any) {
	t.Helper()
	m := http.MethodPost
	if len(method) > 0 {
		m = method[0]
	}
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest(m, url, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", m, url, err)
	}
	defer res.Body.Close()
	var data map[string]any
	_ = json.NewDecoder(res.Body).Decode(&data)
	return res.StatusCode, data
}

// checkFits fails the test when the page is wider than the phone screen.
func (p *tab) checkFits() {
	p.t.Helper()
	if w := eval[int](p, "measure the page width", `document.documentElement.scrollWidth`); w > viewportWidth {
		p.t.Errorf("%s: the page is %d px wide on a %d px screen", p.name, w, viewportWidth)
	}
}
