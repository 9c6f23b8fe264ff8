package audit

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The actions an entry records.
const (
	ActionCreate  = "create"
	ActionRead    = "read"
	ActionUpdate  = "update"
	ActionDelete  = "delete"
	ActionExport  = "export"
	ActionPrint   = "print"
	ActionErase   = "erase"
	ActionRefused = "refused"
)

// The roles an entry names besides a team member's ("member",
// "coordinator").
const (
	RoleSuperuser = "superuser"
	RoleSystem    = "system"
	RoleNone      = "none" // signed in, but no member of the client's team
)

// Actor is who accesses client data, and from where.
type Actor struct {
	// User is the id of the employee or superuser, or "system".
	User string
	// UserName is their name (or a superuser's e-mail address) at the
	// time, kept because the account may go.
	UserName string
	// Superuser is set for a superuser (IT, in the dashboard or the API).
	Superuser bool
	// System is set for the server itself and its commands.
	System bool
	// OnBehalfOf is on whose behalf the access is made: the user
	// themselves unless set (a command's --on-behalf-of).
	OnBehalfOf string
	// IP and UserAgent are the request's network address and browser, or
	// "local" and the command for a command.
	IP, UserAgent string
}

// Entry is one access to client data.
type Entry struct {
	Action string
	Actor  Actor
	// Team is the client's team; the actor's role is their role in it.
	Team string
	// Client is the client's id, ClientCode its code.
	Client, ClientCode string
	// Record names what was accessed: "collection/id", several of one
	// client separated by spaces.
	Record string
	// Details says more where needed: a refusal's code, an export's
	// format, a report's period.
	Details string
}

// ActorOf returns the actor of a request: the signed-in employee or
// superuser, or an anonymous caller (User "").
func ActorOf(e *core.RequestEvent) Actor {
	a := Actor{IP: e.RealIP(), UserAgent: truncate(e.Request.UserAgent(), 300)}
	if e.Auth == nil {
		return a
	}
	a.User = e.Auth.Id
	a.OnBehalfOf = e.Auth.Id
	if e.Auth.IsSuperuser() {
		a.Superuser = true
		a.UserName = e.Auth.Email()
	} else {
		a.UserName = e.Auth.GetString("name")
	}
	return a
}

// SystemActor returns the actor of the server's own work or of a command
// (what names it, such as "clients export"), acting on behalf of
// onBehalfOf.
func SystemActor(what, onBehalfOf string) Actor {
	if onBehalfOf == "" {
		onBehalfOf = "Buurtplein"
	}
	return Actor{
		User: RoleSystem, UserName: "buurtplein " + what, System: true,
		OnBehalfOf: onBehalfOf, IP: "local", UserAgent: "buurtplein " + what,
	}
}

// Append writes entries to the access log, chained after the last one, in
// app's transaction (or in one of its own when app is not in one). Call
// it with the transaction of the access it records, so that both land or
// neither does.
func Append(app core.App, entries ...Entry) error {
	if len(entries) == 0 {
		return nil
	}
	created := types.NowDateTime().String()
	if app.IsTransactional() {
		return appendTx(app, entries, created)
	}
	return app.RunInTransaction(func(txApp core.App) error {
		return appendTx(txApp, entries, created)
	})
}

// Row is an entry as stored.
type Row struct {
	Id         string `db:"id"`
	Seq        int64  `db:"seq"`
	Action     string `db:"action"`
	User       string `db:"user"`
	UserName   string `db:"user_name"`
	Role       string `db:"role"`
	Team       string `db:"team"`
	OnBehalfOf string `db:"on_behalf_of"`
	Client     string `db:"client"`
	ClientCode string `db:"client_code"`
	Record     string `db:"record"`
	IP         string `db:"ip"`
	UserAgent  string `db:"user_agent"`
	Details    string `db:"details"`
	PrevHash   string `db:"prev_hash"`
	Hash       string `db:"hash"`
	Created    string `db:"created"`
}

