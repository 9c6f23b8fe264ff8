package authz_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/security"
)

// The roles of the matrix, one column each. The owning team is
// Haarlem-Noord; the other team is Schalkwijk.
const (
	roleAnon    = "anon"    // no token
	roleMember  = "member"  // bram, member of the owning team
	roleOther   = "other"   // carla, member of another team
	roleCoord   = "coord"   // anna, coordinator of the owning team
	roleBOB     = "bob"     // bo, BOB staff
	roleSuper   = "super"   // it, a superuser
	roleRemoved = "removed" // fenna, removed from the owning team; her token still signed
	roleExpired = "expired" // bram's token, correctly signed but expired
)

// roles are the columns the matrix must have, in this order.
var roles = []string{roleAnon, roleMember, roleOther, roleCoord, roleBOB, roleSuper, roleRemoved, roleExpired}

// roleEmails are the accounts behind the roles; the expired token is bram's.
var roleEmails = map[string]string{
	roleMember:  "bram@buurtplein.test",
	roleOther:   "carla@buurtplein.test",
	roleCoord:   "anna@buurtplein.test",
	roleBOB:     "bo@buurtplein.test",
	roleSuper:   "it@buurtplein.test",
	roleRemoved: "fenna@buurtplein.test",
	roleExpired: "bram@buurtplein.test",
}

// fixture is a real app with the demo organisation, the records the
// matrix's kinds name, and a token per role.
type fixture struct {
	app *tests.TestApp
	url string // the test server, with the full router

	user      map[string]string // email's local part -> user id
	team      map[string]string // slug -> team id
	tokens    map[string]string // role -> auth token ("" for anon)
	fileToken map[string]string // role -> file token ("" for anon)
	shared    map[string]*core.Record
	oracle    *oracle
}

// newFixture builds the fixture on a fresh copy of the demo organisation,
// with rate limiting off: the matrix sends thousands of requests from one
// address, batches among them.
func newFixture(t *testing.T) *fixture {
	t.Helper()

	app := testapp.New(t)
	settings := app.Settings()
	settings.RateLimits.Enabled = false
	if err := app.Save(settings); err != nil {
		t.Fatalf("switching rate limits off: %v", err)
	}
	// and one realtime connection per case: far more per account and
	// address than the caps allow anyone (the caps on topics stay)
	caps := hooks.RealtimeLimits
	caps.PerAccount, caps.PerAddress, caps.PendingPerAddress = 1000, 10000, 1000
	hooks.SetRealtimeLimits(app, caps)

	f := &fixture{
		app:       app,
		user:      map[string]string{},
		team:      map[string]string{},
		tokens:    map[string]string{},
		fileToken: map[string]string{},
		shared:    map[string]*core.Record{},
	}
	for _, slug := range []string{"haarlem-noord", "schalkwijk", "heemstede", "bob"} {
		f.team[slug] = testapp.Id(t, app, "teams", "slug", slug)
	}
	for _, name := range []string{"anna", "bram", "carla", "dirk", "eva", "bo"} {
		f.user[name] = testapp.Id(t, app, "users", "email", name+"@buurtplein.test")
	}

	// fenna works in Haarlem-Noord while the shared records are made, so
	// some of them are hers; then she is removed from the team
	fenna := f.save(t, "users", map[string]any{
		"email": "fenna@buurtplein.test", "password": "buurtplein-demo", "name": "Fenna Mulder", "verified": true,
	})
	f.user["fenna"] = fenna.Id
	fennaMembership := f.save(t, "memberships", map[string]any{"team": f.team["haarlem-noord"], "user": fenna.Id, "role": "member"})

	for _, k := range kinds {
		build := k.shared
		if build == nil {
			build = k.make
		}
		f.shared[k.name] = build(t, f)
	}

	f.url = testapp.Serve(t, app).URL

	// fenna's tokens are signed while she is still in the team
	for role := range roleEmails {
		f.renewTokens(t, role)
	}
	f.tokens[roleExpired], f.fileToken[roleExpired] = expiredTokens(t, f.account(t, roleExpired))

	if err := app.Delete(fennaMembership); err != nil {
		t.Fatalf("removing fenna from her team: %v", err)
	}

	f.oracle = newOracle(app, f.roleUsers())
	return f
}

// account returns the auth record behind role.
func (f *fixture) account(t testing.TB, role string) *core.Record {
	t.Helper()
	record, err := f.app.FindAuthRecordByEmail("users", roleEmails[role])
	if err != nil {
		record, err = f.app.FindAuthRecordByEmail(core.CollectionNameSuperusers, roleEmails[role])
	}
	if err != nil {
		t.Fatalf("no account for role %s: %v", role, err)
	}
	return record
}

