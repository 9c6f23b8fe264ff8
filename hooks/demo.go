package hooks

import "github.com/pocketbase/pocketbase/core"

// SeedOnServe runs seed when the server starts: after the migrations, before
// the first request. An error stops the start. The plugin registry
// (package plugins) runs the demo seed with it under --demo.
func SeedOnServe(app core.App, seed func(core.App) error) {
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err := seed(e.App); err != nil {
			return err
		}
		return e.Next()
	})
}
