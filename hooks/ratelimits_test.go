package hooks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
)

const officePassword = "Koffie-om-8-uur"

// TestSignInOfficeRush: twenty colleagues behind one office address sign
// in at the start of their shift, all at once, and all get in.
func TestSignInOfficeRush(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)

	emails := newColleagues(t, app, 20)
	start := time.Now()
	statuses := make([]int, len(emails))
	var wg sync.WaitGroup
	for i, email := range emails {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _ = signIn(t, server.URL, email, officePassword, "")
		}()
	}
	wg.Wait()
	for i, status := range statuses {
		if status != http.StatusOK {
			t.Errorf("%s signing in from the office: status %d", emails[i], status)
		}
	}
	t.Logf("%d colleagues signed in from one address in %s", len(emails), time.Since(start).Round(time.Millisecond))
}

// TestSignInPerAccount: after SignInLimit.Failures wrong passwords for one
// account, the next attempt is refused with a 429, also with the right
// password and also from other addresses (behind a trusted proxy that
// names them); a colleague at the same address is not affected.
func TestSignInPerAccount(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	settings := app.Settings()
	settings.TrustedProxy.Headers = []string{"X-Forwarded-For"}
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	server := testapp.Serve(t, app)
	emails := newColleagues(t, app, 2)
	target, colleague := emails[0], emails[1]

	for i := range hooks.SignInLimit.Failures {
		// the case of the address does not make another account
		identity := target
		if i%2 == 1 {
			identity = strings.ToUpper(target)
		}
		status, _ := signIn(t, server.URL, identity, fmt.Sprintf("raden-%d", i), fmt.Sprintf("198.51.100.%d", i+1))
		if status != http.StatusBadRequest {
			t.Fatalf("wrong password %d: status %d, want 400", i+1, status)
		}
	}

	for _, password := range []string{"raden-11", officePassword} {
		status, res := signIn(t, server.URL, target, password, "203.0.113.7")
		if status != http.StatusTooManyRequests {
			t.Fatalf("attempt %d from a new address (password %q): status %d, want 429", hooks.SignInLimit.Failures+1, password, status)
		}
		if !strings.Contains(res.message, "Te veel mislukte pogingen") || res.retryAfter == "" || res.code != "validation_sign_in_locked" {
			t.Errorf("the 429 should say why in Dutch and when to try again, with the PWA's code: %q, Retry-After %q, code %q",
				res.message, res.retryAfter, res.code)
		}
	}

	if status, _ := signIn(t, server.URL, colleague, officePassword, "198.51.100.1"); status != http.StatusOK {
		t.Fatalf("a colleague from the same address: status %d, want 200", status)
	}
}

// TestSignInSuccessForgets: a successful sign-in clears the account's
// failures, so a colleague who mistyped a few times is not locked out
// later in the window.
func TestSignInSuccessForgets(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	email := newColleagues(t, app, 1)[0]

	for round := range 2 {
		for i := range hooks.SignInLimit.Failures - 1 {
			if status, _ := signIn(t, server.URL, email, fmt.Sprintf("typo-%d", i), ""); status != http.StatusBadRequest {
				t.Fatalf("round %d, typo %d: status %d", round, i, status)
			}
		}
		if status, _ := signIn(t, server.URL, email, officePassword, ""); status != http.StatusOK {
			t.Fatalf("round %d, the right password after typos: status %d", round, status)
		}
	}
}

// TestSignInSpoofedAddress: without a trusted proxy setting, an
// X-Forwarded-For header does not make a caller a new address, so the
// limit per address holds against guesses spread over many identities.
func TestSignInSpoofedAddress(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)

	// ten more than the limit per address, each for another identity and
	// with another forged address, a few at a time
	const attempts = 50
	statuses := make(chan int, attempts)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range attempts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			status, _ := signIn(t, server.URL, fmt.Sprintf("gok%d@buurtplein.test", i), "raden", fmt.Sprintf("198.51.100.%d", i+1))
			statuses <- status
		}()
	}
	wg.Wait()
	close(statuses)
	refused := 0
	for status := range statuses {
		if status == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused == 0 {
		t.Fatalf("%d attempts from one address with forged X-Forwarded-For headers were all let through", attempts)
	}
}

type signInAnswer struct{ message, retryAfter, code string }

// signIn signs in to users with a password, from forwardedFor when not "".
func signIn(t *testing.T, baseURL, identity, password, forwardedFor string) (int, signInAnswer) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"identity": identity, "password": password})
	req, _ := http.NewRequest(http.MethodPost, baseURL+"/api/collections/users/auth-with-password", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, signInAnswer{}
	}
	defer res.Body.Close()
	var answer struct {
		Message string
		Data    struct{ Identity struct{ Code string } }
	}
	json.NewDecoder(res.Body).Decode(&answer)
	return res.StatusCode, signInAnswer{answer.Message, res.Header.Get("Retry-After"), answer.Data.Identity.Code}
}

// newColleagues adds n employees who sign in with officePassword and
// returns their addresses.
func newColleagues(t *testing.T, app core.App, n int) []string {
	t.Helper()
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	emails := make([]string, n)
	for i := range emails {
		emails[i] = fmt.Sprintf("collega%02d@buurtplein.test", i)
		u := core.NewRecord(users)
		u.Set("email", emails[i])
		u.Set("name", fmt.Sprintf("Collega %02d", i))
		u.SetPassword(officePassword)
		u.SetVerified(true)
		if err := app.SaveNoValidate(u); err != nil {
			t.Fatal(err)
		}
	}
	return emails
}

// TestRateLimitedHasCode: PocketBase's own limiter per address (here a
// rule of one list of teams a minute) answers its 429 with the code
// rate_limited, like every other error.
func TestRateLimitedHasCode(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	settings := app.Settings()
	settings.RateLimits.Enabled = true
	settings.RateLimits.Rules = append(settings.RateLimits.Rules, core.RateLimitRule{Label: "teams:list", MaxRequests: 1, Duration: 60})
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	server := testapp.Serve(t, app)
	token := testapp.Token(t, app, "bram@buurtplein.test")

	url := server.URL + "/api/collections/teams/records"
	if code, res := testapp.Do(t, http.MethodGet, url, token, nil); code != http.StatusOK {
		t.Fatalf("first list: %d %s", code, res)
	}
	code, res := testapp.Do(t, http.MethodGet, url, token, nil)
	var body struct {
		Data map[string]struct{ Code string }
	}
	if err := json.Unmarshal(res, &body); err != nil || code != http.StatusTooManyRequests || body.Data[hooks.RequestKey].Code != "rate_limited" {
		t.Fatalf("second list: %d %s; want a 429 with code rate_limited", code, res)
	}
}
