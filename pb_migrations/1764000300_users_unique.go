package migrations

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Bram renamed himself "Anna de Vries" and posted to the organisation as
// her; "Anna@…" and "anna@…" could be two accounts. Names are now unique
// in a folded form (accents removed, lower case, white space collapsed),
// kept by plugins/teams in the hidden field name_key under a unique index,
// and e-mail addresses are stored in lower case under a unique index that
// ignores case, which also makes PocketBase look addresses up without
// regard to case when someone signs in.
//
// Colleagues who already share a name keep it: the later ones get a
// name_key that holds their id as well, until they are renamed. Accounts
// whose addresses differ only in case must be merged by IT first; the
// migration stops and names them.

func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}

		users.Fields.Add(&core.TextField{Name: "name_key", Hidden: true, Max: 400})
		if err := app.Save(users); err != nil {
			return err
		}
		if err := fillNameKeys(app); err != nil {
			return err
		}
		users.AddIndex("idx_users_name_key", true, "name_key", "name_key != ''")

		if err := lowerEmails(app); err != nil {
			return err
		}
		for _, index := range users.Indexes {
			if strings.Contains(index, "idx_email_") {
				users.RemoveIndex(indexName(index))
			}
		}
		users.AddIndex("idx_email__pb_users_auth_", true, "`email` COLLATE NOCASE", "`email` != ''")

		return app.Save(users)
	}, func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.RemoveIndex("idx_users_name_key")
		users.RemoveIndex("idx_email__pb_users_auth_")
		users.AddIndex("idx_email__pb_users_auth_", true, "`email`", "`email` != ''")
		users.Fields.RemoveByName("name_key")
		return app.Save(users)
	})
}

// fillNameKeys writes the folded name of every user, oldest account first;
// a name already taken gets "#" and the user's id after it.
func fillNameKeys(app core.App) error {
	var rows []struct {
		Id   string `db:"id"`
		Name string `db:"name"`
	}
	if err := app.DB().NewQuery("SELECT id, name FROM users ORDER BY created, id").All(&rows); err != nil {
		return fmt.Errorf("reading the names: %w", err)
	}
	taken := map[string]bool{}
	for _, row := range rows {
		key := foldName20251124(row.Name)
		if key != "" && taken[key] {
			key += "#" + row.Id
		}
		taken[key] = true
		if _, err := app.DB().Update("users", dbx.Params{"name_key": key}, dbx.HashExp{"id": row.Id}).Execute(); err != nil {
			return fmt.Errorf("writing the name key of %s: %w", row.Id, err)
		}
	}
	return nil
}

// lowerEmails stores every address in lower case, or stops when two
// accounts differ only in the case of their address.
func lowerEmails(app core.App) error {
	var clashes []string
	err := app.DB().NewQuery("SELECT LOWER(email) FROM users WHERE email != '' GROUP BY LOWER(email) HAVING COUNT(*) > 1").Column(&clashes)
	if err != nil {
		return fmt.Errorf("looking for addresses that differ only in case: %w", err)
	}
	if len(clashes) > 0 {
		sort.Strings(clashes)
		return fmt.Errorf("deze e-mailadressen horen bij meer dan één account (hoofdletters verschillen): %s; voeg die accounts eerst samen in het dashboard", strings.Join(clashes, ", "))
	}
	_, err = app.DB().NewQuery("UPDATE users SET email = LOWER(email) WHERE email != LOWER(email)").Execute()
	if err != nil {
		return fmt.Errorf("storing addresses in lower case: %w", err)
	}
	return nil
}

// indexName returns the name of a "CREATE [UNIQUE] INDEX name ON ..." statement.
func indexName(index string) string {
	fields := strings.Fields(index)
	for i, f := range fields {
		if strings.EqualFold(f, "INDEX") && i+1 < len(fields) {
			name := fields[i+1]
			if strings.EqualFold(name, "IF") && i+4 < len(fields) {
				name = fields[i+4]
			}
			return strings.Trim(name, "`\"[]")
		}
	}
	return ""
}

// foldName20251124 is the name folding of this migration, as it was on the
// day: accents removed, lower case, white space collapsed. plugins/teams
// (NameKey) folds every later save the same way.
func foldName20251124(name string) string {
	// lower case and decomposition can each bring out what the other
	// folds ("İ" lowers to "i" and a combining dot, "ℌ" decomposes to
	// "H"): repeat until nothing changes
	key := name
	for range 4 {
		stripAccents := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
		folded, _, err := transform.String(stripAccents, key)
		if err != nil {
			folded = key // invalid UTF-8 is refused by the text field anyway
		}
		folded = strings.ToLower(strings.Join(strings.Fields(folded), " "))
		if folded == key {
			break
		}
		key = folded
	}
	return key
}
