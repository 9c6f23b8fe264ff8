package regie_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"buurtplein/plugins/audit"
	"buurtplein/plugins/regie"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// pdfText reads a PDF back with pdfcpu, validates it and returns the
// text of each page. The PDFs are written with the Go fonts as UTF-8
// fonts, whose shown strings are UTF-16 (the fonts map them to glyphs),
// so the text read back is the text the reader sees.
func pdfText(t *testing.T, data []byte) []string {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", data)
	}
	ctx, err := api.ReadContext(bytes.NewReader(data), model.NewDefaultConfiguration())
	if err != nil {
		t.Fatalf("pdfcpu cannot read the PDF: %v", err)
	}
	if err := api.ValidateContext(ctx); err != nil {
		t.Fatalf("pdfcpu finds the PDF invalid: %v", err)
	}
	if ctx.PageCount < 1 {
		t.Fatal("the PDF has no pages")
	}
	pages := make([]string, ctx.PageCount)
	for i := range pages {
		dict, _, _, err := ctx.PageDict(i+1, false)
		if err != nil {
			t.Fatal(err)
		}
		content, err := ctx.PageContent(dict, i+1)
		if err != nil {
			t.Fatal(err)
		}
		pages[i] = shownText(content)
	}
	return pages
}

// shownText returns the strings a content stream shows with Tj, one a
// line, decoded from UTF-16.
func shownText(content []byte) string {
	var out strings.Builder
	for i := 0; i < len(content); i++ {
		if content[i] != '(' {
			continue
		}
		var s []byte
		j := i + 1
		for ; j < len(content) && content[j] != ')'; j++ {
			if content[j] == '\\' && j+1 < len(content) {
				j++
				if content[j] == 'r' {
					s = append(s, '\r')
					continue
				}
			}
			s = append(s, content[j])
		}
		if bytes.HasPrefix(content[j+1:], []byte("Tj")) {
			units := make([]uint16, len(s)/2)
			for k := range units {
				units[k] = uint16(s[2*k])<<8 | uint16(s[2*k+1])
			}
			out.WriteString(string(utf16.Decode(units)))
			out.WriteByte('\n')
		}
		i = j
	}
	return out.String()
}

// TestPDFKeepsDutchText renders an export and a report of a client
// whose texts hold ë, é, ü, ĳ and an emoji, and
// reads them back: every letter is there, the emoji is a "?", every page
// says its number.
func TestPDFKeepsDutchText(t *testing.T) {
	t.Parallel()
	o := newRightsOrg(t)
	c := saveCase(t, o.app, o.haarlem, "HN-7001", o.anna)
	c.referral.Set("reason", dutch+" 😀")
	if err := o.app.Save(c.referral); err != nil {
		t.Fatal(err)
	}

	res, body := o.call(t, "GET", "/api/buurtplein/clients/"+c.client.Id+"/export?format=pdf", o.bramT, nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("export pdf: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	pages := pdfText(t, body)
	text := strings.Join(pages, "")
	for _, want := range []string{"Gegevens van cliënt HN-7001", dutch, "huisarts", "Anna de Vries", "conversations/" + c.conversation.Id + "/verslag_", "Huisbezoek plannen", "pagina 1 van "} {
		if !strings.Contains(text, want) {
			t.Errorf("the export's PDF lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(text, "reünie ?") {
		t.Errorf("the emoji is not a ?:\n%s", text)
	}

	res, body = o.call(t, "GET", "/api/buurtplein/clients/"+c.client.Id+"/access-report?format=pdf", o.annaT, nil)
	if res.StatusCode != 200 {
		t.Fatalf("access report pdf: %d %s", res.StatusCode, body)
	}
	text = strings.Join(pdfText(t, body), "")
	for _, want := range []string{"Toegangsrapport cliënt HN-7001", "afgedrukt", "Bram", "teamlid", "Haarlem-Noord", "pagina 1 van 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report's PDF lacks %q:\n%s", want, text)
		}
	}
}

// TestReportPDFRunsOverPages prints the report of a client with more
// accesses than a page holds, one of them naming many records: the table
// goes on over pages, each with its header, and every access is in it.
func TestReportPDFRunsOverPages(t *testing.T) {
	t.Parallel()
	o := newRightsOrg(t)
	c := saveCase(t, o.app, o.haarlem, "HN-7002", o.anna)
	actor := audit.SystemActor("test", "")
	many := strings.Repeat("referrals/abcdefghijklmno ", 70)
	for i := range 120 {
		entry := audit.Entry{Action: audit.ActionRead, Actor: actor, Team: o.haarlem, Client: c.client.Id,
			ClientCode: "HN-7002", Record: fmt.Sprintf("clients/%s #%03d", c.client.Id, i)}
		if i == 60 {
			entry.Record = many
		}
		if err := audit.Append(o.app, entry); err != nil {
			t.Fatal(err)
		}
	}
	report, err := regie.AccessReport(o.app, c.client.Id, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := report.PDF()
	if err != nil {
		t.Fatal(err)
	}
	pages := pdfText(t, data)
	if len(pages) < 3 {
		t.Fatalf("%d pages for %d accesses", len(pages), len(report.Entries))
	}
	for i, page := range pages[1:] {
		if !strings.Contains(page, "Wanneer\nWat\nWie") {
			t.Errorf("page %d has no header:\n%s", i+2, page)
		}
	}
	text := strings.Join(pages, "")
	for i := range 120 {
		if i != 60 && !strings.Contains(text, fmt.Sprintf("#%03d", i)) {
			t.Errorf("access %d is not in the report", i)
		}
	}
	if !strings.Contains(text, "…") {
		t.Error("the long cell is not cut")
	}
}