// renewTokens gives role a new auth token and, through the API as a
// client gets one, a new file token (none for anon and expired).
func (f *fixture) renewTokens(t testing.TB, role string) {
	t.Helper()
	if role == roleAnon || role == roleExpired {
		return
	}
	auth, err := f.account(t, role).NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	status, body := f.do(t, http.MethodPost, "/api/files/token", auth, nil)
	var file struct{ Token string }
	if err := json.Unmarshal(body, &file); status != http.StatusOK || err != nil || file.Token == "" {
		t.Fatalf("a file token for %s: %d %s", role, status, body)
	}
	f.tokens[role], f.fileToken[role] = auth, file.Token
}

// roleUsers maps each role to the user the oracle judges it as: "" for no
// valid token, superuserId for IT.
func (f *fixture) roleUsers() map[string]string {
	return map[string]string{
		roleAnon:    "",
		roleMember:  f.user["bram"],
		roleOther:   f.user["carla"],
		roleCoord:   f.user["anna"],
		roleBOB:     f.user["bo"],
		roleSuper:   superuserId,
		roleRemoved: f.user["fenna"],
		roleExpired: "",
	}
}

// me returns the user a role's new records name as author or creator: its
// own, or the member's for a request without a user of its own (anonymous,
// expired, IT).
func (f *fixture) me(role string) string {
	switch role {
	case roleAnon, roleExpired, roleSuper:
		return f.user["bram"]
	}
	return f.roleUsers()[role]
}

// expiredTokens returns an auth token and a file token of record that are
// signed with its keys but expired an hour ago.
func expiredTokens(t testing.TB, record *core.Record) (auth, file string) {
	t.Helper()
	c := record.Collection()
	claims := func(tokenType string) map[string]any {
		return map[string]any{
			core.TokenClaimType:         tokenType,
			core.TokenClaimId:           record.Id,
			core.TokenClaimCollectionId: c.Id,
			core.TokenClaimRefreshable:  true,
		}
	}
	auth, err := security.NewJWT(claims(core.TokenTypeAuth), record.TokenKey()+c.AuthToken.Secret, -time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	file, err = security.NewJWT(claims(core.TokenTypeFile), record.TokenKey()+c.FileToken.Secret, -time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return auth, file
}

// save creates a record directly, with the model hooks but without the
// request hooks and rules.
func (f *fixture) save(t testing.TB, collection string, fields map[string]any) *core.Record {
	t.Helper()
	c, err := f.app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	record := core.NewRecord(c)
	for k, v := range fields {
		record.Set(k, v)
	}
	if err := f.app.Save(record); err != nil {
		t.Fatalf("saving %s %v: %v", collection, fields, err)
	}
	return record
}

// set changes fields of a saved record directly.
func (f *fixture) set(t testing.TB, record *core.Record, fields map[string]any) *core.Record {
	t.Helper()
	for k, v := range fields {
		record.Set(k, v)
	}
	if err := f.app.Save(record); err != nil {
		t.Fatalf("updating %s %s: %v", record.Collection().Name, record.Id, err)
	}
	return record
}

// find returns a record by a field's value.
func (f *fixture) find(t testing.TB, collection, field string, value any) *core.Record {
	t.Helper()
	record, err := f.app.FindFirstRecordByData(collection, field, value)
	if err != nil {
		t.Fatalf("no %s with %s=%v: %v", collection, field, value, err)
	}
	return record
}

// findWhere returns the first record matching a filter.
func (f *fixture) findWhere(t testing.TB, collection, filter string, params dbx.Params) *core.Record {
	t.Helper()
	record, err := f.app.FindFirstRecordByFilter(collection, filter, params)
	if err != nil {
		t.Fatalf("no %s with %s %v: %v", collection, filter, params, err)
	}
	return record
}

// photo returns a small PNG image as an upload.
func photo(t testing.TB, name string) *filesystem.File {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for x := range 4 {
		img.Set(x, x, color.RGBA{R: 200, G: 80, B: 40, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	file, err := filesystem.NewFileFromBytes(b.Bytes(), name)
	if err != nil {
		t.Fatal(err)
	}
	return file
}

// unique returns a name no earlier call returned, for slugs and e-mail
// addresses of throwaway records.
func unique(prefix string) string {
	return fmt.Sprintf("%s%d", prefix, uniqueN.Add(1))
}

var uniqueN atomic.Int64
