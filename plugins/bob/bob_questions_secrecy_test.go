package bob_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/bob"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// noteText is a word of the demo's internal note on flyer, in no other
// demo text.
const noteText = "kwartaal"

// TestInternalNoteSecrecy checks that the internal note on flyer reaches
// nobody outside BOB on any read path of the record API: list, view,
// filter (no oracle: a filter that would tell whether a note says
// something is refused as a whole), expand and batch; and that BOB reads
// it.
func TestInternalNoteSecrecy(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	flyerQ := d.question[flyer]
	q := url.QueryEscape
	get := func(name, token, path string, status int, content, notContent []string) tests.ApiScenario {
		return tests.ApiScenario{Name: name, Method: http.MethodGet, URL: path, Headers: authHeader(token),
			ExpectedStatus: status, ExpectedContent: content, NotExpectedContent: notContent}
	}
	secret := []string{d.note, noteText}
	replies := "/api/collections/question_replies/records"
	questions := "/api/collections/questions/records"

	scenarios := []tests.ApiScenario{
		get("bram lists the replies: the public one, not the note", d.bramT, replies+"?filter="+q(`question="`+flyerQ+`"`),
			200, []string{d.publicReply, `"totalItems":1`}, secret),
		get("bram asks for internal replies: none", d.bramT, replies+"?filter="+q(`internal=true`),
			200, []string{`"totalItems":0`}, secret),
		get("bram cannot view the note", d.bramT, replies+"/"+d.note, 404, []string{`"status":404`}, secret),
		{Name: "bram cannot HEAD the note", Method: http.MethodHead, URL: replies + "/" + d.note, Headers: authHeader(d.bramT), ExpectedStatus: 404},
		get("carla sees no reply of Haarlem-Noord's question", d.carlaT, replies, 200, []string{`"items":[`}, []string{d.publicReply, d.note}),
		get("anonymous sees nothing", "", replies, 200, []string{`"totalItems":0`}, secret),
		get("bram expands the question's replies: no note", d.bramT, questions+"/"+flyerQ+"?expand=question_replies_via_question",
			200, []string{`"id":"` + flyerQ + `"`}, secret),
		get("bram's list with the replies expanded: no note", d.bramT, questions+"?expand=question_replies_via_question",
			200, []string{flyerQ}, secret),
		get("bo lists the replies: both", d.boT, replies+"?filter="+q(`question="`+flyerQ+`"`),
			200, []string{d.publicReply, d.note, noteText}, nil),
		get("bo views the note", d.boT, replies+"/"+d.note, 200, []string{noteText}, nil),
		get("bo expands the question's replies: the note too", d.boT, questions+"/"+flyerQ+"?expand=question_replies_via_question",
			200, []string{noteText}, nil),
	}
	// the oracle: filtering questions on what their replies say. Were it
	// answered, a question listed for "kwartaal" (only in the note) would
	// tell bram what BOB wrote; each filter is refused as a whole,
	// whether its words are in a public reply or in the note.
	for _, filter := range []string{
		`question_replies_via_question.body ~ "` + noteText + `"`,
		`question_replies_via_question.body ~ "` + publicWord + `"`,
		`question_replies_via_question.internal = true`,
		`question_replies_via_question.body !~ "` + noteText + `"`,
	} {
		scenarios = append(scenarios,
			get("bram cannot filter questions on "+filter, d.bramT, questions+"?filter="+q(filter),
				400, []string{`"code":"validation_scoped"`}, []string{flyerQ}),
			get("bram cannot sort questions on the replies", d.bramT, questions+"?sort="+q("question_replies_via_question.body"),
				400, []string{`"code":"validation_scoped"`}, []string{flyerQ}),
		)
	}
	scenarios = append(scenarios,
		tests.ApiScenario{
			Name: "a filter inside a batch is refused too", Method: http.MethodPost, URL: "/api/batch", Headers: authHeader(d.bramT),
			Body: jsonOf(t, map[string]any{"requests": []map[string]any{
				{"method": "PATCH", "url": questions + "/" + flyerQ + "?filter=" + q(`question_replies_via_question.internal = true`) + "&expand=question_replies_via_question",
					"body": map[string]any{"status": "closed"}},
			}}),
			ExpectedStatus: 400, ExpectedContent: []string{"validation_scoped"}, NotExpectedContent: secret,
		},
		tests.ApiScenario{
			Name: "bram's batch answer expands no note", Method: http.MethodPost, URL: "/api/batch", Headers: authHeader(d.bramT),
			Body: jsonOf(t, map[string]any{"requests": []map[string]any{
				{"method": "POST", "url": replies + "?expand=question.question_replies_via_question",
					"body": map[string]any{"question": flyerQ, "author": d.bram, "body": "Hier is de tekst"}},
				{"method": "PATCH", "url": questions + "/" + flyerQ + "?expand=question_replies_via_question", "body": map[string]any{"status": "closed"}},
			}}),
			ExpectedStatus: 200, ExpectedContent: []string{`"status":"closed"`}, NotExpectedContent: secret,
		},
	)
	runScenarios(t, scenarios)
}

