package wiki

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"buurtplein/hooks"

	"github.com/gabriel-vasile/mimetype"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// Limits of a page, as the migration sets them on its fields; checked
// first here so the answer is a Dutch one with a code.
const (
	MaxTitle = 200
	MaxBody  = 100_000

	// MaxDepth is how deep pages nest: a page and its parents.
	MaxDepth = 20
)

// validatePage holds the rules every save of a page meets, whoever makes
// it (the record API, a batch, the dashboard, Go code).
func validatePage(e *core.RecordEvent) error {
	page := e.Record
	checks := []func(core.App, *core.Record) error{checkText, checkSlug, checkParent, checkFlags, checkAttachments}
	for _, check := range checks {
		if err := check(e.App, page); err != nil {
			return err
		}
	}
	return e.Next()
}

func checkText(_ core.App, page *core.Record) error {
	if strings.TrimSpace(page.GetString("title")) == "" {
		return hooks.FieldError("title", "wiki_title_required", "Geef de pagina een titel.")
	}
	if utf8.RuneCountInString(page.GetString("title")) > MaxTitle {
		return hooks.FieldError("title", "wiki_title_too_long",
			fmt.Sprintf("De titel is te lang: ten hoogste %d tekens.", MaxTitle), hooks.Params{"max": MaxTitle})
	}
	if utf8.RuneCountInString(page.GetString("body")) > MaxBody {
		return hooks.FieldError("body", "wiki_body_too_long",
			fmt.Sprintf("De tekst is te lang: ten hoogste %d tekens. Verdeel hem over meer pagina's.", MaxBody), hooks.Params{"max": MaxBody})
	}
	return nil
}

// checkSlug refuses a slug of the wrong format or one another page of the
// same wiki has.
func checkSlug(app core.App, page *core.Record) error {
	slug := page.GetString("slug")
	if !ValidSlug(slug) {
		return hooks.FieldError("slug", "wiki_slug_format",
			"Het korte adres (slug) bestaat uit kleine letters en cijfers, met losse streepjes ertussen, zoals \"wondzorg-thuis\" (ten hoogste 80 tekens).")
	}
	var n int
	err := app.DB().Select("count(*)").From(PagesCollection).
		Where(dbx.HashExp{"team": page.GetString("team"), "slug": slug}).
		AndWhere(dbx.Not(dbx.HashExp{"id": page.Id})).Row(&n)
	if err != nil {
		return fmt.Errorf("slug %q: %w", slug, err)
	}
	if n > 0 {
		return hooks.FieldError("slug", "wiki_slug_taken",
			fmt.Sprintf("Er is in deze wiki al een pagina met het adres %q. Kies een ander.", slug), hooks.Params{"slug": slug})
	}
	return nil
}

// checkParent refuses a parent that does not exist, is in another wiki,
// or lies below the page itself (a loop), and nesting past [MaxDepth].
func checkParent(app core.App, page *core.Record) error {
	parentId := page.GetString("parent")
	for depth := 1; parentId != ""; depth++ {
		if parentId == page.Id {
			return hooks.FieldError("parent", "wiki_parent_loop",
				"Een pagina kan niet onder zichzelf of onder een van haar eigen onderliggende pagina's staan.")
		}
		if depth >= MaxDepth {
			return hooks.FieldError("parent", "wiki_parent_too_deep",
				fmt.Sprintf("Pagina's nesten ten hoogste %d niveaus diep. Kies een hoger gelegen bovenliggende pagina.", MaxDepth),
				hooks.Params{"max": MaxDepth})
		}
		var parent struct {
			Team   string `db:"team"`
			Parent string `db:"parent"`
		}
		err := app.DB().Select("team", "parent").From(PagesCollection).
			Where(dbx.HashExp{"id": parentId}).One(&parent)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return hooks.FieldError("parent", "wiki_parent_unknown",
				"De bovenliggende pagina bestaat niet (meer). Kies een andere.")
		case err != nil:
			return fmt.Errorf("parent %s: %w", parentId, err)
		}
		if depth == 1 && parent.Team != page.GetString("team") {
			return hooks.FieldError("parent", "wiki_parent_other_wiki",
				"De bovenliggende pagina hoort bij een andere wiki. Kies een pagina uit dezelfde wiki.")
		}
		parentId = parent.Parent
	}
	return nil
}

// checkFlags keeps protocols and must-reads to the organisation's wiki and
// sharing to a team's.
func checkFlags(_ core.App, page *core.Record) error {
	if page.GetString("team") != "" {
		for _, field := range []string{"protocol", "must_read"} {
			if page.GetBool(field) {
				return orgOnly(field)
			}
		}
		if page.GetString("must_read_team") != "" {
			return orgOnly("must_read_team")
		}
	} else if page.GetBool("shared") {
		return hooks.FieldError("shared", "wiki_shared_team_only",
			"Alleen een pagina van een teamwiki kan met de organisatie worden gedeeld; de organisatiewiki lezen al alle collega's.")
	}
	if page.GetBool("must_read") && !page.GetBool("protocol") {
		return hooks.FieldError("must_read", "wiki_must_read_protocol",
			"Alleen een protocol kan verplicht te lezen zijn. Markeer de pagina eerst als protocol.")
	}
	if page.GetString("must_read_team") != "" && !page.GetBool("must_read") {
		return hooks.FieldError("must_read_team", "wiki_must_read_team",
			"Kies een team dat het protocol moet lezen alleen bij een protocol dat verplicht te lezen is.")
	}
	return nil
}

func orgOnly(field string) error {
	return hooks.FieldError(field, "wiki_org_only",
		"Protocollen en verplicht te lezen pagina's staan in de organisatiewiki, niet in de wiki van een team.",
		hooks.Params{"field": field})
}

// checkAttachments lets only PDFs and images be attached: a file that is
// not an image (images have the checks hooks binds for every file field)
// must begin as a PDF does.
func checkAttachments(_ core.App, page *core.Record) error {
	for _, file := range page.GetUnsavedFiles("attachments") {
		if file == nil || file.Reader == nil {
			continue
		}
		head, err := readHead(file.Reader)
		if err != nil {
			return hooks.FieldError("attachments", "wiki_attachment_unreadable",
				fmt.Sprintf("Het bestand %q kon niet gelezen worden. Probeer het opnieuw.", file.OriginalName),
				hooks.Params{"name": file.OriginalName})
		}
		if strings.HasPrefix(mimetype.Detect(head).String(), "image/") {
			continue
		}
		if !bytes.HasPrefix(head, []byte("%PDF-")) {
			return hooks.FieldError("attachments", "wiki_attachment_type",
				fmt.Sprintf("%q is geen PDF of afbeelding. Voeg een PDF, JPG, PNG, GIF of WebP toe.", file.OriginalName),
				hooks.Params{"name": file.OriginalName})
		}
	}
	return nil
}

// readHead reads the first 3 kB of a file, what PocketBase sniffs its type
// from.
func readHead(reader filesystem.FileReader) ([]byte, error) {
	f, err := reader.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, 3072)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return head[:n], nil
}
