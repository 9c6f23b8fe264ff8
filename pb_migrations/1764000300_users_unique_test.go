package migrations_test

import (
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// migration returns the registered migration of file.
func migration(t *testing.T, file string) *core.Migration {
	t.Helper()
	for _, item := range core.AppMigrations.Items() {
		if item.File == file {
			return item
		}
	}
	t.Fatalf("no migration %s", file)
	return nil
}

// TestUsersUniqueOnOldData runs the unique names and addresses migration
// on data from before it: colleagues who share a name keep it (the later
// one's key holds its id), addresses are stored in lower case, and
// addresses that differ only in case stop the migration, named.
func TestUsersUniqueOnOldData(t *testing.T) {
	t.Parallel()
	unique := migration(t, "1764000300_users_unique.go")

	setup := func(t *testing.T, rows ...[3]string) core.App {
		app := testapp.New(t)
		if err := unique.Down(app); err != nil {
			t.Fatalf("down: %v", err)
		}
		for _, r := range rows {
			_, err := app.DB().Insert("users", dbx.Params{
				"id": r[0], "email": r[1], "name": r[2], "password": "x", "tokenKey": r[0] + "-key",
				"created": "2020-01-01 00:00:00.000Z", "updated": "2020-01-01 00:00:00.000Z",
			}).Execute()
			if err != nil {
				t.Fatal(err)
			}
		}
		return app
	}
	key := func(t *testing.T, app core.App, id string) string {
		var k string
		if err := app.DB().Select("name_key").From("users").Where(dbx.HashExp{"id": id}).Row(&k); err != nil {
			t.Fatal(err)
		}
		return k
	}

	t.Run("shared names, upper-case addresses", func(t *testing.T) {
		t.Parallel()
		app := setup(t,
			[3]string{"oldjan000000001", "Jan@Voorbeeld.test", "Jan de Vries"},
			[3]string{"oldjan000000002", "jan.devries@voorbeeld.test", "jan  de vríes"},
		)
		if err := unique.Up(app); err != nil {
			t.Fatalf("up: %v", err)
		}
		if k1, k2 := key(t, app, "oldjan000000001"), key(t, app, "oldjan000000002"); k1 != "jan de vries" || k2 != "jan de vries#oldjan000000002" {
			t.Errorf("name keys %q and %q", k1, k2)
		}
		jan, err := app.FindAuthRecordByEmail("users", "JAN@voorbeeld.test")
		if err != nil || jan.Email() != "jan@voorbeeld.test" {
			t.Errorf("jan by an upper-case address: %v %v", jan, err)
		}
	})

	t.Run("addresses that differ only in case", func(t *testing.T) {
		t.Parallel()
		app := setup(t,
			[3]string{"oldpiet00000001", "Piet@voorbeeld.test", "Piet Bakker"},
			[3]string{"oldpiet00000002", "piet@voorbeeld.test", "Piet Bakker (2)"},
		)
		err := unique.Up(app)
		if err == nil || !strings.Contains(err.Error(), "piet@voorbeeld.test") || !strings.Contains(err.Error(), "voeg die accounts eerst samen") {
			t.Errorf("up: %v; want the clash named", err)
		}
	})
}
