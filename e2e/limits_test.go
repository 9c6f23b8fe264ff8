package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSignInLocked: after ten wrong passwords for one identity, the
// sign-in screen says the account is locked for a while and for how long,
// in the reader's language, instead of "wait a few seconds". The identity
// names no account (identities are limited alike), so no other test's
// account is locked on the shared server.
func TestSignInLocked(t *testing.T) {
	b := newBrowser(t)
	p := b.tab("guesser")
	const identity = "oud-collega@buurtplein.test"

	for i := range 10 {
		body := `{"identity":"` + identity + `","password":"raden-` + string(rune('a'+i)) + `"}`
		res, err := http.Post(b.baseURL+"/api/collections/users/auth-with-password", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("wrong password %d: status %d, want 400", i+1, res.StatusCode)
		}
	}

	p.open("/#/login")
	p.waitVisible("see the sign-in form", `form#login-form input[name=email]`)
	p.do("try once more",
		chromedp.SendKeys(chromedp.CSS(`form#login-form input[name=email]`), identity),
		chromedp.SendKeys(chromedp.CSS(`form#login-form input[name=password]`), demoPassword),
		chromedp.Click(chromedp.CSS(`form#login-form button[type=submit]`)),
	)
	p.waitFor("see an error", `!(document.querySelector("form#login-form .form-error")?.hidden ?? true)`)
	message := eval[string](p, "read the error", `document.querySelector("form#login-form .form-error").textContent`)
	locked := strings.Contains(message, "Te veel mislukte pogingen") || strings.Contains(message, "Too many failed attempts")
	if !locked || !strings.Contains(message, "10 min.") {
		t.Errorf("the sign-in screen says %q; want the PWA's sentence about a locked account, with the 10 minutes", message)
	}
}
