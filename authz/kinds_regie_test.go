package authz_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"buurtplein/plugins/audit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Regie (plugins/regie): the owning team's and another team's template; a
// client of each team, and of the owning team's a referral, a conversation
// with an attachment, a plan and the case's first step; an access-log
// entry. Each write case gets a client of its own.
func init() {
	kinds = append(kinds,
		kind{
			name:   "process_templates/own",
			shared: func(t testing.TB, f *fixture) *core.Record { return f.template(t, "haarlem-noord") },
			// a second template for a team that has one
			create: func(t testing.TB, f *fixture, me string) map[string]any {
				return map[string]any{"team": f.team["haarlem-noord"], "name": "Authz: een tweede proces"}
			},
			update: map[string]any{"name": "Authz: ons proces"},
		},
		kind{
			name:   "process_templates/other",
			shared: func(t testing.TB, f *fixture) *core.Record { return f.template(t, "schalkwijk") },
			update: map[string]any{"name": "Authz: hun proces"},
		},
		regieClient("clients/own", "haarlem-noord"),
		regieClient("clients/other", "schalkwijk"),
		regiePart("referrals/own", "haarlem-noord", func(f *fixture) map[string]any {
			return map[string]any{"source": "gp", "reason": "Authz: verwezen door de huisarts.", "urgency": "orange", "received": "2026-11-02 09:00:00.000Z"}
		}, map[string]any{"reason": "Authz: bijgewerkt."}),
		regiePart("referrals/other", "schalkwijk", func(f *fixture) map[string]any {
			return map[string]any{"source": "hospital", "reason": "Authz: ontslag uit het ziekenhuis.", "urgency": "red", "received": "2026-11-03 09:00:00.000Z"}
		}, map[string]any{"reason": "Authz: bijgewerkt."}),
		kind{
			name: "conversations/own",
			make: func(t testing.TB, f *fixture) *core.Record {
				return f.save(t, "conversations", map[string]any{
					"client": f.newClient(t, "haarlem-noord").Id, "team": f.team["haarlem-noord"],
					"date": "2026-11-10 10:00:00.000Z", "notes": "Authz: keukentafelgesprek.",
					"attachments": photo(t, "afspraken.png"), "author": f.user["anna"],
				})
			},
			create: func(t testing.TB, f *fixture, me string) map[string]any {
				return map[string]any{"client": f.newClient(t, "haarlem-noord").Id, "date": "2026-11-11 10:00:00.000Z", "notes": "Authz: nog een gesprek."}
			},
			update: map[string]any{"outcome": "Authz: afspraken gemaakt."},
		},
		regiePart("plans/own", "haarlem-noord", func(f *fixture) map[string]any {
			return map[string]any{"goals": "Authz: zelfstandig blijven wonen.", "regisseur": f.user["anna"]}
		}, map[string]any{"goals": "Authz: bijgesteld."}),
		kind{
			// the case's first step, made with the client
			name: "case_steps/own",
			make: func(t testing.TB, f *fixture) *core.Record {
				client := f.newClient(t, "haarlem-noord")
				return f.findWhere(t, "case_steps", "client = {:c}", dbx.Params{"c": client.Id})
			},
			create: func(t testing.TB, f *fixture, me string) map[string]any {
				client := f.newClient(t, "haarlem-noord")
				f.save(t, "referrals", map[string]any{"client": client.Id, "team": f.team["haarlem-noord"], "source": "client", "reason": "Authz: belde zelf.", "urgency": "green", "received": "2026-11-04 09:00:00.000Z"})
				return map[string]any{"client": client.Id, "kind": "forward", "to": "gesprek"}
			},
			update: map[string]any{"reason": "Authz: herschreven."},
		},
		kind{
			name: "access_log/entry",
			make: func(t testing.TB, f *fixture) *core.Record {
				client := f.newClient(t, "haarlem-noord")
				entry := audit.Entry{Action: audit.ActionRead, Actor: audit.SystemActor("authz", ""), Team: client.GetString("team"), Client: client.Id, ClientCode: client.GetString("code"), Record: "clients/" + client.Id}
				if err := audit.Append(f.app, entry); err != nil {
					t.Fatal(err)
				}
				return f.findWhere(t, "access_log", "client = {:c} && user = 'system'", dbx.Params{"c": client.Id})
			},
			create: func(t testing.TB, f *fixture, me string) map[string]any {
				return map[string]any{"action": "read", "user": me, "client": "verzonnen", "seq": 999999999}
			},
			update: map[string]any{"user_name": "Authz: vervalst"},
			// no one saves an entry: the log grows by SQL, which sends no
			// event to anyone
			change: func(t testing.TB, f *fixture, shared *core.Record) *core.Record {
				entry := audit.Entry{Action: audit.ActionRead, Actor: audit.SystemActor("authz", ""), Team: shared.GetString("team"), Client: shared.GetString("client"), Record: shared.GetString("record")}
				if err := audit.Append(f.app, entry); err != nil {
					t.Fatal(err)
				}
				return shared
			},
		},
	)
	routeBodies["/api/buurtplein/clients/{id}/erase"] = func(f *fixture, target *core.Record) map[string]any {
		return map[string]any{"code": target.GetString("code")}
	}
}

// regieClient is a kind of client of team; a new one is made for each
// write case.
func regieClient(name, team string) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record { return f.newClient(t, team) },
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"team": f.team[team], "initials": "A.Z.", "birth_year": 1951, "neighbourhood": "Authz-wijk"}
		},
		update: map[string]any{"contact_notes": "Authz: bel na tienen."},
	}
}

// regiePart is a kind of record of a new client of team, with fields.
func regiePart(name, team string, fields func(f *fixture) map[string]any, update map[string]any) kind {
	collection, _, _ := strings.Cut(name, "/")
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			body := fields(f)
			body["client"] = f.newClient(t, team).Id
			body["team"] = f.team[team]
			body["author"] = f.user["anna"]
			return f.save(t, collection, body)
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			body := fields(f)
			body["client"] = f.newClient(t, team).Id
			return body
		},
		update: update,
	}
}

// newClient makes a client of team, in its first step.
func (f *fixture) newClient(t testing.TB, team string) *core.Record {
	t.Helper()
	return f.save(t, "clients", map[string]any{
		"team": f.team[team], "code": fmt.Sprintf("AZ-%d", time.Now().UnixNano()%1e9+uniqueN.Add(1)),
		"initials": "J.K.", "birth_year": 1938, "neighbourhood": "Authz-wijk",
	})
}

// template returns team's process template.
func (f *fixture) template(t testing.TB, team string) *core.Record {
	t.Helper()
	return f.find(t, "process_templates", "team", f.team[team])
}
