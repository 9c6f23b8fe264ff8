package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestRemovedFromTeamLive has IT remove dirk from Haarlem-Noord while his
// page is open: the team leaves his team switcher without a reload (the
// removal reaches him on his own realtime topic), and his page stays live
// on the topics he keeps: an organisation post still appears in his feed.
func TestRemovedFromTeamLive(t *testing.T) {
	b := newBrowser(t)
	dirk := b.tab("dirk")
	dirk.signIn("dirk@buurtplein.test", "Dirk Visser")
	dirkId := dirk.userId()
	it := superuserToken(t, b.baseURL)

	haarlem := findId(t, b.baseURL, it, "teams", `slug = "haarlem-noord"`)
	membership := findId(t, b.baseURL, it, "memberships", fmt.Sprintf(`user = %q && team = %q`, dirkId, haarlem))
	// whatever happens below, dirk is back in the team for the other tests
	t.Cleanup(func() {
		api(t, b.baseURL, it, http.MethodPost, "/api/collections/memberships/records",
			map[string]any{"team": haarlem, "user": dirkId, "role": "member"})
	})

	switcherHas := `[...document.querySelectorAll("[data-test=team-switcher] option")].some(o => o.value === "team/haarlem-noord")`
	dirk.goTo("#/feed")
	dirk.waitVisible("see the organisation feed loaded", feedSelector("organisation")+"[data-state=ready]")
	dirk.waitFor("see Haarlem-Noord in his team switcher", switcherHas)
	dirk.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.__e2eNoReload = true`))

	if status, body := api(t, b.baseURL, it, http.MethodDelete, "/api/collections/memberships/records/"+membership, nil); status != http.StatusNoContent {
		t.Fatalf("removing dirk from Haarlem-Noord: %d %s", status, body)
	}
	dirk.waitFor("see Haarlem-Noord leave his team switcher", "!"+switcherHas)

	title := fmt.Sprintf("E2E na vertrek %d", time.Now().UnixNano())
	if status, body := api(t, b.baseURL, it, http.MethodPost, "/api/collections/posts/records", map[string]any{
		"author": findId(t, b.baseURL, it, "users", `email = "anna@buurtplein.test"`), "kind": "update",
		"visibility": "organisation", "title": title, "body": "Voor iedereen.",
	}); status != http.StatusOK {
		t.Fatalf("placing an organisation post: %d %s", status, body)
	}
	dirk.waitFor("see the organisation post arrive live", hasPost("organisation", title))
	if !eval[bool](dirk, "check the page did not reload", `window.__e2eNoReload === true`) {
		t.Error("dirk's page reloaded")
	}
}

// findId returns the id of the first record of collection matching filter.
func findId(t *testing.T, baseURL, token, collection, filter string) string {
	t.Helper()
	status, body := api(t, baseURL, token, http.MethodGet,
		"/api/collections/"+collection+"/records?perPage=1&filter="+url.QueryEscape(filter), nil)
	var list struct{ Items []struct{ Id string } }
	if err := json.Unmarshal(body, &list); err != nil || len(list.Items) == 0 {
		t.Fatalf("finding %s %s: %d %s", collection, filter, status, body)
	}
	return list.Items[0].Id
}

// api sends a JSON request with token and returns the status and body.
func api(t *testing.T, baseURL, token, method, path string, payload any) (int, []byte) {
	t.Helper()
	var reader io.Reader
	if payload != nil {
		data, _ := json.Marshal(payload)
		reader = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, baseURL+path, reader)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body
}
