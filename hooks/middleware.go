package hooks

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// BindMiddleware binds fn, as id, to every request app's router serves,
// with priority (PocketBase's own middlewares are at apis.Default…
// Priority; a lower number runs earlier). It sees each request's error:
// err := e.Next().
func BindMiddleware(app core.App, id string, priority int, fn func(e *core.RequestEvent) error) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: id,
		Func: func(se *core.ServeEvent) error {
			se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: id, Priority: priority, Func: fn})
			return se.Next()
		},
	})
}
