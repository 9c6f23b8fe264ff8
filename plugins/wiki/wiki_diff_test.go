package wiki_test

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/wiki"
)

// rebuild returns the two texts a diff was made of: the lines (and words)
// that are not inserted, and those that are not deleted.
func rebuild(lines []wiki.Line) (string, string) {
	var from, to []string
	for _, l := range lines {
		switch l.Op {
		case wiki.OpEqual:
			from, to = append(from, l.Text), append(to, l.Text)
		case wiki.OpDelete:
			from = append(from, l.Text)
		case wiki.OpInsert:
			to = append(to, l.Text)
		case wiki.OpChange:
			var a, b strings.Builder
			for _, w := range l.Words {
				if w.Op != wiki.OpInsert {
					a.WriteString(w.Text)
				}
				if w.Op != wiki.OpDelete {
					b.WriteString(w.Text)
				}
			}
			from, to = append(from, a.String()), append(to, b.String())
		}
	}
	return strings.Join(from, "\n"), strings.Join(to, "\n")
}

// edits counts the lines of a diff that are not equal.
func edits(lines []wiki.Line) int {
	n := 0
	for _, l := range lines {
		if l.Op != wiki.OpEqual {
			n++
		}
	}
	return n
}

func TestDiffText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, a, b string
		want       []wiki.Line
	}{
		{"both empty", "", "", nil},
		{"added to an empty page", "", "Eerste regel", []wiki.Line{{Op: "insert", Text: "Eerste regel"}}},
		{"emptied", "Weg", "", []wiki.Line{{Op: "delete", Text: "Weg"}}},
		{"unchanged", "a\nb", "a\nb", []wiki.Line{{Op: "equal", Text: "a"}, {Op: "equal", Text: "b"}}},
		{"a line inserted", "a\nc", "a\nb\nc", []wiki.Line{{Op: "equal", Text: "a"}, {Op: "insert", Text: "b"}, {Op: "equal", Text: "c"}}},
		{"a line deleted", "a\nb\nc", "a\nc", []wiki.Line{{Op: "equal", Text: "a"}, {Op: "delete", Text: "b"}, {Op: "equal", Text: "c"}}},
		{"a word changed", "Was je handen.\nKlaar", "Was je handen goed.\nKlaar", []wiki.Line{
			{Op: "change", Words: []wiki.Word{{Op: "equal", Text: "Was je handen"}, {Op: "insert", Text: " goed"}, {Op: "equal", Text: "."}}},
			{Op: "equal", Text: "Klaar"},
		}},
		{"accents are letters", "cliënt komt", "cliënte komt", []wiki.Line{
			{Op: "change", Words: []wiki.Word{{Op: "delete", Text: "cliënt"}, {Op: "insert", Text: "cliënte"}, {Op: "equal", Text: " komt"}}},
		}},
		{"a trailing line break", "a", "a\n", []wiki.Line{{Op: "equal", Text: "a"}, {Op: "insert", Text: ""}}},
	}
	for _, c := range cases {
		got := wiki.DiffText(c.a, c.b)
		if !slices.EqualFunc(got, c.want, func(x, y wiki.Line) bool { return fmt.Sprint(x) == fmt.Sprint(y) }) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
		if a, b := rebuild(got); a != c.a || b != c.b {
			t.Errorf("%s: rebuilt %q and %q", c.name, a, b)
		}
	}
}

// TestDiffTextMinimal checks that the diff of a text with a few changed
// lines shows those lines alone, and that two texts that differ
// everywhere still give a diff both can be rebuilt from.
func TestDiffTextMinimal(t *testing.T) {
	t.Parallel()
	a := dutchText(rand.New(rand.NewPCG(1, 2)), 100_000)
	lines := strings.Split(a, "\n")
	for _, i := range []int{10, 200, 900} {
		lines[i] = "Gewijzigd: " + lines[i]
	}
	b := strings.Join(lines, "\n")
	diff := wiki.DiffText(a, b)
	if n := edits(diff); n != 3 {
		t.Errorf("%d lines not equal, want 3", n)
	}
	if x, y := rebuild(diff); x != a || y != b {
		t.Error("the diff of three changed lines does not rebuild both texts")
	}

	c := dutchText(rand.New(rand.NewPCG(3, 4)), 100_000)
	diff = wiki.DiffText(a, c)
	if x, y := rebuild(diff); x != a || y != c {
		t.Error("the diff of two different texts does not rebuild both")
	}
}

// dutchText returns about size bytes of lines of Dutch care words.
func dutchText(r *rand.Rand, size int) string {
	words := strings.Fields("de het een wond verband cliënt zorg team wijk protocol handen reinig noteer dossier huisarts " +
		"overleg week foto koorts pijn bezoek materialen schone desinfecteer wondverpleegkundige en of met van in op")
	var b strings.Builder
	for b.Len() < size {
		n := 3 + r.IntN(12)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[r.IntN(len(words))])
		}
		b.WriteString(".\n")
	}
	return b.String()
}

