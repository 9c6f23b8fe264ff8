package regie_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/audit"
	"buurtplein/plugins/regie"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// testAgent is the browser the access log's tests name.
const testAgent = "regie-access-test"

// accessFixture is client data of Haarlem-Noord (two clients) and
// Schalkwijk (one), made from Go, with the ids and tokens the tests use.
type accessFixture struct {
	app          core.App
	hn, sw       string // team ids
	client1      *core.Record
	client2      *core.Record
	clientSW     *core.Record
	referrals    []*core.Record // two of client1, one of client2
	conversation *core.Record   // client1's, with two PNG attachments
	plan         *core.Record   // client1's, regisseur anna
	user         map[string]string
	tokens       map[string]string // e-mail's local part → auth token
	lastSeq      int64             // the log's last entry before the request
}

// newAccessFixture makes the fixture in app, and fenna: once of
// Haarlem-Noord, removed from it, her token still signed.
func newAccessFixture(t testing.TB, app core.App) *accessFixture {
	t.Helper()
	f := &accessFixture{
		app:    app,
		hn:     testapp.Id(t, app, "teams", "slug", "haarlem-noord"),
		sw:     testapp.Id(t, app, "teams", "slug", "schalkwijk"),
		user:   map[string]string{},
		tokens: map[string]string{},
	}
	for _, name := range []string{"anna", "bram", "carla", "bo"} {
		f.user[name] = testapp.Id(t, app, "users", "email", name+"@buurtplein.test")
		f.tokens[name] = testapp.Token(t, app, name+"@buurtplein.test")
	}
	f.tokens["it"] = testapp.Token(t, app, "it@buurtplein.test")
	superuser, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, "it@buurtplein.test")
	if err != nil {
		t.Fatal(err)
	}
	f.user["it"] = superuser.Id

	fenna := f.save(t, "users", map[string]any{
		"email": "fenna@buurtplein.test", "password": "buurtplein-demo", "name": "Fenna Mulder", "verified": true,
	})
	f.user["fenna"] = fenna.Id
	membership := f.save(t, "memberships", map[string]any{"team": f.hn, "user": fenna.Id, "role": "member"})
	if err := app.Delete(membership); err != nil {
		t.Fatal(err)
	}
	f.tokens["fenna"] = testapp.Token(t, app, "fenna@buurtplein.test")

	f.client1 = f.saveClient(t, f.hn, "HN-9001", "A.B.")
	f.client2 = f.saveClient(t, f.hn, "HN-9002", "C.D.")
	f.clientSW = f.saveClient(t, f.sw, "SW-9001", "E.F.")
	for _, c := range []*core.Record{f.client1, f.client1, f.client2} {
		f.referrals = append(f.referrals, f.save(t, regie.ReferralsCollection, map[string]any{
			"client": c.Id, "team": c.GetString("team"), "source": "gp", "reason": "Valt vaak",
			"urgency": "orange", "received": "2026-11-30 09:00:00.000Z", "author": f.user["anna"],
		}))
	}
	f.conversation = f.save(t, regie.ConversationsCollection, map[string]any{
		"client": f.client1.Id, "team": f.hn, "date": "2026-11-30 10:00:00.000Z", "notes": "Eerste gesprek",
		"author": f.user["bram"], "attachments": []*filesystem.File{pngFile(t, "brief.png"), pngFile(t, "foto.png")},
	})
	f.plan = f.save(t, regie.PlansCollection, map[string]any{
		"client": f.client1.Id, "team": f.hn, "goals": "Veilig thuis", "regisseur": f.user["anna"], "author": f.user["anna"],
	})
	return f
}

// saveClient saves a client with the fields a caller gives; the server
// sets its step and status.
func (f *accessFixture) saveClient(t testing.TB, team, code, initials string) *core.Record {
	t.Helper()
	return f.save(t, regie.ClientsCollection, map[string]any{
		"team": team, "code": code, "initials": initials, "birth_year": 1941, "neighbourhood": "Vondelkwartier",
	})
}

func (f *accessFixture) save(t testing.TB, collection string, fields map[string]any) *core.Record {
	t.Helper()
	c, err := f.app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := f.app.Save(r); err != nil {
		t.Fatalf("saving a %s: %v", collection, err)
	}
	return r
}

// attachment returns the stored name of the conversation's i-th file.
func (f *accessFixture) attachment(i int) string {
	return f.conversation.GetStringSlice("attachments")[i]
}

// fileURL returns the URL of the conversation's i-th file with query,
// asked for with a file token of who ("" none).
func (f *accessFixture) fileURL(i int, who, query string) string {
	u := "/api/files/" + f.fileName(i) + "?" + query
	if who != "" {
		u += "&token=" + f.fileToken(who)
	}
	return u
}

// fileName returns "conversations/<id>/<file>" of the conversation's
// i-th file, as an entry names it.
func (f *accessFixture) fileName(i int) string {
	return "conversations/" + f.conversation.Id + "/" + f.attachment(i)
}

