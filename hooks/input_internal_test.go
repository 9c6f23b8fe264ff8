package hooks

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzCheckText feeds any text to the control character check, as a
// single-line and as a multi-line field: it refuses exactly the text that
// holds a control character (or, on one line, a line break or tab), and
// its error names the field.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"Wondzorg", "Wond\x00zorg", "regel\neen\r\n\ttwee", "\u0085", "kleur\x1b[31m", "Zorg für Ağaç ١٢٣ 🙂", "\x7f", "\u2028"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, multiLine bool) {
		forbidden := strings.ContainsFunc(s, func(r rune) bool {
			if r == '\n' || r == '\r' || r == '\t' {
				return !multiLine
			}
			return unicode.Is(unicode.Cc, r)
		})
		err := checkText("title", s, multiLine)
		if (err != nil) != forbidden {
			t.Fatalf("checkText(%q, multi-line %v) = %v, want refused %v", s, multiLine, err, forbidden)
		}
		if err != nil && !strings.Contains(err.Error(), `"title"`) {
			t.Fatalf("checkText(%q): %v does not name the field", s, err)
		}
	})
}
