package proxy_test

import (
	"io"
	"net/http"
	"os"
	"slices"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/proxy"

	"github.com/pocketbase/pocketbase/core"
)

func TestMain(m *testing.M) { os.Exit(testapp.Run(m)) }

// TestCallerAddress checks the address the server sees for a caller that
// sends X-Forwarded-For with a forged address on the left and the proxy's
// on the right: without the plugin, the connection's; with it, the one the
// proxy added, never the forged one. A setting made in the dashboard is
// written back when the server starts.
func TestCallerAddress(t *testing.T) {
	const header = "198.51.100.66, 203.0.113.7" // forged, then added by the proxy
	for _, tc := range []struct {
		name    string
		headers []string
		want    string
	}{
		{"no proxy", nil, "127.0.0.1"},
		{"behind a proxy", []string{"x-forwarded-for"}, "203.0.113.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := testapp.New(t)
			// as if IT had set the leftmost address in the dashboard
			settings := app.Settings()
			settings.TrustedProxy.UseLeftmostIP = true
			if tc.headers != nil {
				settings.TrustedProxy.Headers = []string{"X-Real-Ip"}
			}
			if err := app.Save(settings); err != nil {
				t.Fatal(err)
			}
			if err := proxy.Register(app, proxy.Config{Headers: tc.headers}); err != nil {
				t.Fatal(err)
			}
			app.OnServe().BindFunc(func(e *core.ServeEvent) error {
				e.Router.GET("/test/address", func(re *core.RequestEvent) error {
					return re.String(http.StatusOK, re.RealIP())
				})
				return e.Next()
			})
			server := testapp.Serve(t, app)

			req, _ := http.NewRequest(http.MethodGet, server.URL+"/test/address", nil)
			req.Header.Set("X-Forwarded-For", header)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			got, _ := io.ReadAll(res.Body)
			if string(got) != tc.want {
				t.Fatalf("the server saw %q, want %q", got, tc.want)
			}
			if tc.headers != nil && !slices.Equal(app.Settings().TrustedProxy.Headers, []string{"X-Forwarded-For"}) {
				t.Fatalf("the settings' headers are %v", app.Settings().TrustedProxy.Headers)
			}
		})
	}
}
