package hooks

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// PocketBase accepts 32 MB on every route (more where a collection has
// file fields), and a JSON body is parsed whole before any rule or check
// runs: eight anonymous 30 MB posts took the server to 3 GB. Buurtplein's
// largest legitimate body without a file is a post of 20,000 characters,
// at most 80 kB in UTF-8.

// JSONBodyLimit is the most bytes a request to the API may carry, unless
// it is a signed-in multipart upload to a record route of a collection with
// file fields, or comes from a superuser (whose limits stay PocketBase's,
// for collection imports and backup uploads).
const JSONBodyLimit = 128 << 10

// recordWritePath matches the record create and update routes.
var recordWritePath = regexp.MustCompile(`^/api/collections/([^/]+)/records(?:/[^/]+)?/?$`)

func bindBodyLimits(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "buurtpleinBodyLimits",
		Func: func(se *core.ServeEvent) error {
			se.Router.Bind(&hook.Handler[*core.RequestEvent]{
				Id: "buurtpleinBodyLimit",
				// after the auth token is loaded, before PocketBase's own
				// body limit and any handler reads the body
				Priority: apis.DefaultBodyLimitMiddlewarePriority - 1,
				Func:     limitBody,
			})
			return se.Next()
		},
	})
}

// limitBody refuses an API request whose body is larger than its limit
// ([BodyLimit]) before anything reads it.
func limitBody(e *core.RequestEvent) error {
	if e.Request.ContentLength == 0 || !strings.HasPrefix(e.Request.URL.Path, "/api/") || e.HasSuperuserAuth() {
		return e.Next()
	}

	limit := int64(JSONBodyLimit)
	// nobody uploads a file without signing in
	if e.Auth != nil {
		limit = BodyLimit(e.App, e.Request)
	}
	if e.Request.ContentLength > limit {
		return bodyTooLarge(limit)
	}

	// a body of unknown length (chunked) is read here, up to the limit, so
	// that nothing after this parses more than the limit either
	if e.Request.ContentLength < 0 && limit <= JSONBodyLimit {
		data, err := io.ReadAll(io.LimitReader(e.Request.Body, limit+1))
		if err != nil {
			return Err(http.StatusBadRequest, "request_incomplete", nil, "De aanvraag kwam niet helemaal aan. Probeer het opnieuw.")
		}
		if int64(len(data)) > limit {
			return bodyTooLarge(limit)
		}
		e.Request.Body = &router.RereadableReadCloser{ReadCloser: io.NopCloser(bytes.NewReader(data))}
		e.Request.ContentLength = int64(len(data))
	}
	return e.Next()
}

// BodyLimit returns the most bytes req may carry: [JSONBodyLimit], plus
// the collection's file sizes for a multipart create or update of a record
// with file fields.
func BodyLimit(app core.App, req *http.Request) int64 {
	limit := int64(JSONBodyLimit)
	if !strings.HasPrefix(req.Header.Get("Content-Type"), "multipart/form-data") ||
		(req.Method != http.MethodPost && req.Method != http.MethodPatch) {
		return limit
	}
	m := recordWritePath.FindStringSubmatch(req.URL.Path)
	if m == nil {
		return limit
	}
	collection, err := app.FindCachedCollectionByNameOrId(m[1])
	if err != nil || collection.IsView() {
		return limit
	}
	for _, f := range collection.Fields {
		if file, ok := f.(*core.FileField); ok {
			limit += file.CalculateMaxBodySize()
		}
	}
	return limit
}

// bodyTooLarge is the 413 answer to a body over limit.
func bodyTooLarge(limit int64) error {
	if limit > JSONBodyLimit {
		return Err(http.StatusRequestEntityTooLarge, "body_too_large_files", Params{"mb": limit >> 20}, fmt.Sprintf(
			"Wat je verstuurt is te groot: hooguit %d MB met foto's en bijlagen. Kies kleinere of minder bestanden.", limit>>20))
	}
	return Err(http.StatusRequestEntityTooLarge, "body_too_large", Params{"kb": limit >> 10}, fmt.Sprintf(
		"Wat je verstuurt is te groot: zonder foto's mag het hooguit %d kB zijn. "+
			"Maak de tekst korter of verstuur minder tegelijk.", limit>>10))
}
