package wiki

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// maxSlug is the longest slug (the migration's Max of wiki_pages.slug).
const maxSlug = 80

// MaxLinks bounds how many distinct links [Links] returns for one body.
const MaxLinks = 500

// slugPattern is the format of a page's slug (the migration's pattern of
// wiki_pages.slug, kept the same).
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether slug has the format of a page's slug: lower
// case letters and digits in groups joined by single hyphens, at most 80
// characters.
func ValidSlug(slug string) bool {
	return len(slug) <= maxSlug && slugPattern.MatchString(slug)
}

// Links returns the slugs of the wiki links ("[[wondzorg]]") in body, each
// once, in the order of their first appearance, at most [MaxLinks]. Only a
// valid slug between the brackets makes a link: "[[Wondzorg]]", "[[ a ]]"
// and "[[a|b]]" are text. A link goes to the page with that slug in the
// same wiki, else in the organisation's.
func Links(body string) []string {
	var slugs []string
	seen := map[string]bool{}
	for i := 0; len(slugs) < MaxLinks; {
		j := strings.Index(body[i:], "[[")
		if j < 0 {
			break
		}
		// a slug is short: look no further than its longest for "]]", so a
		// body of many "[[" costs a bounded step each
		start := i + j + 2
		end := start
		for end < len(body) && end-start <= maxSlug && isSlugByte(body[end]) {
			end++
		}
		if !strings.HasPrefix(body[end:], "]]") || !ValidSlug(body[start:end]) {
			i += j + 1 // "[[[a]]" links a: try the next "[" as an opening
			continue
		}
		if slug := body[start:end]; !seen[slug] {
			seen[slug] = true
			slugs = append(slugs, slug)
		}
		i = end + 2
	}
	return slugs
}

func isSlugByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
}

// BrokenLinks returns the slugs of the links in page's body that lead to no
// page: none with that slug in the page's wiki nor in the organisation's.
func BrokenLinks(app core.App, page *core.Record) ([]string, error) {
	var broken []string
	for _, slug := range Links(page.GetString("body")) {
		var n int
		err := app.DB().Select("count(*)").From(PagesCollection).
			Where(dbx.HashExp{"slug": slug}).
			AndWhere(dbx.In("team", page.GetString("team"), "")).Row(&n)
		if err != nil {
			return nil, fmt.Errorf("link [[%s]]: %w", slug, err)
		}
		if n == 0 {
			broken = append(broken, slug)
		}
	}
	return broken, nil
}
