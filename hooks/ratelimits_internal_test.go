package hooks

import (
	"fmt"
	"testing"
	"time"
)

// TestSignInLimiterBounded: a flood of made-up identities never grows the
// limiter past SignInLimit.Accounts, and does not push out an account
// that is being guessed.
func TestSignInLimiterBounded(t *testing.T) {
	l := &signInLimiter{accounts: map[string]*signInFailures{}}
	now := time.Now()

	for range SignInLimit.Failures - 1 {
		l.fail("users/anna@buurtplein.test", now)
	}
	for i := range 3 * SignInLimit.Accounts {
		l.fail(fmt.Sprintf("users/gok%d@example.test", i), now)
		if len(l.accounts) > SignInLimit.Accounts {
			t.Fatalf("after %d identities the limiter holds %d, more than %d", i+1, len(l.accounts), SignInLimit.Accounts)
		}
	}

	l.fail("users/anna@buurtplein.test", now)
	if l.blocked("users/anna@buurtplein.test", now) == 0 {
		t.Fatal("the flood made the limiter forget the guessed account")
	}
	if l.blocked("users/anna@buurtplein.test", now.Add(SignInLimit.Window)) != 0 {
		t.Fatal("the account is still blocked after its window ended")
	}
}
