package hooks

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// PocketBase's rate limiter counts per client address. A team office signs
// in from one address, so that limit must be generous (see the settings
// migrations), which on its own would let one address guess a colleague's
// password quickly. Failed sign-ins are therefore also counted per
// account, whatever address they come from.

// SignInLimit is the limit on failed password sign-ins per account.
var SignInLimit = struct {
	// Failures is the number of wrong passwords an account takes in one
	// window; the next attempt, right or wrong, gets a 429 until the
	// window ends.
	Failures int
	// Window starts at an account's first failure.
	Window time.Duration
	// Accounts bounds the memory: the most accounts (or unknown
	// identities) counted at once.
	Accounts int
}{
	Failures: 10,
	Window:   10 * time.Minute,
	Accounts: 10000,
}

// signInFailures is one account's failed sign-ins in the current window.
type signInFailures struct {
	count int
	ends  time.Time
}

// signInLimiter counts failed sign-ins per account, in memory.
type signInLimiter struct {
	mu       sync.Mutex
	accounts map[string]*signInFailures
	swept    time.Time // the last sweep of ended windows
}

// bindRateLimitCode gives the 429 of PocketBase's own rate limiter (per
// address, see the settings migrations) a code like every other error, so
// a client words it: rate_limited.
func bindRateLimitCode(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "buurtpleinRateLimitCode",
		Func: func(se *core.ServeEvent) error {
			se.Router.Bind(&hook.Handler[*core.RequestEvent]{
				Id: "buurtpleinRateLimitCode",
				// around PocketBase's limiter, and the one on record routes
				Priority: apis.DefaultRateLimitMiddlewarePriority - 1,
				Func: func(e *core.RequestEvent) error {
					err := e.Next()
					var apiErr *router.ApiError
					if errors.As(err, &apiErr) && apiErr.Status == http.StatusTooManyRequests && len(apiErr.Data) == 0 {
						return Err(http.StatusTooManyRequests, "rate_limited", nil,
							"Even rustig aan: er kwamen te veel verzoeken achter elkaar. Wacht een paar seconden en probeer het opnieuw.")
					}
					return err
				},
			})
			return se.Next()
		},
	})
}

func bindSignInLimits(app core.App) {
	limiter := &signInLimiter{accounts: map[string]*signInFailures{}}

	app.OnRecordAuthWithPasswordRequest().Bind(&hook.Handler[*core.RecordAuthWithPasswordRequestEvent]{
		Id:       "buurtpleinSignInLimit",
		Priority: -100,
		Func: func(e *core.RecordAuthWithPasswordRequestEvent) error {
			key := signInKey(e)
			// refused before the password is checked: a guess over the
			// limit learns nothing, not even from the time it takes
			if wait := limiter.blocked(key, time.Now()); wait > 0 {
				e.Response.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
				minutes := int(wait.Minutes()) + 1
				message := fmt.Sprintf(
					"Te veel mislukte pogingen om in te loggen op dit account. Probeer het over %d %s opnieuw, of vraag IT om een nieuw wachtwoord.",
					minutes, plural(minutes, "minuut", "minuten"))
				// as a field error with the wait, so the PWA words it in the
				// reader's language
				return FieldError("identity", "sign_in_locked", message, Params{"minutes": minutes}).
					WithStatus(http.StatusTooManyRequests)
			}

			err := e.Next()
			var apiErr *router.ApiError
			switch {
			case err == nil:
				limiter.forget(key)
			case errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest:
				// a wrong identity or password; an MFA challenge (401) or an
				// account the auth rule refuses (403) is no guess
				limiter.fail(key, time.Now())
			}
			return err
		},
	})
}

// signInKey identifies the account a sign-in is for by its identity,
// case-folded: "Anna@…" and "anna@…" are one account, and an identity
// that names no account is limited alike, so a 429 tells nothing about
// which accounts exist.
func signInKey(e *core.RecordAuthWithPasswordRequestEvent) string {
	return e.Collection.Name + "/" + strings.ToLower(strings.TrimSpace(e.Identity))
}

// blocked returns how long key must still wait, or 0.
func (l *signInLimiter) blocked(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()

	f := l.accounts[key]
	if f == nil || !now.Before(f.ends) || f.count < SignInLimit.Failures {
		return 0
	}
	return f.ends.Sub(now)
}

// fail counts a failed sign-in for key.
func (l *signInLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()

	if f := l.accounts[key]; f != nil && now.Before(f.ends) {
		f.count++
		return
	}
	if len(l.accounts) >= SignInLimit.Accounts {
		l.makeRoom(now)
	}
	l.accounts[key] = &signInFailures{count: 1, ends: now.Add(SignInLimit.Window)}
}

// forget drops key's failures after a successful sign-in.
func (l *signInLimiter) forget(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()

	delete(l.accounts, key)
}

// makeRoom drops the windows that have ended and, if the map is still
// full, the entry with the fewest failures among a few: a flood of
// made-up identities can push out a few others, never grow the map.
func (l *signInLimiter) makeRoom(now time.Time) {
	// a full sweep at most once a minute: a flood would otherwise scan the
	// whole map on every guess
	if now.Sub(l.swept) > time.Minute {
		l.swept = now
		for key, f := range l.accounts {
			if !now.Before(f.ends) {
				delete(l.accounts, key)
			}
		}
	}
	for len(l.accounts) >= SignInLimit.Accounts {
		victim, fewest, seen := "", 0, 0
		for key, f := range l.accounts { // Go visits a map in random order
			if victim == "" || f.count < fewest {
				victim, fewest = key, f.count
			}
			if seen++; seen == 32 {
				break
			}
		}
		delete(l.accounts, victim)
	}
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
