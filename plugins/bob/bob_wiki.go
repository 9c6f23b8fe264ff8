package bob

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"buurtplein/hooks"
	"buurtplein/plugins/wiki"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// maxSlugBase is how long the part of a slug made from a title may be,
// leaving room in the slug's 80 characters for a "-2" that makes it
// unique.
const maxSlugBase = 72

// wikiRoute handles POST /api/buurtplein/questions/{id}/wiki {title, body}:
// BOB staff turn an answer into a page of the organisation's wiki, so the
// advice is not given twice. The page (with its first revision, by the
// caller) and the question's wiki_page land in one transaction. A question
// has one page: a second is a 409. Its answer is the page.
func (p *plugin) wikiRoute(e *core.RequestEvent) error {
	actor := requestActor(e)
	staff, err := hooks.IsBOBStaff(e.App, actor)
	if err != nil {
		return err
	}
	if !staff {
		return hooks.Err(http.StatusForbidden, "bob_staff_only", nil,
			"Alleen medewerkers van BOB maken van een antwoord een wikipagina.")
	}
	question, err := e.App.FindRecordById(QuestionsCollection, e.Request.PathValue("id"))
	if errors.Is(err, sql.ErrNoRows) {
		return questionNotFound()
	}
	if err != nil {
		return err
	}

	var body struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	}
	if err := e.BindBody(&body); err != nil {
		return hooks.Err(http.StatusBadRequest, "bob_wiki_invalid", nil,
			"Stuur een titel en een tekst voor de wikipagina (JSON: title, body).")
	}

	var page *core.Record
	err = e.App.RunInTransaction(func(txApp core.App) error {
		q, err := txApp.FindRecordById(QuestionsCollection, question.Id)
		if err != nil {
			return err
		}
		if q.GetString("wiki_page") != "" {
			return hooks.Err(http.StatusConflict, "bob_question_has_wiki_page", hooks.Params{"page": q.GetString("wiki_page")},
				"Van deze vraag is al een wikipagina gemaakt.")
		}
		pages, err := txApp.FindCachedCollectionByNameOrId(wiki.PagesCollection)
		if err != nil {
			return err
		}
		page = core.NewRecord(pages)
		page.Set("team", "")
		page.Set("title", body.Title)
		page.Set("body", body.Body)
		slug, err := freeSlug(txApp, body.Title)
		if err != nil {
			return err
		}
		page.Set("slug", slug)
		if err := wiki.SaveAs(txApp, page, actor); err != nil {
			return err
		}
		q.Set("wiki_page", page.Id)
		return txApp.Save(q)
	})
	if err != nil {
		return err
	}
	if err := apis.EnrichRecord(e, page); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, page)
}

func questionNotFound() error {
	return hooks.Err(http.StatusNotFound, "bob_question_not_found", nil,
		"Deze vraag bestaat niet (meer).")
}

// freeSlug returns a slug made from title that no page of the
// organisation's wiki has yet: the title's words in lower case ASCII
// joined by hyphens, with "-2", "-3"… when taken ("vraag" for a title
// without letters or digits).
func freeSlug(app core.App, title string) (string, error) {
	base := Slug(title)
	for n := 1; n < 1000; n++ {
		slug := base
		if n > 1 {
			slug = base + "-" + strconv.Itoa(n)
		}
		var taken int
		err := app.DB().Select("count(*)").From(wiki.PagesCollection).
			Where(dbx.HashExp{"team": "", "slug": slug}).Row(&taken)
		if err != nil {
			return "", fmt.Errorf("slug %q: %w", slug, err)
		}
		if taken == 0 {
			return slug, nil
		}
	}
	return "", fmt.Errorf("no free slug for %q", base)
}

// foldings are the letters a slug writes without their accents.
var foldings = strings.NewReplacer(
	"á", "a", "à", "a", "ä", "a", "â", "a", "å", "a", "ã", "a",
	"é", "e", "è", "e", "ë", "e", "ê", "e",
	"í", "i", "ì", "i", "ï", "i", "î", "i", "ĳ", "ij",
	"ó", "o", "ò", "o", "ö", "o", "ô", "o", "ø", "o", "õ", "o",
	"ú", "u", "ù", "u", "ü", "u", "û", "u",
	"ç", "c", "ñ", "n", "ß", "ss", "æ", "ae", "œ", "oe", "ÿ", "y",
)

// Slug returns title as a wiki slug: lower case letters a–z and digits,
// words joined by single hyphens, at most 72 characters, cut at a word;
// "vraag" when nothing of title is left.
func Slug(title string) string {
	s := foldings.Replace(strings.ToLower(title))
	var b strings.Builder
	hyphen := false
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			if b.Len() > maxSlugBase {
				break
			}
			continue
		}
		hyphen = true
	}
	slug := b.String()
	if len(slug) > maxSlugBase {
		slug = slug[:maxSlugBase]
		if i := strings.LastIndexByte(slug, '-'); i > 0 {
			slug = slug[:i]
		}
	}
	slug = strings.Trim(slug, "-")
	if slug == "" {
		return "vraag"
	}
	return slug
}
