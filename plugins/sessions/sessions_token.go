package sessions

import (
	"net/http"
	"regexp"
	"strings"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// staleTokenMessage is the answer to a request with a revoked or expired
// token.
const staleTokenMessage = "Je sessie is beëindigd. Log opnieuw in."

// publicAuthPath matches PocketBase's sign-in and account recovery routes,
// which a client may call while it still holds an old token.
var publicAuthPath = regexp.MustCompile(`^/api/collections/[^/]+/(auth-with-|auth-methods|request-|confirm-)`)

// bindStaleTokenCheck answers 401 to an API request that carries a token
// which signs no one in (revoked by sign-out or blocking, expired, forged).
// PocketBase itself serves such a request as a guest's: a list comes back
// empty and the client never learns that its session ended.
func bindStaleTokenCheck(se *core.ServeEvent) {
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{
		Id:       "buurtpleinStaleToken",
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			path := e.Request.URL.Path
			if e.Auth != nil ||
				strings.TrimSpace(e.Request.Header.Get("Authorization")) == "" ||
				!strings.HasPrefix(path, "/api/") ||
				path == "/api/health" ||
				publicAuthPath.MatchString(path) {
				return e.Next()
			}
			return hooks.Err(http.StatusUnauthorized, "session_ended", nil, staleTokenMessage)
		},
	})
}
