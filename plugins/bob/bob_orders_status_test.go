package bob_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

var orderStatuses = []string{"draft", "proof", "approved", "production", "shipped", "delivered", "cancelled"}

// allowedTransitions is the workflow as the issue and the API contract
// state it, written out here apart from the plugin's table: who may move
// an order from one status to another. "team" is a member of the order's
// team, "bob" BOB staff outside it, "it" a superuser.
var allowedTransitions = map[string][]string{
	"draft>proof":         {"team"},
	"proof>approved":      {"team"},
	"proof>draft":         {"team", "bob", "it"},
	"approved>production": {"bob", "it"},
	"production>shipped":  {"bob", "it"},
	"shipped>delivered":   {"bob", "it"},
	"draft>cancelled":     {"team", "bob", "it"},
	"proof>cancelled":     {"team", "bob", "it"},
	"approved>cancelled":  {"team", "bob", "it"},
}

// refusal returns the status and code of a refused transition.
func refusal(who, from, to string) (int, string) {
	allowed, inTable := allowedTransitions[from+">"+to]
	switch {
	case who == "other":
		return http.StatusNotFound, "" // the update rule: not their team's
	case from == "delivered" || from == "cancelled":
		return http.StatusBadRequest, "orders_finished"
	case from == "production" && to == "cancelled":
		return http.StatusBadRequest, "orders_cancel_in_production"
	case !inTable:
		return http.StatusBadRequest, "orders_transition_invalid"
	case to == "approved":
		return http.StatusForbidden, "orders_approve_team_only"
	case slices.Equal(allowed, []string{"team"}):
		return http.StatusForbidden, "orders_team_only"
	}
	return http.StatusForbidden, "orders_bob_only"
}

// TestOrderTransitions tries every cell of the transition table, who x
// from x to, on the record API and as a request in a batch: an allowed
// change lands with its history line (and the proof or print file it
// renders), a refused one leaves the order and its history as they were.
func TestOrderTransitions(t *testing.T) {
	t.Parallel()
	f := newOrderFixture(t)
	tokens := map[string]string{"team": f.bramT, "bob": f.boT, "it": f.superuserT, "other": f.carlaT}
	actors := map[string]string{"team": f.bram, "bob": f.bo, "it": ""}

	for _, path := range []string{"record", "batch"} {
		var cases []orderCase
		for _, from := range orderStatuses {
			for _, to := range orderStatuses {
				if from == to {
					continue
				}
				for _, who := range []string{"team", "bob", "it", "other"} {
					cases = append(cases, transitionCase(f, path, who, tokens[who], actors[who], from, to))
				}
			}
		}
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			runOrderCases(t, f, cases)
		})
	}
}

func transitionCase(f orderFixture, path, who, token, actor, from, to string) orderCase {
	body := map[string]any{"status": to, "remark": "Graag de foto groter"}
	c := orderCase{
		name:   fmt.Sprintf("%s: %s sets %s to %s", path, who, from, to),
		status: from, token: token, body: body, want: http.StatusOK,
	}
	if path == "batch" {
		c.method, c.url = http.MethodPost, "/api/batch"
		c.body = map[string]any{"requests": []any{map[string]any{
			"method": http.MethodPatch, "url": "/api/collections/orders/records/{id}", "body": body,
		}}}
	}

	if slices.Contains(allowedTransitions[from+">"+to], who) {
		c.content = []string{`"status":"` + to + `"`}
		c.after = func(t testing.TB, app core.App, id string) {
			order, err := app.FindRecordById("orders", id)
			if err != nil {
				t.Fatal(err)
			}
			if order.GetString("status") != to {
				t.Errorf("status %s, want %s", order.GetString("status"), to)
			}
			events, err := app.FindRecordsByFilter("order_events", "order = {:id}", "-created,-id", 0, 0, map[string]any{"id": id})
			if err != nil {
				t.Fatal(err)
			}
			if len(events) == 0 {
				t.Fatal("no history line")
			}
			last := events[len(events)-1]
			for _, e := range events {
				if e.GetString("to") == to && e.GetString("from") == from {
					last = e
				}
			}
			if last.GetString("from") != from || last.GetString("to") != to || last.GetString("actor") != actor ||
				last.GetString("remark") != "Graag de foto groter" || last.GetInt("proof_revision") != order.GetInt("proof_revision") {
				t.Errorf("the history line: %v", last.FieldsData())
			}
			switch to {
			case "proof":
				if order.GetString("proof") == "" || order.GetString("preview") == "" || order.GetInt("proof_revision") != 1 {
					t.Errorf("a proof without its files or revision: proof %q preview %q revision %d",
						order.GetString("proof"), order.GetString("preview"), order.GetInt("proof_revision"))
				}
			case "approved":
				if order.GetString("print_file") == "" || order.GetString("approved_by") != actor {
					t.Errorf("an approval without its print file or approver: %q by %q", order.GetString("print_file"), order.GetString("approved_by"))
				}
			}
		}
		return c
	}

	status, code := refusal(who, from, to)
	c.want = status
	c.content = []string{fmt.Sprintf(`"status":%d`, status)}
	if code != "" {
		c.content = append(c.content, `"code":"`+code+`"`)
	}
	if path == "batch" {
		c.want = http.StatusBadRequest
	}
	return c
}

// TestOrderTransitionRemarks checks that sending a proof back needs a
// remark, and that a status no one knows is refused.
func TestOrderTransitionRemarks(t *testing.T) {
	t.Parallel()
	f := newOrderFixture(t)
	runOrderCases(t, f, []orderCase{
		{name: "bram sends a proof back without a remark", status: "proof", token: f.bramT,
			body: map[string]any{"status": "draft"}, want: 400, content: []string{`"remark":{"code":"validation_orders_remark_required"`}},
		{name: "bo sends a proof back with an empty remark", status: "proof", token: f.boT,
			body: map[string]any{"status": "draft", "remark": "  "}, want: 400, content: []string{`"code":"validation_orders_remark_required"`}},
		{name: "bo sends a proof back with a remark, which the history keeps", status: "proof", token: f.boT,
			body: map[string]any{"status": "draft", "remark": "Het logo ontbreekt"}, want: 200,
			content: []string{`"remark":"Het logo ontbreekt"`},
			after: func(t testing.TB, app core.App, id string) {
				if _, err := app.FindFirstRecordByFilter("order_events", "order = {:id} && to = 'draft' && remark = 'Het logo ontbreekt'",
					map[string]any{"id": id}); err != nil {
					t.Errorf("no history line with the remark: %v", err)
				}
			}},
		{name: "bo approves an order of BOB's own team: he is its member", status: "proof", team: f.bob, token: f.boT,
			body: map[string]any{"status": "approved"}, want: 200, content: []string{`"status":"approved"`, `"approved_by":"` + f.bo + `"`}},
		{name: "a status no one knows", status: "draft", token: f.boT,
			body: map[string]any{"status": "betaald"}, want: 400, content: []string{`"code":"orders_transition_invalid"`}},
		{name: "bram changes the remark without a change of status: kept", status: "approved", token: f.bramT,
			body: map[string]any{"remark": "stiekem"}, want: 200, content: []string{`"remark":""`}},
	})
}
