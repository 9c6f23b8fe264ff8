package migrations

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// From now on every save refuses dates outside 1900-01-01 .. 2200-12-31
// and control characters in text (line breaks and tabs too in a text field
// with a Max of 500 or less). Values stored before would still travel into
// new records the server makes from them (a task's next occurrence, a
// notification quoting a title) and have those refused, so the stored data
// is brought within the same bounds once: control characters are removed
// (line breaks and tabs in single-line fields become spaces), and dates are
// moved to the nearest end of the range. The written SQL skips the record
// hooks, so nobody is notified of the change.

func init() {
	m.Register(func(app core.App) error {
		collections, err := app.FindAllCollections(core.CollectionTypeBase, core.CollectionTypeAuth)
		if err != nil {
			return err
		}
		for _, c := range collections {
			if c.System {
				continue
			}
			if err := cleanupInput(app, c); err != nil {
				return fmt.Errorf("%s: %w", c.Name, err)
			}
		}
		return nil
	}, nil)
}

func cleanupInput(app core.App, c *core.Collection) error {
	for _, field := range c.Fields {
		name := field.GetName()
		switch f := field.(type) {
		case *core.DateField:
			early := dbx.NewExp(fmt.Sprintf("[[%s]] != '' AND [[%s]] < '1900-01-01 00:00:00.000Z'", name, name))
			if _, err := app.DB().Update(c.Name, dbx.Params{name: "1900-01-01 00:00:00.000Z"}, early).Execute(); err != nil {
				return err
			}
			late := dbx.NewExp(fmt.Sprintf("[[%s]] > '2200-12-31 23:59:59.999Z'", name))
			if _, err := app.DB().Update(c.Name, dbx.Params{name: "2200-12-31 23:59:59.999Z"}, late).Execute(); err != nil {
				return err
			}
		case *core.TextField:
			if err := cleanupText(app, c.Name, name, f.Max > 0 && f.Max <= 500); err != nil {
				return err
			}
		case *core.EditorField:
			if err := cleanupText(app, c.Name, name, false); err != nil {
				return err
			}
		case *core.EmailField, *core.URLField:
			if err := cleanupText(app, c.Name, name, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// cleanupText removes control characters from one text column, reading
// the rows one at a time: post bodies may add up to more than fits in
// memory comfortably.
func cleanupText(app core.App, table, column string, singleLine bool) error {
	rows, err := app.DB().Select("id", column).From(table).Where(dbx.NewExp("[[" + column + "]] != ''")).Rows()
	if err != nil {
		return err
	}
	cleaned := map[string]string{}
	for rows.Next() {
		var id, value string
		if err := rows.Scan(&id, &value); err != nil {
			rows.Close()
			return err
		}
		if clean := withoutControls(value, singleLine); clean != value {
			cleaned[id] = clean
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}

	for id, clean := range cleaned {
		if _, err := app.DB().Update(table, dbx.Params{column: clean}, dbx.HashExp{"id": id}).Execute(); err != nil {
			return err
		}
	}
	return nil
}

// withoutControls drops the control characters of s; line breaks and tabs
// become spaces in a single-line field and stay in running text.
func withoutControls(s string, singleLine bool) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			if singleLine {
				return ' '
			}
			return r
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}
