// Bare is the load test's baseline: plain PocketBase with Buurtplein's
// migrations, so the same collections, API rules and settings, and none of
// Buurtplein's hooks, routes or PWA. The load test runs it beside the
// buurtplein binary to show what Buurtplein's code costs; it takes
// PocketBase's flags (bare serve --dir pb_data --http 127.0.0.1:8091).
package main

import (
	"log"

	_ "buurtplein/pb_migrations"

	"github.com/pocketbase/pocketbase"
)

func main() {
	// as buurtplein: dev mode (the SQL log) only with --dev
	app := pocketbase.NewWithConfig(pocketbase.Config{})
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
