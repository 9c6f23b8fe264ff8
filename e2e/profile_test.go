package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestProfileNameLocked has IT make names read-only for employees: bram's
// profile shows his name as read-only, says who keeps it, and saving the
// rest of his profile still works.
func TestProfileNameLocked(t *testing.T) {
	b := newBrowser(t)
	setNamesLocked(t, b.baseURL, true)
	t.Cleanup(func() { setNamesLocked(t, b.baseURL, false) })

	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.goTo("#/profile")
	bram.waitFor("see his name as read-only, with why", `document.querySelector("#profile-name")?.readOnly === true && `+
		`document.querySelector("[data-test=name-locked]")?.hidden === false`)
	if text := eval[string](bram, "read the hint", `document.querySelector("[data-test=name-locked]").textContent`); text == "" {
		t.Error("the locked name has no hint")
	}

	bram.do("save a new discipline",
		chromedp.SetValue(chromedp.CSS(`#profile-discipline`), "wijkverpleegkundige"),
		chromedp.Click(chromedp.CSS(`[data-test=profile-form] button[type=submit]`)),
	)
	bram.waitFor("see it saved, without an error", `(document.querySelector("[data-test=profile-form] .form-error")?.textContent ?? "") === "" && `+
		`JSON.parse(localStorage.getItem("pocketbase_auth") || "{}").record?.discipline === "wijkverpleegkundige"`)
}

// setNamesLocked sets the organisation setting as IT, through the API.
func setNamesLocked(t *testing.T, baseURL string, locked bool) {
	t.Helper()
	token := superuserToken(t, baseURL)
	call := func(method, path string, body any, out any) {
		t.Helper()
		data, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, baseURL+path, bytes.NewReader(data))
		req.Header.Set("Authorization", token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: status %d", method, path, res.StatusCode)
		}
		if out != nil {
			if err := json.NewDecoder(res.Body).Decode(out); err != nil {
				t.Fatal(err)
			}
		}
	}
	var list struct{ Items []struct{ Id string } }
	call(http.MethodGet, "/api/collections/organisation_settings/records", nil, &list)
	if len(list.Items) != 1 {
		t.Fatalf("%d organisation settings records, want 1", len(list.Items))
	}
	call(http.MethodPatch, "/api/collections/organisation_settings/records/"+list.Items[0].Id, map[string]any{"names_locked": locked}, nil)
}

// superuserToken signs in as IT.
func superuserToken(t *testing.T, baseURL string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"identity": "it@buurtplein.test", "password": demoPassword})
	res, err := http.Post(baseURL+"/api/collections/_superusers/auth-with-password", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("signing in as IT: %v", err)
	}
	defer res.Body.Close()
	var auth struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&auth); err != nil || auth.Token == "" {
		t.Fatalf("signing in as IT: status %d, %v", res.StatusCode, err)
	}
	return auth.Token
}
