package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// snippetWords is how many words a snippet shows around its hits.
const snippetWords = 16

// snippetScan is how much of a text a snippet looks for hits in: a long
// page's first 20,000 bytes (its hits further on still rank it).
const snippetScan = 20000

// fold returns s in lower case without accents, as the index's tokenizer
// (unicode61, remove_diacritics 2) compares words: "Cliënt" is "client".
func fold(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// folded returns the terms folded, as [fold] does.
func (t Terms) folded() []string {
	out := make([]string, len(t))
	for i, term := range t {
		out[i] = fold(term)
	}
	return out
}

// matches reports whether word (folded) is found by one of terms: a term
// of more than one character begins it, one of one character is it.
func matches(word string, terms []string) bool {
	for _, t := range terms {
		if word == t || (utf8.RuneCountInString(t) > 1 && strings.HasPrefix(word, t)) {
			return true
		}
	}
	return false
}

// span is a word of a text, by byte offsets.
type span struct {
	start, end int
	hit        bool
}

// words splits text into its words (letters and digits and the marks
// that follow them, as [ParseQuery] reads a query) and marks the ones the
// terms find.
func words(text string, terms []string) []span {
	var out []span
	start := -1
	flush := func(end int) {
		if start >= 0 {
			out = append(out, span{start: start, end: end, hit: matches(fold(text[start:end]), terms)})
			start = -1
		}
	}
	for i, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			if start < 0 {
				start = i
			}
		case unicode.IsMark(r) && start >= 0:
		default:
			flush(i)
		}
	}
	flush(len(text))
	return out
}

// snippet returns the part of text with the most hits of terms (folded),
// at most [snippetWords] words, as segments: the hits marked, "…" where
// the text goes on. It is text, never HTML.
func snippet(text string, terms []string) []Segment {
	if len(text) > snippetScan {
		cut := snippetScan
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	ws := words(text, terms)
	if len(ws) == 0 {
		return []Segment{}
	}

	// the window of snippetWords words with the most hits, the first of them
	from, best, n := 0, -1, 0
	for i := range ws {
		if ws[i].hit {
			n++
		}
		if i >= snippetWords && ws[i-snippetWords].hit {
			n--
		}
		if i >= snippetWords-1 || i == len(ws)-1 {
			if n > best {
				best, from = n, max(0, i-snippetWords+1)
			}
		}
	}
	// start a little before the first hit, so it has some context
	if best > 0 {
		for from < len(ws) && !ws[from].hit {
			from++
		}
		from = max(0, from-3)
	}
	to := min(len(ws), from+snippetWords)
	window := ws[from:to]

	start := window[0].start
	if from == 0 {
		start = 0
	}
	end := window[len(window)-1].end
	if to == len(ws) {
		end = len(text)
	}

	var out []Segment
	add := func(s string, hit bool) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Hit == hit {
			out[n-1].Text += s
			return
		}
		out = append(out, Segment{Text: s, Hit: hit})
	}
	if from > 0 {
		add("…", false)
	}
	pos := start
	for _, w := range window {
		if w.hit {
			add(text[pos:w.start], false)
			add(text[w.start:w.end], true)
			pos = w.end
		}
	}
	add(text[pos:end], false)
	if to < len(ws) {
		add("…", false)
	}
	return out
}