// appendTx writes entries after the last one, created at created (as
// PocketBase stores a date).
func appendTx(txApp core.App, entries []Entry, created string) error {
	last := Row{}
	err := txApp.DB().Select("seq", "hash").From(Collection).OrderBy("seq DESC").Limit(1).One(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("reading the access log's last entry: %w", err)
	}

	insert := txApp.DB().NewQuery(insertSQL)
	if len(entries) > 1 {
		insert.Prepare()
		defer insert.Close()
	}
	roles := map[string]string{}
	for _, e := range entries {
		role, err := roleOf(txApp, e.Actor, e.Team, roles)
		if err != nil {
			return err
		}
		r := Row{
			Id:         entryId(last.Seq + 1),
			Seq:        last.Seq + 1,
			Action:     e.Action,
			User:       e.Actor.User,
			UserName:   truncate(e.Actor.UserName, 200),
			Role:       role,
			Team:       e.Team,
			OnBehalfOf: truncate(e.Actor.OnBehalfOf, 200),
			Client:     e.Client,
			ClientCode: e.ClientCode,
			Record:     truncate(e.Record, 2000),
			IP:         truncate(e.Actor.IP, 64),
			UserAgent:  truncate(e.Actor.UserAgent, 300),
			Details:    truncate(e.Details, 500),
			PrevHash:   last.Hash,
			Created:    created,
		}
		r.Hash = r.computeHash()
		if err := insertRow(insert, r); err != nil {
			return err
		}
		last = r
	}
	return nil
}

// insertSQL writes one entry; a constant statement, prepared once per
// Append, since the builder's Insert costs as much as the write itself.
const insertSQL = "INSERT INTO `" + Collection + "` (`id`, `seq`, `action`, `user`, `user_name`, `role`, `team`, " +
	"`on_behalf_of`, `client`, `client_code`, `record`, `ip`, `user_agent`, `details`, `prev_hash`, `hash`, `created`) " +
	"VALUES ({:id}, {:seq}, {:action}, {:user}, {:user_name}, {:role}, {:team}, {:on_behalf_of}, {:client}, " +
	"{:client_code}, {:record}, {:ip}, {:user_agent}, {:details}, {:prev_hash}, {:hash}, {:created})"

func insertRow(insert *dbx.Query, r Row) error {
	_, err := insert.Bind(dbx.Params{
		"id": r.Id, "seq": r.Seq, "action": r.Action, "user": r.User,
		"user_name": r.UserName, "role": r.Role, "team": r.Team,
		"on_behalf_of": r.OnBehalfOf, "client": r.Client, "client_code": r.ClientCode,
		"record": r.Record, "ip": r.IP, "user_agent": r.UserAgent, "details": r.Details,
		"prev_hash": r.PrevHash, "hash": r.Hash, "created": r.Created,
	}).Execute()
	if err != nil {
		return fmt.Errorf("writing the access log: %w", err)
	}
	return nil
}

// entryId returns the record id of the entry numbered seq: its number in
// base 36, padded to PocketBase's 15 characters. Ids in the order of the
// entries add to the end of the id index, where random ones would each
// write a page of their own: a list of 50 clients writes 50 entries.
func entryId(seq int64) string {
	id := strconv.FormatInt(seq, 36)
	return strings.Repeat("0", 15-len(id)) + id
}

// computeHash returns the hash of the entry's content and the hash of the
// entry before it: a change to either breaks the chain from here on.
func (r Row) computeHash() string {
	return r.hashWith(make([]byte, 0, 512))
}

// hashWith is computeHash with buf as scratch space (Verify reuses one):
// the hash of the JSON array [id, seq, prev_hash, action, created, user,
// user_name, role, team, on_behalf_of, client, client_code, record, ip,
// user_agent, details], written byte for byte as encoding/json writes it.
func (r Row) hashWith(buf []byte) string {
	buf = append(buf[:0], '[')
	buf = appendJSONString(buf, r.Id)
	buf = append(buf, ',')
	buf = strconv.AppendInt(buf, r.Seq, 10)
	for _, s := range [...]string{
		r.PrevHash, r.Action, r.Created, r.User, r.UserName, r.Role, r.Team,
		r.OnBehalfOf, r.Client, r.ClientCode, r.Record, r.IP, r.UserAgent, r.Details,
	} {
		buf = append(buf, ',')
		buf = appendJSONString(buf, s)
	}
	buf = append(buf, ']')
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

// appendJSONString appends s as encoding/json writes a string: printable
// ASCII without " \\ < > & as it is, anything else through encoding/json.
func appendJSONString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			quoted, _ := json.Marshal(s)
			return append(buf, quoted...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}

// roleOf returns the actor's role in team, looked up once per Append.
func roleOf(app core.App, a Actor, team string, cache map[string]string) (string, error) {
	switch {
	case a.System:
		return RoleSystem, nil
	case a.Superuser:
		return RoleSuperuser, nil
	case a.User == "" || team == "":
		return RoleNone, nil
	}
	key := a.User + "/" + team
	if role, ok := cache[key]; ok {
		return role, nil
	}
	role, err := hooks.Role(app, a.User, team)
	if err != nil {
		return "", fmt.Errorf("the role of %s in %s: %w", a.User, team, err)
	}
	if role == "" {
		role = RoleNone
	}
	cache[key] = role
	return role, nil
}

func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	// do not cut a character in two
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}
