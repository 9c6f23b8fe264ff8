package teams

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMentionKeys(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		want [][]string
	}{
		{"@Anna de Vries, kun je?", [][]string{{"anna de vries, kun je", "anna de vries, kun", "anna de vries", "anna de", "anna"}}},
		{"Vraag het @bram.", [][]string{{"bram"}}},
		{"(@Émile) en @Jan-Willem", [][]string{{"emile) en", "emile"}, {"jan-willem", "jan"}}},
		{"@Bo\nMeijer", [][]string{{"bo"}}},
		{"@@Bo", [][]string{{"bo"}}},
		{"mail anna@buurtplein.test", nil},
		{"@ Anna", nil},
		{"@", nil},
		{"@" + strings.Repeat("a", maxNameRunes+1), nil},
		{"@" + strings.Repeat("a", maxNameRunes), [][]string{{strings.Repeat("a", maxNameRunes)}}},
	}
	for _, c := range cases {
		if got := MentionKeys(c.text, 20); !slices.EqualFunc(got, c.want, slices.Equal) {
			t.Errorf("MentionKeys(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// TestFolderFoldsAsNameKey checks that folding a rune at a time gives the
// name_key of a name: what the mentions are looked up by.
func TestFolderFoldsAsNameKey(t *testing.T) {
	t.Parallel()
	names := []string{
		"Anna de Vries", "  Émile   Zoë\tvan  Dijk ", "Jan-Willem O'Brien", "İlkay Gündoğan", "Straße", "ǅemal",
		"Ångström", "Nguyễn Thị Minh Khai", "Ольга Петрова", "Σοφία", "ﬁona", "Bo\u00a0Meijer", "e\u0301le\u0300ve",
	}
	for _, name := range names {
		var folded []byte
		fold := folder{}
		for _, r := range name {
			folded = fold.append(folded, r)
		}
		if got, want := strings.TrimRight(string(folded), " "), NameKey(name); got != want {
			t.Errorf("%q folds to %q a rune at a time, %q as a whole", name, got, want)
		}
	}
}

// TestMentionKeysBounded checks that a text looks at no more than max
// mentions however many it holds, and each at no more than the longest
// name.
func TestMentionKeysBounded(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("@a b ", 4000)
	if got := MentionKeys(text, 20); len(got) != 20 {
		t.Fatalf("%d mentions looked at, want 20", len(got))
	}
	long := "@" + strings.Repeat("a ", 5000)
	got := MentionKeys(long, 20)
	if len(got) != 1 || len(got[0]) != maxNameRunes/2 {
		t.Fatalf("one mention of a long text has %d names, want %d", len(got[0]), maxNameRunes/2)
	}
}

// FuzzMentionKeys checks that any text gives at most max mentions, each a
// list of distinct non-empty names, longest first, none longer than a
// name can be.
func FuzzMentionKeys(f *testing.F) {
	f.Add("@Anna de Vries, kun je?")
	f.Add("@@@ @x@y @İstanbul @ﬁ @\u0301a")
	f.Add("a@b @\xff\xfe")
	f.Fuzz(func(t *testing.T, text string) {
		mentions := MentionKeys(text, 5)
		if len(mentions) > 5 {
			t.Fatalf("%d mentions, want at most 5", len(mentions))
		}
		for _, keys := range mentions {
			if len(keys) == 0 {
				t.Fatalf("a mention without names: %q", mentions)
			}
			for i, k := range keys {
				if k == "" || utf8.RuneCountInString(k) > 4*maxNameRunes || slices.Index(keys, k) != i {
					t.Fatalf("names %q of %q", keys, text)
				}
			}
		}
	})
}

// BenchmarkMentionKeys parses the worst body a post may have for
// mentions: 20,000 characters of one-letter words after "@" signs, so
// that each mention has the most names to fold.
func BenchmarkMentionKeys(b *testing.B) {
	text := strings.Repeat("@a b c d e f g h i j k l m n o p q r s t u v w x y z ", 400)[:20000]
	for b.Loop() {
		MentionKeys(text, 20)
	}
}
