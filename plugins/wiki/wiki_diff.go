package wiki

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The diff is Myers' O(ND) algorithm ("An O(ND) Difference Algorithm and
// Its Variations", 1986), written plainly: first over lines, then, for a
// line that changed, over its words. Its work grows with the size of the
// texts times the number of differences, so two 100 kB bodies that differ
// everywhere would take seconds; every diff therefore has a budget of
// steps ([diffBudget]). Past it the rest of a text is shown as deleted and
// inserted as a whole: still a correct diff (both texts can be rebuilt from
// it), only a less minimal one.
//
// No library: the diff-match-patch port (sergi/go-diff) diffs characters
// and bounds its work by a deadline, not by steps, and go-difflib is
// unmaintained and lines only; a line-then-word diff with a hard bound is
// this file.

// Diff operations of a [Line] and a [Word].
const (
	OpEqual  = "equal"
	OpDelete = "delete"
	OpInsert = "insert"
	OpChange = "change" // a line only: changed, shown word by word
)

// diffBudget bounds the steps of one diff (each step a comparison of two
// lines or words, or a step along a diagonal): a few ms on one core of
// a slow machine (BenchmarkDiff).
const diffBudget = 300_000

// maxEdits bounds the edits Myers' algorithm looks for in one script: its
// trace (the way back) holds about maxEdits² numbers, 4 MB at 1000.
const maxEdits = 1000

// Diff is the difference between two revisions of a page.
type Diff struct {
	From  int       `json:"from"`
	To    int       `json:"to"`
	Title TitleDiff `json:"title"`
	Lines []Line    `json:"lines"`
}

// TitleDiff holds a page's title in both revisions.
type TitleDiff struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Line is one line of a [Diff]: equal, deleted or inserted (Text), or
// changed (Words, the line's words and the spaces and punctuation between
// them, each equal, deleted or inserted).
type Line struct {
	Op    string
	Text  string
	Words []Word
}

// MarshalJSON writes a changed line as {"op": "change", "words": [...]} and
// any other as {"op", "text"}, an empty text included.
func (l Line) MarshalJSON() ([]byte, error) {
	if l.Op == OpChange {
		return json.Marshal(struct {
			Op    string `json:"op"`
			Words []Word `json:"words"`
		}{l.Op, l.Words})
	}
	return json.Marshal(struct {
		Op   string `json:"op"`
		Text string `json:"text"`
	}{l.Op, l.Text})
}

