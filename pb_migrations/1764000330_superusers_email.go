package migrations

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// IT's accounts get the same e-mail index as employees' (see
// 1764000300_users_unique.go): unique whatever the case, and found
// whatever the case when IT signs in.

func init() {
	m.Register(func(app core.App) error {
		superusers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
		if err != nil {
			return err
		}
		var clashes []string
		err = app.DB().NewQuery("SELECT LOWER(email) FROM _superusers GROUP BY LOWER(email) HAVING COUNT(*) > 1").Column(&clashes)
		if err != nil {
			return fmt.Errorf("looking for IT addresses that differ only in case: %w", err)
		}
		if len(clashes) > 0 {
			return fmt.Errorf("deze e-mailadressen horen bij meer dan één IT-account (hoofdletters verschillen): %s; verwijder de dubbele accounts eerst in het dashboard", strings.Join(clashes, ", "))
		}
		if _, err := app.DB().NewQuery("UPDATE _superusers SET email = LOWER(email) WHERE email != LOWER(email)").Execute(); err != nil {
			return fmt.Errorf("storing IT addresses in lower case: %w", err)
		}
		for _, index := range superusers.Indexes {
			if strings.Contains(index, "idx_email_") {
				superusers.RemoveIndex(indexName(index))
			}
		}
		superusers.AddIndex("idx_email_"+superusers.Id, true, "`email` COLLATE NOCASE", "`email` != ''")
		return app.Save(superusers)
	}, func(app core.App) error {
		superusers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
		if err != nil {
			return err
		}
		superusers.RemoveIndex("idx_email_" + superusers.Id)
		superusers.AddIndex("idx_email_"+superusers.Id, true, "`email`", "`email` != ''")
		return app.Save(superusers)
	})
}