// fileToken returns a file token of the e-mail's local part's account
// (the fixture's apps are made in a scenario's BeforeTestFunc, where a
// URL is built without a testing.TB).
func (f *accessFixture) fileToken(name string) string {
	email := name + "@buurtplein.test"
	record, err := f.app.FindAuthRecordByEmail("users", email)
	if err != nil {
		record, err = f.app.FindAuthRecordByEmail(core.CollectionNameSuperusers, email)
	}
	if err != nil {
		panic(err)
	}
	token, err := record.NewFileToken()
	if err != nil {
		panic(err)
	}
	return token
}

// mark remembers the log's last entry: newEntries returns those after it.
func (f *accessFixture) mark(t testing.TB) {
	t.Helper()
	f.lastSeq = lastSeq(t, f.app)
}

func lastSeq(t testing.TB, app core.App) int64 {
	t.Helper()
	var seq int64
	if err := app.DB().Select("COALESCE(MAX(seq), 0)").From(audit.Collection).Row(&seq); err != nil {
		t.Fatal(err)
	}
	return seq
}

// newEntries returns the entries written since mark, oldest first.
func (f *accessFixture) newEntries(t testing.TB) []audit.Row {
	t.Helper()
	var rows []audit.Row
	err := f.app.DB().Select("*").From(audit.Collection).
		Where(dbx.NewExp("seq > {:seq}", dbx.Params{"seq": f.lastSeq})).OrderBy("seq ASC").All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// want is what an entry must say; the fields every entry has (created,
// on_behalf_of, ip, user_agent) are checked as well.
type want struct {
	action, user, role, team, client, code string
	records                                []string // the names in record, in any order
	details                                string   // a part details must contain
}

// checkEntries fails t unless rows are the wanted entries, in any order
// of clients.
func checkEntries(t testing.TB, rows []audit.Row, wants ...want) {
	t.Helper()
	if len(rows) != len(wants) {
		t.Fatalf("%d entries, want %d: %+v", len(rows), len(wants), rows)
	}
	for _, w := range wants {
		// the entry of the client and action, naming the records if several do
		i := slices.IndexFunc(rows, func(r audit.Row) bool {
			return r.Client == w.client && r.Action == w.action && sameNames(r.Record, w.records)
		})
		if i < 0 {
			i = slices.IndexFunc(rows, func(r audit.Row) bool { return r.Client == w.client && r.Action == w.action })
		}
		if i < 0 {
			t.Errorf("no %s entry of client %q in %+v", w.action, w.client, rows)
			continue
		}
		r := rows[i]
		rows = slices.Delete(rows, i, i+1)
		switch {
		case r.User != w.user || r.Role != w.role || r.Team != w.team || r.ClientCode != w.code:
			t.Errorf("entry %+v, want %+v", r, w)
		case !sameNames(r.Record, w.records):
			t.Errorf("entry names %q, want %v", r.Record, w.records)
		case !strings.Contains(r.Details, w.details):
			t.Errorf("entry's details %q lack %q", r.Details, w.details)
		case r.Created == "" || r.OnBehalfOf == "" || r.IP == "" || r.UserAgent == "":
			t.Errorf("entry lacks a field: %+v", r)
		}
	}
}

// sameNames reports whether an entry's record names the records, in any
// order.
func sameNames(record string, records []string) bool {
	got := strings.Fields(record)
	slices.Sort(got)
	wanted := slices.Clone(records)
	slices.Sort(wanted)
	return slices.Equal(got, wanted)
}

// pngFile returns a small PNG to upload as name.
func pngFile(t testing.TB, name string) *filesystem.File {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 200, 150))
	for x := range 200 {
		img.Set(x, x%150, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	f, err := filesystem.NewFileFromBytes(buf.Bytes(), name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// accessScenario is a request on the fixture and the entries it must
// write.
type accessScenario struct {
	name   string
	method string
	who    string // e-mail's local part, "" anonymous
	url    func(f *accessFixture) string
	body   func(f *accessFixture) string
	setup  func(t testing.TB, f *accessFixture) // after the fixture and mark
	status int
	// content is what the answer holds, notContent what it must not
	content, notContent []string
	check               func(t testing.TB, f *accessFixture, res *http.Response)
}

// run runs s as a tests.ApiScenario on a fresh app with the fixture.
func (s accessScenario) run(t *testing.T) {
	var f *accessFixture
	sc := &tests.ApiScenario{
		Name:               s.name,
		Method:             s.method,
		TestAppFactory:     testapp.Factory,
		ExpectedStatus:     s.status,
		ExpectedContent:    s.content,
		NotExpectedContent: s.notContent,
	}
	if len(sc.ExpectedContent) == 0 && len(sc.NotExpectedContent) == 0 {
		sc.NotExpectedContent = []string{"no such text in any answer"}
	}
	sc.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		testapp.Unlimited(t, app)
		f = newAccessFixture(t, app)
		sc.URL = s.url(f)
		sc.Headers = map[string]string{"User-Agent": testAgent}
		if s.who != "" {
			sc.Headers["Authorization"] = f.tokens[s.who]
		}
		if s.body != nil {
			sc.Body = strings.NewReader(s.body(f))
			sc.Headers["Content-Type"] = "application/json"
		}
		f.mark(t)
		if s.setup != nil {
			s.setup(t, f)
		}
	}
	sc.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		if s.check != nil {
			s.check(t, f, res)
		}
	}
	sc.Test(t)
}

// readBody returns the body of res.
func readBody(t testing.TB, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
