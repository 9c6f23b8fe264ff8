package regie_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf16"

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
	for _, want := range []string{"Gegevens van cliënt HN-7001", dutch, "huisarts", "Anna", "verslag.png", "Huisbezoek plannen", "pagina 1 van "} {
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
