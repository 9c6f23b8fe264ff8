package authz_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// The questions desk (plugins/bob): a question of the owning team (asked
// by bram) and of another team (carla's), with an image attached; a
// public reply by bo on the owning team's question, an internal note by bo
// on it, a public reply by carla on hers; and one of BOB's saved replies.
func init() {
	kinds = append(kinds,
		question("questions/own", "haarlem-noord", "bram"),
		question("questions/other", "schalkwijk", "carla"),
		questionReply("question_replies/own", "questions/own", "bo", false),
		questionReply("question_replies/internal", "questions/own", "bo", true),
		questionReply("question_replies/other", "questions/other", "carla", false),
		kind{
			name: "saved_replies/bob",
			make: func(t testing.TB, f *fixture) *core.Record {
				return f.save(t, "saved_replies", map[string]any{"title": unique("Authz "), "body": "Authz: standaardantwoord.", "created_by": f.user["bo"]})
			},
			create: func(t testing.TB, f *fixture, me string) map[string]any {
				return map[string]any{"title": unique("Authz nieuw "), "body": "Authz: nieuw standaardantwoord."}
			},
			update: map[string]any{"body": "Authz: bijgewerkt."},
		},
	)
	routeBodies["/api/buurtplein/questions/{id}/wiki"] = func(f *fixture, target *core.Record) map[string]any {
		return map[string]any{"title": "Authz antwoord", "body": "Authz: het antwoord als wikipagina."}
	}
}

// question is a kind of new question of team asked by asker; a new one is
// asked in the name of the caller, and an update closes it (what the
// asking team may do).
func question(name, team, asker string) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			return f.save(t, "questions", map[string]any{
				"team": f.team[team], "asker": f.user[asker], "category": "ict", "subject": "Authz vraag",
				"body": "Authz: een vraag aan BOB.", "attachments": photo(t, "scherm.png"),
			})
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"team": f.team[team], "asker": me, "category": "overig", "subject": "Authz nieuwe vraag", "body": "Authz: nog een vraag."}
		},
		update: map[string]any{"status": "closed"},
	}
}

// questionReply is a kind of reply (an internal note when internal) by
// author on the shared question of kind question, with an image
// attached; a new one is written in the caller's name.
func questionReply(name, question, author string, internal bool) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			return f.save(t, "question_replies", map[string]any{
				"question": f.shared[question].Id, "author": f.user[author], "body": "Authz: een antwoord.",
				"internal": internal, "attachments": photo(t, "bijlage.png"),
			})
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"question": f.shared[question].Id, "author": me, "body": "Authz: nog een antwoord.", "internal": internal}
		},
		update: map[string]any{"body": "Authz: veranderd."},
	}
}
