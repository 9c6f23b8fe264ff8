package drill

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"buurtplein/hooks"
	"buurtplein/plugins/teams"
)

// api is an HTTP client of one server.
type api struct {
	base string
	http *http.Client
}

func newAPI(base string) *api {
	// the default transport keeps 2 idle connections per host: 20 writers
	// would open and close one for nearly every request
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	return &api{base: base, http: &http.Client{Transport: transport, Timeout: 10 * time.Minute}}
}

// close drops the idle connections: the next server listens elsewhere.
func (a *api) close() { a.http.CloseIdleConnections() }

// call sends body (if any) as JSON with token and decodes a 2xx answer into
// out (if any). The status is 0 when no complete answer came back: the
// request may or may not have been carried out.
func (a *api) call(ctx context.Context, method, path, token string, body, out any) (int, error) {
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, reader)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}

	res, err := a.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if res.StatusCode/100 != 2 {
		return res.StatusCode, fmt.Errorf("%s %s = %d: %s", method, path, res.StatusCode, raw)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return 0, fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
		}
	}
	return res.StatusCode, nil
}

// org is the demo organisation as the drill sees it: the IT superuser and
// the employees of the buurtteams, signed in.
type org struct {
	superuser string // auth token of the IT superuser
	accounts  []account
}

// account is a signed-in demo employee who writes in one of her teams and
// offers tasks to another.
type account struct {
	email, id, token string
	team, otherTeam  string // team ids
}

// setUp signs in on a server with the demo organisation, switches its rate
// limits off and signs in every buurtteam employee. The rate limits are
// per client IP, and the drill's writers all come from 127.0.0.1: with the
// limits on (60 creates per 10 s) they would mostly measure the limiter.
func setUp(ctx context.Context, a *api) (*org, error) {
	var auth struct {
		Token  string `json:"token"`
		Record struct {
			Id string `json:"id"`
		} `json:"record"`
	}
	credentials := map[string]string{"identity": teams.DemoSuperuser, "password": teams.DemoPassword}
	if _, err := a.call(ctx, http.MethodPost, "/api/collections/_superusers/auth-with-password", "", credentials, &auth); err != nil {
		return nil, fmt.Errorf("signing in as IT (was the server started with --demo?): %w", err)
	}
	o := &org{superuser: auth.Token}

	settings := map[string]any{"rateLimits": map[string]any{"enabled": false}}
	if _, err := a.call(ctx, http.MethodPatch, "/api/settings", o.superuser, settings, nil); err != nil {
		return nil, fmt.Errorf("switching the rate limits off: %w", err)
	}

	var list struct {
		Items []struct {
			Id, Slug, Kind string
		} `json:"items"`
	}
	if _, err := a.call(ctx, http.MethodGet, "/api/collections/teams/records?perPage=500", o.superuser, nil, &list); err != nil {
		return nil, err
	}
	teamIds := map[string]string{}
	var buurtteams []string // slugs, in a fixed order
	for _, t := range list.Items {
		teamIds[t.Slug] = t.Id
		if t.Kind == hooks.TeamKindBuurtteam {
			buurtteams = append(buurtteams, t.Slug)
		}
	}
	slices.Sort(buurtteams)
	if len(buurtteams) < 2 {
		return nil, fmt.Errorf("the drill needs two buurtteams, the server has %v", buurtteams)
	}

	for _, m := range teams.DemoMembers {
		slugs := make([]string, 0, len(m.Teams))
		for slug := range m.Teams {
			if slices.Contains(buurtteams, slug) {
				slugs = append(slugs, slug)
			}
		}
		if len(slugs) == 0 {
			continue // BOB staff have no tasks
		}
		slices.Sort(slugs)
		other := buurtteams[0]
		if other == slugs[0] {
			other = buurtteams[1]
		}

		credentials := map[string]string{"identity": m.Email, "password": teams.DemoPassword}
		if _, err := a.call(ctx, http.MethodPost, "/api/collections/users/auth-with-password", "", credentials, &auth); err != nil {
			return nil, fmt.Errorf("signing in as %s: %w", m.Email, err)
		}
		o.accounts = append(o.accounts, account{
			email: m.Email, id: auth.Record.Id, token: auth.Token,
			team: teamIds[slugs[0]], otherTeam: teamIds[other],
		})
	}
	return o, nil
}