// FuzzDiff checks that any two texts give a diff both can be rebuilt from,
// and that a text diffed with itself is all equal.
func FuzzDiff(f *testing.F) {
	f.Add("Was je handen.\nKlaar", "Was je handen goed.\nKlaar")
	f.Add("", "a\n\nb")
	f.Add("a\r\nb\r\n", "a\nb\n")
	f.Add("één twee", "een twee")
	f.Add("\xff\xfe ongeldig", "\xff ongeldig")
	f.Fuzz(func(t *testing.T, a, b string) {
		diff := wiki.DiffText(a, b)
		if x, y := rebuild(diff); x != a || y != b {
			t.Fatalf("rebuilt %q and %q from %v", x, y, diff)
		}
		if same := wiki.DiffText(a, a); edits(same) != 0 {
			t.Fatalf("a text differs from itself: %v", same)
		}
	})
}

// linkPattern is what a wiki link is, written as a regular expression; the
// reference for FuzzLinks.
var linkPattern = regexp.MustCompile(`\[\[([a-z0-9]+(?:-[a-z0-9]+)*)\]\]`)

func TestLinks(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"Zie [[wondzorg]] en [[sleutels-en-codes]], en nog eens [[wondzorg]].":    {"wondzorg", "sleutels-en-codes"},
		"[[Wondzorg]] [[ wondzorg ]] [[wond|zorg]] [[-wond]] [[wond--zorg]] [[]]": nil,
		"[[[wondzorg]]] [[a]][[b]]": {"wondzorg", "a", "b"},
		"[[" + strings.Repeat("a", 81) + "]] [[" + strings.Repeat("b", 80) + "]]": {strings.Repeat("b", 80)},
		strings.Repeat("[[x ", 10000) + "]]":                                      nil,
	}
	for body, want := range cases {
		if got := wiki.Links(body); !slices.Equal(got, want) {
			t.Errorf("Links(%.40q) = %v, want %v", body, got, want)
		}
	}
}

// FuzzLinks checks Links against the regular expression of a link: the
// same slugs, each once, in order, at most MaxLinks, none over 80
// characters.
func FuzzLinks(f *testing.F) {
	f.Add("Zie [[wondzorg]] en [[sleutels-en-codes]].")
	f.Add("[[[a]]] [[b]][[c]] [[D]] [[e-]]")
	f.Add("[[a]" + "]]")
	f.Fuzz(func(t *testing.T, body string) {
		var want []string
		for _, m := range linkPattern.FindAllStringSubmatch(body, -1) {
			if len(m[1]) <= 80 && !slices.Contains(want, m[1]) && len(want) < wiki.MaxLinks {
				want = append(want, m[1])
			}
		}
		got := wiki.Links(body)
		if !slices.Equal(got, want) {
			t.Fatalf("Links(%q) = %v, want %v", body, got, want)
		}
		for _, slug := range got {
			if !wiki.ValidSlug(slug) || !strings.Contains(body, "[["+slug+"]]") {
				t.Fatalf("Links(%q) gave %q", body, slug)
			}
		}
	})
}

// BenchmarkDiff diffs two 100 kB bodies: a few changed lines (an edit) and
// two texts that differ everywhere (the budget's case).
func BenchmarkDiff(b *testing.B) {
	a := dutchText(rand.New(rand.NewPCG(1, 2)), 100_000)
	lines := strings.Split(a, "\n")
	for i := 0; i < len(lines); i += 100 {
		lines[i] = "Gewijzigd: " + lines[i]
	}
	edited := strings.Join(lines, "\n")
	other := dutchText(rand.New(rand.NewPCG(3, 4)), 100_000)

	b.Run("edited", func(b *testing.B) {
		for b.Loop() {
			wiki.DiffText(a, edited)
		}
	})
	b.Run("different", func(b *testing.B) {
		for b.Loop() {
			wiki.DiffText(a, other)
		}
	})
}

// TestBrokenLinks checks which links of a page lead nowhere: a page of its
// own wiki or of the organisation's is found, one of another team's is not.
func TestBrokenLinks(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	page, err := app.FindFirstRecordByData(wiki.PagesCollection, "slug", "werkafspraken")
	if err != nil {
		t.Fatal(err)
	}
	page.Set("body", page.GetString("body")+"\nZie ook [[bestaat-niet]] en [[inwerken]].")
	broken, err := wiki.BrokenLinks(app, page)
	if err != nil || !slices.Equal(broken, []string{"bestaat-niet"}) {
		t.Errorf("broken links %v (%v), want [bestaat-niet]", broken, err)
	}

	// from Schalkwijk's wiki, Haarlem-Noord's pages are not there
	page.Set("team", testapp.Id(t, app, "teams", "slug", "schalkwijk"))
	broken, err = wiki.BrokenLinks(app, page)
	if err != nil || !slices.Equal(broken, []string{"sleutels-en-codes", "bestaat-niet", "inwerken"}) {
		t.Errorf("broken links from Schalkwijk %v (%v)", broken, err)
	}
}
