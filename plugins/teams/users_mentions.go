package teams

import (
	"fmt"
	"iter"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// maxNameRunes is the longest name an employee can have (users.name), so
// the longest text after an "@" that can be a name.
const maxNameRunes = 120

// MentionKeys returns, for each of the first max mentions in text, the
// names it may stand for, longest first, each folded as names are
// compared in the organisation ([NameKey]: case, accents and spaces
// do not count). A mention is an "@" at the start of the text or after a
// character that is no letter or digit (so an e-mail address is none),
// followed by a letter or digit; it may stand for the text after the "@"
// up to any end of a word, within [maxNameRunes] and the line, before the
// next "@": "@Anna de Vries, kun je" stands for "anna de vries, kun je",
// ..., "anna de vries", "anna de" and "anna", and the longest that is a
// colleague's name wins.
func MentionKeys(text string, max int) [][]string {
	var mentions [][]string
	fold := folder{}
	for rest := range MentionsIn(text) {
		if len(mentions) == max {
			break
		}
		if keys := nameKeysAfter(rest, fold); len(keys) > 0 {
			mentions = append(mentions, keys)
		}
	}
	return mentions
}

// nameKeysAfter returns the folded names the start of rest may be,
// longest first: rest up to each end of a word within maxNameRunes runes.
// It folds rest once, rune by rune (see [folder]), and takes each name
// from the folded text so far.
func nameKeysAfter(rest string, fold folder) []string {
	first, _ := utf8.DecodeRuneInString(rest)
	if !IsWordRune(first) {
		return nil
	}
	var keys []string
	var folded []byte
	for end, runes := 0, 0; end < len(rest) && runes < maxNameRunes; runes++ {
		r, size := utf8.DecodeRuneInString(rest[end:])
		if r == '\n' || r == '@' {
			break // a name is one line, and another mention starts
		}
		end += size
		folded = fold.append(folded, r)
		next, _ := utf8.DecodeRuneInString(rest[end:])
		if !IsWordRune(r) || (end < len(rest) && IsWordRune(next)) {
			continue // a name ends with a letter or digit, at the end of a word
		}
		if key := strings.TrimRight(string(folded), " "); key != "" && !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
	}
	slices.Reverse(keys)
	return keys
}

// folder folds text as [NameKey] folds a name (accents removed,
// lower case, runs of white space one space), a rune at a time, so that
// the names a mention may stand for cost one pass over it instead of one
// fold each. It remembers the runes beyond ASCII it folded. For the
// letters of names (Latin, Greek, Cyrillic) a rune at a time folds as the
// whole name does.
type folder map[rune]string

// append appends the fold of r to folded, which holds folded text.
func (f folder) append(folded []byte, r rune) []byte {
	var s string
	switch {
	case unicode.IsSpace(r):
		s = " "
	case r < utf8.RuneSelf:
		return append(folded, byte(unicode.ToLower(r)))
	default:
		var ok bool
		if s, ok = f[r]; !ok {
			s = NameKey(string(r))
			f[r] = s
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && (len(folded) == 0 || folded[len(folded)-1] == ' ') {
			continue
		}
		folded = append(folded, s[i])
	}
	return folded
}

// MentionsIn yields, for each "@" in text that may start a mention (at
// the start of the text or after a character that is no letter or
// digit, so an e-mail address has none), the text after it.
func MentionsIn(text string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := 0; i < len(text); {
			at := strings.IndexByte(text[i:], '@')
			if at < 0 {
				return
			}
			at += i
			i = at + 1
			if before, _ := utf8.DecodeLastRuneInString(text[:at]); at > 0 && IsWordRune(before) {
				continue
			}
			if !yield(text[at+1:]) {
				return
			}
		}
	}
}

// IsWordRune reports whether r is part of a word: a letter, a digit or a
// combining mark.
func IsWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
}

// Mentioned returns the ids of the colleagues text mentions ("@Name"), each
// once, in the order of their first mention, looking at the first max
// mentions. A mention names the colleague whose name is the longest it
// may stand for. With among given, only those colleagues can be named
// (the members of a chat channel); nil means anyone.
func Mentioned(app core.App, text string, max int, among []string) ([]string, error) {
	mentions := MentionKeys(text, max)
	if len(mentions) == 0 || (among != nil && len(among) == 0) {
		return nil, nil
	}
	var keys []any
	for _, m := range mentions {
		for _, k := range m {
			keys = append(keys, k)
		}
	}

	q := app.DB().Select("id", NameKeyField).
		From(hooks.UsersCollection).
		Where(dbx.In(NameKeyField, keys...))
	if among != nil {
		ids := make([]any, len(among))
		for i, id := range among {
			ids[i] = id
		}
		q.AndWhere(dbx.In("id", ids...))
	}
	var rows []struct {
		Id  string `db:"id"`
		Key string `db:"name_key"`
	}
	if err := q.All(&rows); err != nil {
		return nil, fmt.Errorf("looking up mentioned names: %w", err)
	}
	byKey := make(map[string]string, len(rows))
	for _, r := range rows {
		byKey[r.Key] = r.Id
	}

	var ids []string
	for _, m := range mentions {
		for _, k := range m {
			if id, ok := byKey[k]; ok {
				if !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
				break
			}
		}
	}
	return ids, nil
}
