package search

import (
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"buurtplein/hooks"
)

// maxQueryBytes bounds the query before it is read rune by rune: 200
// characters of four bytes each.
const maxQueryBytes = 4 * MaxQueryRunes

// Terms are the words of a query, each matched as a prefix.
type Terms []string

// ParseQuery returns the words of q, or an error with a code for a query
// that is empty, too long or has too many words. Only letters, digits and
// the marks that follow them make a word; everything else (quotes, *, -,
// parentheses, colons) separates words, so FTS syntax in a query is text.
// A query of punctuation alone has no words and no error.
func ParseQuery(q string) (Terms, error) {
	if len(q) > maxQueryBytes || utf8.RuneCountInString(q) > MaxQueryRunes {
		return nil, hooks.Err(http.StatusBadRequest, "search_query_too_long", hooks.Params{"max": MaxQueryRunes},
			"De zoekvraag is te lang. Zoek met ten hoogste 200 tekens.")
	}
	if strings.TrimSpace(q) == "" {
		return nil, hooks.Err(http.StatusBadRequest, "search_query_required", nil,
			"Typ een of meer woorden om te zoeken.")
	}

	var terms Terms
	seen := map[string]bool{}
	var word strings.Builder
	flush := func() {
		w := word.String()
		word.Reset()
		if w == "" || seen[w] {
			return
		}
		seen[w] = true
		terms = append(terms, w)
	}
	for _, r := range strings.ToValidUTF8(q, " ") {
		if len(terms) > MaxTerms {
			break // too many already: no need to read further
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			word.WriteRune(r)
		case unicode.IsMark(r) && word.Len() > 0:
			word.WriteRune(r) // a combining accent belongs to its letter
		default:
			flush()
		}
	}
	flush()

	if len(terms) > MaxTerms {
		return nil, hooks.Err(http.StatusBadRequest, "search_query_too_many_words", hooks.Params{"max": MaxTerms},
			"De zoekvraag heeft te veel woorden. Zoek met ten hoogste 8 woorden.")
	}
	return terms, nil
}

// Match returns the FTS5 query of the terms: every term a quoted string,
// a prefix when it is longer than one character ("wond" finds
// "wondzorg"), all of them required, in a title or a text (never in the
// tags). A term holds letters, digits and marks only, so the quotes hold
// it whole.
func (t Terms) Match() string {
	parts := make([]string, len(t))
	for i, term := range t {
		if utf8.RuneCountInString(term) > 1 {
			parts[i] = `"` + term + `"*`
		} else {
			parts[i] = `"` + term + `"`
		}
	}
	return "{title body} : (" + strings.Join(parts, " AND ") + ")"
}

// Segment is a piece of a snippet: text, and whether it matched.
type Segment struct {
	Text string `json:"text"`
	Hit  bool   `json:"hit"`
}
