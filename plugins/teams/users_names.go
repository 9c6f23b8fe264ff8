package teams

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"buurtplein/hooks"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// NameKeyField is the hidden users field that holds [NameKey] of the
// name. A unique index on it (pb_migrations) keeps two colleagues from
// carrying one name, on every path and also when two saves race.
const NameKeyField = "name_key"

// SettingsCollection is the single-record collection of organisation-wide
// settings IT keeps in the dashboard.
const SettingsCollection = "organisation_settings"

// NamesLockedField is the setting that makes names read-only for
// employees: only IT (the dashboard) and the CSV import set them then.
const NamesLockedField = "names_locked"

// Dutch messages for names and addresses that are taken or locked.
const (
	nameTakenMessage  = "Er is al een collega met deze naam (hoofdletters, spaties en accenten tellen niet mee). Kies een naam waaraan collega's je herkennen, bijvoorbeeld met een voorletter of tweede achternaam."
	nameLockedMessage = "Namen worden beheerd door IT. Vraag IT om je naam te wijzigen."
	emailTakenMessage = "Er is al een account met dit e-mailadres (hoofdletters tellen niet mee)."
)

// NameKey folds a name into the form names are compared in: accents
// removed, lower case, runs of white space collapsed to one space and
// trimmed. "Anna de Vries", " anna  DE vríes " and "Anna de Vries\u00a0"
// all fold to "anna de vries".
func NameKey(name string) string {
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

// bindUserHooks keeps names and e-mail addresses of employees unique on
// every path (API, dashboard, CSV import, Go code): the address is stored
// in lower case and the folded name in [NameKeyField], both under a unique
// index, and a clash is answered with a Dutch 400 on the field a person
// typed. The organisation setting [NamesLockedField] keeps employees from
// renaming themselves.
func (p *plugin) bindUserHooks() {
	p.app.OnRecordCreate(hooks.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		normalizeUser(e.Record)
		return uniqueUserError(e.Next())
	})
	p.app.OnRecordUpdate(hooks.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		normalizeUser(e.Record)
		return uniqueUserError(e.Next())
	})

	// IT renames in the dashboard (a superuser) and the CSV import saves
	// without a request: only an employee's own request is held to the lock
	p.app.OnRecordUpdateRequest(hooks.UsersCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.HasSuperuserAuth() || e.Record.GetString("name") == e.Record.Original().GetString("name") {
			return e.Next()
		}
		locked, err := NamesLocked(e.App)
		if err != nil {
			return err
		}
		if locked {
			return hooks.FieldError("name", "name_locked", nameLockedMessage)
		}
		return e.Next()
	})

	// the settings are one record: a second would leave it unclear which
	// one holds
	p.app.OnRecordCreate(SettingsCollection).BindFunc(func(e *core.RecordEvent) error {
		n, err := e.App.CountRecords(SettingsCollection)
		if err != nil {
			return fmt.Errorf("counting the organisation settings: %w", err)
		}
		if n > 0 {
			return hooks.FieldError(NamesLockedField, "settings_exist",
				"Er zijn al organisatie-instellingen. Pas dat ene record aan in plaats van een nieuw te maken.")
		}
		return e.Next()
	})
}

// normalizeUser stores the e-mail address in lower case (PocketBase then
// looks it up without regard to case, see the email index) and the folded
// name in [NameKeyField].
func normalizeUser(user *core.Record) {
	if email := strings.ToLower(strings.TrimSpace(user.Email())); email != user.Email() {
		user.SetEmail(email)
	}
	key := NameKey(user.GetString("name"))
	if !user.IsNew() {
		// colleagues who shared a name before names were unique keep it
		// (with their id in the key, see the migration) until renamed
		old := user.Original()
		legacy := key + "#" + user.Id
		if old.GetString("name") == user.GetString("name") && old.GetString(NameKeyField) == legacy {
			key = legacy
		}
	}
	user.Set(NameKeyField, key)
}

// uniqueUserError turns PocketBase's English answer to a violated unique
// index on the name key or the e-mail address into a Dutch one on the
// field a person typed.
func uniqueUserError(err error) error {
	var errs validation.Errors
	if err == nil || !errors.As(err, &errs) {
		return err
	}
	if isNotUnique(errs[NameKeyField]) {
		return hooks.FieldError("name", "name_taken", nameTakenMessage)
	}
	if isNotUnique(errs[core.FieldNameEmail]) {
		return hooks.FieldError(core.FieldNameEmail, "email_taken", emailTakenMessage)
	}
	return err
}

func isNotUnique(err error) bool {
	var verr validation.Error
	return errors.As(err, &verr) && verr.Code() == "validation_not_unique"
}

// NamesLocked reports whether IT has made names read-only for employees
// (the [NamesLockedField] setting). Without a settings record names are
// editable.
func NamesLocked(app core.App) (bool, error) {
	var locked bool
	err := app.DB().Select(NamesLockedField).From(SettingsCollection).
		OrderBy("created", "id").Limit(1).Row(&locked)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("reading the organisation settings: %w", err)
	}
	return locked, nil
}
