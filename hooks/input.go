package hooks

import (
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/pocketbase/pocketbase/core"
)

// The dates any date field accepts. Outside them a date is a typing error
// or an attack: year 10000 cannot be written back (a recurring task due
// 9999-12-31 came back with an empty due date) and years before time zones
// come back in local mean time (0001-01-01 00:00:01Z as 02:59:33Z).
var (
	MinDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxDate = time.Date(2200, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

// SingleLineMax is the largest Max of a text field that holds one line
// (a name, a title): such a field refuses line breaks and tabs too.
// Editor fields and text fields with a larger or no Max hold running text.
const SingleLineMax = 500

const inputStoreKey = "buurtplein.inputGuard"

var inputBindMu sync.Mutex

// GuardInput binds the framework's input rules to app, once however often
// it is called. Every save of a record of any collection (record API,
// batch, dashboard, import, Go code calling app.Save) must then keep:
//
//   - every date field (not the server-set autodate ones) between [MinDate]
//     and [MaxDate];
//   - every text, editor, e-mail and URL field free of control characters
//     (Unicode Cc) other than line breaks and tabs, and single-line text
//     fields (see [SingleLineMax]) free of those as well;
//   - every new file that is, or claims to be, an image decodable by the
//     server within [MaxImagePixels] and [MaxImageSide] (see [CheckImage]);
//
// and a thumbnail is made only of a stored image within those limits.
//
// The rules check new and changed values; a value stored before them is
// left alone until it changes. app.SaveNoValidate skips them, as it skips
// every other validation.
func GuardInput(app core.App) {
	inputBindMu.Lock()
	defer inputBindMu.Unlock()

	if app.Store().Has(inputStoreKey) {
		return
	}
	app.Store().Set(inputStoreKey, true)

	// PocketBase's own validation (required, sizes, allowed types) runs
	// first, so ours only sees values that passed it
	app.OnRecordValidate().BindFunc(func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if err := checkFields(e.Record); err != nil {
			return err
		}
		return checkNewImages(e.Record)
	})
	bindThumbGuard(app)
}

// checkFields returns a 400 naming the first date or text field of record
// whose new or changed value breaks the input rules.
func checkFields(record *core.Record) error {
	original := record.Original()
	for _, field := range record.Collection().Fields {
		name := field.GetName()
		switch f := field.(type) {
		case *core.DateField:
			date := record.GetDateTime(name)
			if date.IsZero() || (!record.IsNew() && date.Equal(original.GetDateTime(name))) {
				continue
			}
			if !DateInRange(date.Time()) {
				return FieldError(name, "date_out_of_range",
					fmt.Sprintf("Kies bij %q een datum tussen 1 januari 1900 en 31 december 2200.", name), Params{"field": name})
			}
		case *core.TextField, *core.EditorField, *core.EmailField, *core.URLField:
			value := record.GetString(name)
			if value == "" || (!record.IsNew() && value == original.GetString(name)) {
				continue
			}
			if err := checkText(name, value, isMultiLine(f)); err != nil {
				return err
			}
		}
	}
	return nil
}

// DateInRange reports whether t lies between [MinDate] and [MaxDate].
func DateInRange(t time.Time) bool {
	return !t.Before(MinDate) && !t.After(MaxDate)
}

// isMultiLine reports whether a field holds running text, where line
// breaks and tabs belong.
func isMultiLine(field core.Field) bool {
	switch f := field.(type) {
	case *core.EditorField:
		return true
	case *core.TextField:
		return f.Max == 0 || f.Max > SingleLineMax // 0 is PocketBase's default of 5000
	}
	return false
}

// checkText returns a 400 naming field when value holds a control
// character, or a line break or tab where multiLine is false.
func checkText(field, value string, multiLine bool) error {
	i := strings.IndexFunc(value, func(r rune) bool {
		if r == '\n' || r == '\r' || r == '\t' {
			return !multiLine
		}
		return unicode.IsControl(r)
	})
	if i < 0 {
		return nil
	}
	switch value[i] {
	case '\n', '\r', '\t':
		return FieldError(field, "single_line",
			fmt.Sprintf("%q past op één regel: haal de regeleinden en tabs weg.", field), Params{"field": field})
	}
	return FieldError(field, "control_characters",
		fmt.Sprintf("%q bevat onzichtbare stuurtekens. Typ de tekst opnieuw of plak hem als platte tekst.", field), Params{"field": field})
}
