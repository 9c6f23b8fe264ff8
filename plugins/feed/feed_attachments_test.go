package feed_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// upload is a file in a multipart form.
type upload struct {
	field, name, contentType string
	data                     []byte
}

// form returns a multipart body with fields and files, and its content
// type.
func form(t testing.TB, fields map[string]string, files []upload) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+f.field+`"; filename="`+f.name+`"`)
		h.Set("Content-Type", f.contentType)
		part, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(f.data)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &b, w.FormDataContentType()
}

// minimalPDF is a small PDF file.
var minimalPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func pngBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sleutel := f.post["Sleutelkastje Zijlweg"] // bram's
	newPost := map[string]string{"team": f.haarlem, "author": f.bram, "kind": "update", "visibility": "team", "title": "Met bijlage", "body": "Zie de bijlage."}
	multipartAs := func(token, contentType string) map[string]string {
		return map[string]string{"Authorization": token, "Content-Type": contentType}
	}

	fakes := []upload{
		{"attachments", "protocol.pdf", "application/pdf", []byte("Dit is gewoon tekst, geen PDF.")},
		{"attachments", "foto.pdf", "application/pdf", pngBytes(t)},
		{"attachments", "leeg.pdf", "application/pdf", []byte("%PD")},
		{"attachments", "script.pdf", "application/pdf", []byte("<html><script>alert(1)</script>%PDF-1.4")},
	}
	var scenarios []tests.ApiScenario
	for _, fake := range fakes {
		b, ct := form(t, newPost, []upload{fake})
		scenarios = append(scenarios, tests.ApiScenario{
			Name:               "a fake PDF on a new post: " + fake.name,
			Method:             http.MethodPost,
			URL:                "/api/collections/posts/records",
			Headers:            multipartAs(f.bramT, ct),
			Body:               b,
			ExpectedStatus:     400,
			ExpectedContent:    []string{`"attachments":{"code":"validation_attachment_not_pdf"`, fake.name},
			NotExpectedContent: []string{`"id"`},
			AfterTestFunc:      noPost("Met bijlage"),
		})
	}

	b, ct := form(t, map[string]string{}, []upload{{"attachments+", "nep.pdf", "application/pdf", []byte("geen pdf")}})
	scenarios = append(scenarios, tests.ApiScenario{
		Name:            "a fake PDF added to a post",
		Method:          http.MethodPatch,
		URL:             "/api/collections/posts/records/" + sleutel,
		Headers:         multipartAs(f.bramT, ct),
		Body:            b,
		ExpectedStatus:  400,
		ExpectedContent: []string{`"code":"validation_attachment_not_pdf"`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			post, err := app.FindRecordById("posts", sleutel)
			if err != nil || len(post.GetStringSlice("attachments")) != 0 {
				t.Fatalf("the post has attachments %v (%v)", post.GetStringSlice("attachments"), err)
			}
		},
	})

	five := []upload{}
	for range 5 {
		five = append(five, upload{"attachments", "protocol.pdf", "application/pdf", minimalPDF})
	}
	b, ct = form(t, newPost, five)
	scenarios = append(scenarios, tests.ApiScenario{
		Name:               "five PDFs: at most four",
		Method:             http.MethodPost,
		URL:                "/api/collections/posts/records",
		Headers:            multipartAs(f.bramT, ct),
		Body:               b,
		ExpectedStatus:     400,
		ExpectedContent:    []string{`"attachments":{"code":"validation_too_many_files"`},
		NotExpectedContent: []string{`"id"`},
		AfterTestFunc:      noPost("Met bijlage"),
	})

	b, ct = form(t, newPost, []upload{{"attachments", "protocol.pdf", "application/pdf", minimalPDF}})
	scenarios = append(scenarios, tests.ApiScenario{
		Name:            "a PDF on a new post",
		Method:          http.MethodPost,
		URL:             "/api/collections/posts/records",
		Headers:         multipartAs(f.bramT, ct),
		Body:            b,
		ExpectedStatus:  200,
		ExpectedContent: []string{`"attachments":["protocol_`},
	})

	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

// noPost returns an AfterTestFunc that checks that no post has title.
func noPost(title string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		if n, err := app.CountRecords("posts", dbx.HashExp{"title": title}); err != nil || n != 0 {
			t.Fatalf("%d posts %q (%v), want none", n, title, err)
		}
	}
}

// TestAttachmentDownloads checks that the attachment of a Haarlem-Noord
// team post downloads with a file token of a member, and not without one
// or with carla's.
func TestAttachmentDownloads(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	posts, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := filesystem.NewFileFromBytes(minimalPDF, "protocol.pdf")
	if err != nil {
		t.Fatal(err)
	}
	post := core.NewRecord(posts)
	post.Load(map[string]any{
		"team": testapp.Id(t, app, "teams", "slug", "haarlem-noord"), "author": testapp.Id(t, app, "users", "email", "bram@buurtplein.test"),
		"kind": "update", "visibility": "team", "title": "Met bijlage", "body": "Zie de bijlage.", "attachments": []any{pdf},
	})
	if err := app.Save(post); err != nil {
		t.Fatal(err)
	}
	server := testapp.Serve(t, app)
	url := server.URL + "/api/files/posts/" + post.Id + "/" + post.GetStringSlice("attachments")[0]
	fileToken := func(email string) string {
		user, err := app.FindAuthRecordByEmail("users", email)
		if err != nil {
			t.Fatal(err)
		}
		token, err := user.NewFileToken()
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	cases := []struct {
		who, token string
		want       int
	}{
		{"anonymous", "", 404},
		{"carla", fileToken("carla@buurtplein.test"), 404},
		{"dirk", fileToken("dirk@buurtplein.test"), 200},
	}
	for _, c := range cases {
		status, res := testapp.Do(t, http.MethodGet, url+"?token="+c.token, "", nil)
		if status != c.want {
			t.Errorf("%s downloads the attachment: %d, want %d", c.who, status, c.want)
		}
		if c.want == 200 && !bytes.Equal(res, minimalPDF) {
			t.Errorf("%s downloads %d bytes, not the PDF", c.who, len(res))
		}
	}
}