// TestInternalNoteRealtime subscribes bram to Haarlem-Noord's topic and
// bo to BOB's; bo writes a note, then a public reply. bram's first events
// are the public reply's (had the note come, it would have come first);
// bo gets the note as well.
func TestInternalNoteRealtime(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)

	subscribe := func(token, topic string) *testapp.RealtimeClient {
		c, status := testapp.ConnectRealtime(t, server.URL, token, topic)
		if status != http.StatusNoContent {
			t.Fatalf("subscribing to %s: %d", topic, status)
		}
		t.Cleanup(c.Close)
		return c
	}
	bram := subscribe(d.bramT, hooks.TeamTopic(d.haarlem))
	bo := subscribe(d.boT, hooks.TeamTopic(d.bob))
	if _, status := testapp.ConnectRealtime(t, server.URL, d.bramT, hooks.TeamTopic(d.bob)); status != http.StatusForbidden {
		t.Errorf("bram subscribing to BOB's topic: %d, want 403", status)
	}

	post := func(body map[string]any) string {
		t.Helper()
		status, res := testapp.Do(t, http.MethodPost, server.URL+"/api/collections/question_replies/records", d.boT, body)
		if status != 200 {
			t.Fatalf("reply: %d %s", status, res)
		}
		var r struct{ Id string }
		json.Unmarshal(res, &r)
		return r.Id
	}
	q := d.question[declaratie]
	note := post(map[string]any{"question": q, "author": d.bo, "body": "Geheim: de kostenplaats wisselt", "internal": true})
	public := post(map[string]any{"question": q, "author": d.bo, "body": "Kostenplaats 4410."})

	got := bram.Receive(t, 2)
	for _, ev := range got {
		if strings.Contains(ev.Data, note) || strings.Contains(ev.Data, "Geheim") {
			t.Errorf("bram got the note: %s", ev.Data)
		}
	}
	if !strings.Contains(got[0].Data+got[1].Data, public) {
		t.Errorf("bram did not get the public reply: %v", got)
	}
	// the reply comes with its author's name, the question with its asker's
	if both := got[0].Data + got[1].Data; !strings.Contains(both, `"name":"Bo Meijer"`) || !strings.Contains(both, `"name":"Anna de Vries"`) {
		t.Errorf("the events lack the expanded names: %v", got)
	}
	all := ""
	for _, ev := range bo.Receive(t, 3) { // the note, the reply, the question the reply saved
		all += ev.Data
	}
	if !strings.Contains(all, note) || !strings.Contains(all, public) {
		t.Errorf("bo's events miss the note or the reply: %s", all)
	}
}

// TestInternalNoteSearchAndFiles checks the last two paths: no search
// finds a note's words (for anyone: they are not indexed), the asking
// team finds its question and public replies; and a note's attachment is
// no one's outside BOB, not even with a file token.
func TestInternalNoteSearchAndFiles(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)

	search := func(token, words string) string {
		t.Helper()
		status, res := testapp.Do(t, http.MethodGet, server.URL+"/api/buurtplein/search?q="+url.QueryEscape(words), token, nil)
		if status != 200 {
			t.Fatalf("search %q: %d %s", words, status, res)
		}
		return string(res)
	}
	for _, who := range []struct{ name, token string }{{"bram", d.bramT}, {"anna", d.annaT}, {"bo", d.boT}} {
		if res := search(who.token, noteText); strings.Contains(res, d.note) || strings.Contains(res, d.question[flyer]) {
			t.Errorf("%s found the note: %s", who.name, res)
		}
	}
	if res := search(d.bramT, publicWord); !strings.Contains(res, d.publicReply) {
		t.Errorf("bram did not find the public reply: %s", res)
	}
	if res := search(d.bramT, "open dag"); !strings.Contains(res, d.question[flyer]) {
		t.Errorf("bram did not find his question: %s", res)
	}
	if res := search(d.carlaT, "open dag"); strings.Contains(res, d.question[flyer]) {
		t.Errorf("carla found Haarlem-Noord's question: %s", res)
	}

	// a note with an attachment
	c, err := app.FindCollectionByNameOrId(bob.RepliesCollection)
	if err != nil {
		t.Fatal(err)
	}
	note := core.NewRecord(c)
	note.Set("question", d.question[flyer])
	note.Set("author", d.bo)
	note.Set("body", "Offerte drukker")
	note.Set("internal", true)
	file, err := filesystem.NewFileFromBytes(notePNG, "offerte.png")
	if err != nil {
		t.Fatal(err)
	}
	note.Set("attachments", []any{file})
	if err := app.Save(note); err != nil {
		t.Fatal(err)
	}
	fileURL := server.URL + "/api/files/question_replies/" + note.Id + "/" + note.GetStringSlice("attachments")[0]
	fileToken := func(token string) string {
		t.Helper()
		status, res := testapp.Do(t, http.MethodPost, server.URL+"/api/files/token", token, nil)
		if status != 200 {
			t.Fatalf("file token: %d %s", status, res)
		}
		var body struct{ Token string }
		json.Unmarshal(res, &body)
		return body.Token
	}
	for _, c := range []struct {
		name, query string
		want        int
	}{
		{"no token", "", http.StatusNotFound},
		{"bram's auth token as file token", "?token=" + d.bramT, http.StatusNotFound},
		{"bram's file token", "?token=" + fileToken(d.bramT), http.StatusNotFound},
		{"bram's thumb", "?thumb=480x0&token=" + fileToken(d.bramT), http.StatusNotFound},
		{"bo's file token", "?token=" + fileToken(d.boT), http.StatusOK},
	} {
		status, _ := testapp.Do(t, http.MethodGet, fileURL+c.query, "", nil)
		if status != c.want {
			t.Errorf("%s: %d, want %d", c.name, status, c.want)
		}
	}
}

// notePNG is a 1x1 PNG.
var notePNG = []byte{
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
	0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x00, 0x02, 0x00,
	0x00, 0x05, 0x00, 0x01, 0xe9, 0xfa, 0xdc, 0xd8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
	0xae, 0x42, 0x60, 0x82,
}
