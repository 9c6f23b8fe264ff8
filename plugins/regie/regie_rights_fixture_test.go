package regie_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/audit"
	"buurtplein/plugins/regie"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// rightsOrg is the demo organisation served over HTTP, for the tests of
// a client's rights. anna (coordinator) and bram are in Haarlem-Noord,
// carla in Schalkwijk, bo in BOB.
type rightsOrg struct {
	app                            *tests.TestApp
	server                         *httptest.Server
	haarlem, schalkwijk            string
	anna, bram, carla              string
	annaT, bramT, carlaT, boT, itT string
}

func newRightsOrg(t *testing.T) rightsOrg {
	t.Helper()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	user := func(name string) string { return testapp.Id(t, app, "users", "email", name+"@buurtplein.test") }
	token := func(name string) string { return testapp.Token(t, app, name+"@buurtplein.test") }
	return rightsOrg{
		app:     app,
		server:  testapp.Serve(t, app),
		haarlem: testapp.Id(t, app, "teams", "slug", "haarlem-noord"), schalkwijk: testapp.Id(t, app, "teams", "slug", "schalkwijk"),
		anna: user("anna"), bram: user("bram"), carla: user("carla"),
		annaT: token("anna"), bramT: token("bram"), carlaT: token("carla"), boT: token("bo"), itT: token("it"),
	}
}

// rightsCase is a client with one record of every kind.
type rightsCase struct {
	client, referral, conversation, plan *core.Record
	steps, tasks                         []*core.Record
}

// records returns every record of the case, the client first.
func (c rightsCase) records() []*core.Record {
	all := []*core.Record{c.client, c.referral, c.conversation, c.plan}
	all = append(all, c.steps...)
	return append(all, c.tasks...)
}

// dutch is text with the letters a Dutch file has, which the PDFs must
// keep.
const dutch = "Mevrouw wil graag ĳs en café; ze is geëmotioneerd over de reünie"

// saveCase saves, as Go code does, a client of team with code (and the
// id caseId), a referral, a conversation with a PNG attachment, a plan of
// regisseur with two agreed actions and their tasks, and its case steps.
func saveCase(t testing.TB, app core.App, team, code, regisseur string) rightsCase {
	t.Helper()
	var c rightsCase
	c.client = saveRecord(t, app, regie.ClientsCollection, map[string]any{
		"id": caseId(code), "team": team, "code": code, "initials": "J.ë.", "birth_year": 1948, "neighbourhood": "Delftwijk",
		"contact_preference": "visit", "contact_notes": dutch, "created_by": regisseur,
	})
	part := func(fields map[string]any) map[string]any {
		fields["client"], fields["team"] = c.client.Id, team
		return fields
	}
	c.referral = saveRecord(t, app, regie.ReferralsCollection, part(map[string]any{
		"source": "gp", "reason": dutch, "urgency": "orange", "received": "2026-11-20 00:00:00.000Z", "author": regisseur,
	}))
	conversation := core.NewRecord(mustCollection(t, app, regie.ConversationsCollection))
	conversation.Load(part(map[string]any{"date": "2026-11-24 10:00:00.000Z", "participants": "cliënt en dochter", "notes": dutch, "author": regisseur}))
	file, err := filesystem.NewFileFromBytes(pngBytes(t), "verslag.png")
	if err != nil {
		t.Fatal(err)
	}
	conversation.Set("attachments", []*filesystem.File{file})
	if err := app.Save(conversation); err != nil {
		t.Fatalf("saving the conversation: %v", err)
	}
	c.conversation = conversation
	c.plan = saveRecord(t, app, regie.PlansCollection, part(map[string]any{
		"goals": dutch, "regisseur": regisseur, "review_date": "2027-01-15 00:00:00.000Z", "author": regisseur,
		"actions": []map[string]any{
			{"id": "a1", "text": "Huisbezoek plannen", "assignee": regisseur, "due": "2026-12-10"},
			{"id": "a2", "text": "Wmo-aanvraag doen", "assignee": "", "due": ""},
		},
	}))
	// the plan's hook made a task of each action, the client's hook the
	// case's first step
	c.tasks = findAll(t, app, "tasks", dbx.HashExp{"plan": c.plan.Id})
	c.steps = findAll(t, app, regie.StepsCollection, dbx.HashExp{"client": c.client.Id})
	if len(c.tasks) != 2 || len(c.steps) != 1 {
		t.Fatalf("the hooks made %d tasks and %d steps, want 2 and 1", len(c.tasks), len(c.steps))
	}
	c.steps = append(c.steps, saveRecord(t, app, regie.StepsCollection, part(map[string]any{
		"kind": regie.StepForward, "from": "melding", "to": "gesprek", "actor": regisseur,
	})))
	return c
}

// caseId returns the id saveCase gives the client with code, so that a
// scenario names it before it is made: HN-7401 is hn7401000000000.
func caseId(code string) string {
	id := strings.ToLower(strings.ReplaceAll(code, "-", ""))
	return id + strings.Repeat("0", 15-len(id))
}

func saveRecord(t testing.TB, app core.App, collection string, fields map[string]any) *core.Record {
	t.Helper()
	record := core.NewRecord(mustCollection(t, app, collection))
	record.Load(fields)
	if err := app.Save(record); err != nil {
		t.Fatalf("saving a %s: %v", collection, err)
	}
	return record
}

func mustCollection(t testing.TB, app core.App, name string) *core.Collection {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func findAll(t testing.TB, app core.App, collection string, where dbx.Expression) []*core.Record {
	t.Helper()
	records, err := app.FindAllRecords(collection, where)
	if err != nil {
		t.Fatal(err)
	}
	return records
}

func pngBytes(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// call sends a request to the org's server and returns the response
// with its body read.
func (o rightsOrg) call(t *testing.T, method, path, token string, body any) (*http.Response, []byte) {
	t.Helper()
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, o.server.URL+path, reader)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, data
}

// entries returns the access log's entries about client.
func entries(t testing.TB, app core.App, client string) []audit.Row {
	t.Helper()
	rows, err := audit.ClientEntries(app, client, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// allEntries returns every entry of the access log, oldest first.
func allEntries(t testing.TB, app core.App) []audit.Row {
	t.Helper()
	var rows []audit.Row
	if err := app.DB().Select("*").From(audit.Collection).OrderBy("seq ASC").All(&rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

// errorCode returns the code of a JSON error answer.
func errorCode(t testing.TB, body []byte) string {
	t.Helper()
	var answer struct {
		Data map[string]struct {
			Code string `json:"code"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		t.Fatalf("not a JSON error: %s", body)
	}
	return answer.Data["@request"].Code
}