// UnmarshalJSON reads a line as [Line.MarshalJSON] writes it.
func (l *Line) UnmarshalJSON(data []byte) error {
	var v struct {
		Op    string `json:"op"`
		Text  string `json:"text"`
		Words []Word `json:"words"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*l = Line{Op: v.Op, Text: v.Text, Words: v.Words}
	return nil
}

// Word is one word (or run of spaces, or punctuation mark) of a changed
// [Line].
type Word struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// DiffText returns the line-and-word diff from text a to text b. Joining
// the lines of the result that are not inserted (of a changed line: its
// words that are not inserted) with "\n" gives a back, and likewise b.
func DiffText(a, b string) []Line {
	budget := diffBudget
	la, lb := splitLines(a), splitLines(b)
	ops := diffTokens(la, lb, &budget)

	var lines []Line
	for i := 0; i < len(ops); {
		if ops[i].op == OpEqual {
			lines = append(lines, Line{Op: OpEqual, Text: ops[i].text})
			i++
			continue
		}
		// a run of deletions and insertions: pair them up as changed
		// lines, in order, and keep the rest as they are
		var dels, ins []string
		for ; i < len(ops) && ops[i].op != OpEqual; i++ {
			if ops[i].op == OpDelete {
				dels = append(dels, ops[i].text)
			} else {
				ins = append(ins, ops[i].text)
			}
		}
		paired := min(len(dels), len(ins))
		if budget <= 0 {
			paired = 0 // no time left for words: whole lines
		}
		for k := 0; k < paired; k++ {
			if changed, ok := changedLine(dels[k], ins[k], &budget); ok {
				lines = append(lines, changed)
			} else {
				lines = append(lines, Line{Op: OpDelete, Text: dels[k]}, Line{Op: OpInsert, Text: ins[k]})
			}
		}
		for _, d := range dels[paired:] {
			lines = append(lines, Line{Op: OpDelete, Text: d})
		}
		for _, s := range ins[paired:] {
			lines = append(lines, Line{Op: OpInsert, Text: s})
		}
	}
	return lines
}

// changedLine diffs two lines word by word. It reports false when the
// lines have too little in common (less than a third of the longer one)
// for the words to read better than the two lines.
func changedLine(a, b string, budget *int) (Line, bool) {
	ops := diffTokens(splitWords(a), splitWords(b), budget)
	words := make([]Word, 0, len(ops))
	common := 0
	for _, o := range ops {
		if o.op == OpEqual {
			common += len(o.text)
		}
		// neighbours with the same op read better as one
		if n := len(words); n > 0 && words[n-1].Op == o.op {
			words[n-1].Text += o.text
			continue
		}
		words = append(words, Word{Op: o.op, Text: o.text})
	}
	if 3*common < max(len(a), len(b)) {
		return Line{}, false
	}
	return Line{Op: OpChange, Words: words}, true
}

// splitLines splits text into its lines; the empty text has none.
func splitLines(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

// splitWords splits a line into words (runs of letters and digits), runs
// of spaces, and single other characters; together they are the line.
func splitWords(line string) []string {
	var words []string
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		j := i + size
		switch {
		case isWordRune(r):
			for j < len(line) {
				r, size := utf8.DecodeRuneInString(line[j:])
				if !isWordRune(r) {
					break
				}
				j += size
			}
		case unicode.IsSpace(r):
			for j < len(line) {
				r, size := utf8.DecodeRuneInString(line[j:])
				if !unicode.IsSpace(r) {
					break
				}
				j += size
			}
		}
		words = append(words, line[i:j])
		i = j
	}
	return words
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// tokenOp is one token of a diff with its op.
type tokenOp struct {
	op   string
	text string
}

// diffTokens returns the edit script from a to b: their common prefix and
// suffix as equal, and Myers' shortest script for the middle while the
// budget lasts.
func diffTokens(a, b []string, budget *int) []tokenOp {
	prefix := 0
	for prefix < len(a) && prefix < len(b) && a[prefix] == b[prefix] {
		prefix++
	}
	suffix := 0
	for suffix < len(a)-prefix && suffix < len(b)-prefix && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	*budget -= prefix + suffix

	ops := make([]tokenOp, 0, len(a)+len(b))
	for _, t := range a[:prefix] {
		ops = append(ops, tokenOp{OpEqual, t})
	}
	ops = append(ops, myers(a[prefix:len(a)-suffix], b[prefix:len(b)-suffix], budget)...)
	for _, t := range a[len(a)-suffix:] {
		ops = append(ops, tokenOp{OpEqual, t})
	}
	return ops
}

// myers returns the shortest edit script from a to b, or, when the budget
// runs out first, all of a deleted and all of b inserted.
func myers(a, b []string, budget *int) []tokenOp {
	n, m := len(a), len(b)
	if n == 0 || m == 0 || *budget <= 0 {
		return replaceAll(a, b)
	}

	// compare small numbers, not strings: each distinct token gets one
	ia, ib := intern(a, b)
	*budget -= n + m

	max := n + m
	offset := max + 1
	v := make([]int, 2*max+3)
	// trace[d] is v as it was before round d, for the way back
	var trace [][]int32
	for d := 0; d <= max; d++ {
		*budget -= 2*d + 1
		if *budget <= 0 || d > maxEdits {
			return replaceAll(a, b)
		}
		snapshot := make([]int32, 2*d+3)
		for i := range snapshot {
			snapshot[i] = int32(v[offset-d-1+i])
		}
		trace = append(trace, snapshot)

		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[offset+k-1] < v[offset+k+1]) {
				x = v[offset+k+1] // down: an insertion
			} else {
				x = v[offset+k-1] + 1 // right: a deletion
			}
			y := x - k
			start := x
			for x < n && y < m && ia[x] == ib[y] {
				x++
				y++
			}
			*budget -= x - start
			v[offset+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace, d)
			}
		}
	}
	return replaceAll(a, b) // not reached: d = n + m always ends
}

// backtrack follows the trace of [myers] from the end back to the start
// and returns the script in order.
func backtrack(a, b []string, trace [][]int32, dEnd int) []tokenOp {
	x, y := len(a), len(b)
	rev := make([]tokenOp, 0, x+y)
	for d := dEnd; d > 0; d-- {
		v := trace[d] // v before round d: index k+d+1 holds diagonal k
		at := func(k int) int { return int(v[k+d+1]) }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, tokenOp{OpEqual, a[x]})
		}
		if x == prevX {
			y--
			rev = append(rev, tokenOp{OpInsert, b[y]})
		} else {
			x--
			rev = append(rev, tokenOp{OpDelete, a[x]})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, tokenOp{OpEqual, a[x]})
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// replaceAll is the script that deletes all of a and inserts all of b.
func replaceAll(a, b []string) []tokenOp {
	ops := make([]tokenOp, 0, len(a)+len(b))
	for _, t := range a {
		ops = append(ops, tokenOp{OpDelete, t})
	}
	for _, t := range b {
		ops = append(ops, tokenOp{OpInsert, t})
	}
	return ops
}

// intern numbers the distinct tokens of a and b.
func intern(a, b []string) ([]int, []int) {
	ids := make(map[string]int, len(a)+len(b))
	number := func(tokens []string) []int {
		out := make([]int, len(tokens))
		for i, t := range tokens {
			id, ok := ids[t]
			if !ok {
				id = len(ids)
				ids[t] = id
			}
			out[i] = id
		}
		return out
	}
	return number(a), number(b)
}
