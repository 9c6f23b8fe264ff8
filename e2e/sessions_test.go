package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSignOutEverywhere signs eva in on two devices. Signing out on her
// phone ends the session on the server, so her laptop, with a live page
// open, returns to the sign-in screen by itself, saying why, without a
// reload.
func TestSignOutEverywhere(t *testing.T) {
	b := newBrowser(t)
	phone := b.tab("eva-phone")
	laptop := b.tab("eva-laptop")

	phone.signIn("eva@buurtplein.test", "Eva Smit")
	laptop.signIn("eva@buurtplein.test", "Eva Smit")

	laptop.goTo("#/tasks")
	laptop.waitVisible("see her tasks live", `[data-test=my-tasks][data-state=ready][data-live=true]`)
	laptop.markNoReload()

	phone.goTo("#/profile")
	phone.do("sign out", chromedp.Click(chromedp.CSS(`[data-test=sign-out]`)))
	phone.waitVisible("see the sign-in form", `form#login-form`)
	if eval[bool](phone, "look for a notice", `document.querySelector("[data-test=login-notice]") != null`) {
		t.Errorf("the phone, signed out on purpose, shows a notice that the session ended")
	}

	laptop.waitVisible("return to the sign-in screen with a notice", `form#login-form`)
	laptop.waitVisible("see why", `[data-test=login-notice]`)
	if !eval[bool](laptop, "check the page did not reload", `window.__e2eNoReload === true`) {
		t.Errorf("the laptop's page reloaded: it should notice the ended session by itself")
	}
	if token := eval[string](laptop, "read the stored session", `JSON.parse(localStorage.getItem("pocketbase_auth") || "{}").token ?? ""`); token != "" {
		t.Errorf("the laptop still stores a session token")
	}

	// signing in again works on both
	laptop.signIn("eva@buurtplein.test", "Eva Smit")
}

// TestBlockMember has anna, coordinator of Haarlem-Noord, block bram from
// the team's member panel while bram is signed in: his page returns to the
// sign-in screen, signing in tells him the account is blocked, and after
// anna unblocks him he is back in.
func TestBlockMember(t *testing.T) {
	b := newBrowser(t)
	anna := b.tab("anna")
	bram := b.tab("bram")

	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bramId := bram.userId()
	// whatever happens below, bram is not left blocked for the other tests
	t.Cleanup(func() { unblock(t, b.baseURL, bramId) })

	bram.goTo("#/tasks")
	bram.waitVisible("see his tasks live", `[data-test=my-tasks][data-state=ready][data-live=true]`)

	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	anna.goTo("#/team/haarlem-noord")
	row := fmt.Sprintf(`document.querySelector('[data-test=member][data-user=%q]')`, bramId)
	anna.waitFor("see bram in the member list", row+" != null")
	anna.do("unfold the member panel", chromedp.Evaluate[chromedp.Void](`document.querySelector(".members").open = true`))
	anna.do("ask to block bram's account", chromedp.Evaluate[chromedp.Void](row+`.querySelector("[data-test=block-member]").click()`))
	anna.waitVisible("see the app's own question", `dialog[data-test=block-member-dialog][open]`)
	anna.do("confirm it", chromedp.Click(chromedp.CSS(`[data-test=block-member-dialog-yes]`)))
	anna.waitFor("see bram marked as blocked", row+`?.querySelector("[data-test=member-blocked]") != null`)

	bram.waitVisible("return to the sign-in screen", `form#login-form`)
	bram.waitVisible("see why", `[data-test=login-notice]`)
	bram.do("try to sign in",
		chromedp.SendKeys(chromedp.CSS(`form#login-form input[name=email]`), "bram@buurtplein.test"),
		chromedp.SendKeys(chromedp.CSS(`form#login-form input[name=password]`), demoPassword),
		chromedp.Click(chromedp.CSS(`form#login-form button[type=submit]`)),
	)
	bram.waitFor("read that his account is blocked", `(document.querySelector("form#login-form .form-error")?.textContent ?? "").includes("geblokkeerd")`)

	anna.do("unblock bram", chromedp.Evaluate[chromedp.Void](row+`.querySelector("[data-test=unblock-member]").click()`))
	anna.waitFor("see bram no longer blocked", row+`?.querySelector("[data-test=member-blocked]") == null && `+row+`?.querySelector("[data-test=block-member]") != null`)

	bram.do("clear the sign-in form", chromedp.Evaluate[chromedp.Void](`document.querySelector("form#login-form").reset()`))
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
}

// unblock unblocks a user as IT, through the API.
func unblock(t *testing.T, baseURL, userId string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"identity": "it@buurtplein.test", "password": demoPassword})
	res, err := http.Post(baseURL+"/api/collections/_superusers/auth-with-password", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Errorf("unblocking: signing in as IT: %v", err)
		return
	}
	var auth struct{ Token string }
	err = json.NewDecoder(res.Body).Decode(&auth)
	res.Body.Close()
	if err != nil || auth.Token == "" {
		t.Errorf("unblocking: signing in as IT: status %d, %v", res.StatusCode, err)
		return
	}
	req, _ := http.NewRequest(http.MethodPost, baseURL+"/api/buurtplein/users/"+userId+"/enable", strings.NewReader(""))
	req.Header.Set("Authorization", auth.Token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("unblocking: %v", err)
		return
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		t.Errorf("unblocking: status %d", res.StatusCode)
	}
}
