package bob

import (
	"fmt"
	"net/http"

	"buurtplein/hooks"
)

// The statuses of an order.
const (
	StatusDraft      = "draft"
	StatusProof      = "proof"
	StatusApproved   = "approved"
	StatusProduction = "production"
	StatusShipped    = "shipped"
	StatusDelivered  = "delivered"
	StatusCancelled  = "cancelled"
)

// role is who asks for a transition, as the table knows them.
type role int

const (
	// roleTeam is a member of the order's team.
	roleTeam role = 1 << iota
	// roleBOB is BOB staff (a member of a team of kind "bob").
	roleBOB
	// roleIT is a superuser (IT, the BOB lead in the dashboard).
	roleIT
)

// transition is a change of an order's status.
type transition struct{ from, to string }

// transitions is the order workflow: each allowed change of status and who
// may make it. Anything not in it is refused, whoever asks:
//
//	from        to          who
//	draft       proof       the team (the proof is rendered)
//	proof       approved    the team, never BOB on its behalf (the print file is rendered)
//	proof       draft       the team, BOB, IT (with a remark)
//	approved    production  BOB, IT
//	production  shipped     BOB, IT
//	shipped     delivered   BOB, IT
//	draft       cancelled   the team, BOB, IT
//	proof       cancelled   the team, BOB, IT
//	approved    cancelled   the team, BOB, IT
//
// IT (a superuser, in the dashboard) may make BOB's transitions, to help
// out when BOB cannot; it never asks for a proof nor approves one: both are
// the team's word on its own material. Nothing leaves delivered or
// cancelled, and an order in production is no longer cancelled: it is
// being printed.
var transitions = map[transition]role{
	{StatusDraft, StatusProof}:         roleTeam,
	{StatusProof, StatusApproved}:      roleTeam,
	{StatusProof, StatusDraft}:         roleTeam | roleBOB | roleIT,
	{StatusApproved, StatusProduction}: roleBOB | roleIT,
	{StatusProduction, StatusShipped}:  roleBOB | roleIT,
	{StatusShipped, StatusDelivered}:   roleBOB | roleIT,
	{StatusDraft, StatusCancelled}:     roleTeam | roleBOB | roleIT,
	{StatusProof, StatusCancelled}:     roleTeam | roleBOB | roleIT,
	{StatusApproved, StatusCancelled}:  roleTeam | roleBOB | roleIT,
}

// checkTransition returns a 400 when no one may change an order's status
// from from to to.
func checkTransition(from, to string) error {
	if _, ok := transitions[transition{from, to}]; ok {
		return nil
	}
	params := hooks.Params{"from": from, "to": to}
	switch {
	case from == StatusDelivered || from == StatusCancelled:
		return hooks.Err(http.StatusBadRequest, "orders_finished", params,
			fmt.Sprintf("Deze bestelling is %s: de status verandert niet meer.", statusWord(from)))
	case from == StatusProduction && to == StatusCancelled:
		return hooks.Err(http.StatusBadRequest, "orders_cancel_in_production", params,
			"Deze bestelling wordt al gedrukt en kan niet meer worden geannuleerd. Neem contact op met BOB.")
	}
	return hooks.Err(http.StatusBadRequest, "orders_transition_invalid", params,
		fmt.Sprintf("Een bestelling gaat niet van %s naar %s.", statusWord(from), statusWord(to)))
}

// checkTransitionBy returns a 403 when who (the roles of the one asking)
// may not make the transition from from to to, which checkTransition
// allows.
func checkTransitionBy(from, to string, who role) error {
	allowed := transitions[transition{from, to}]
	if allowed&who != 0 {
		return nil
	}
	params := hooks.Params{"from": from, "to": to}
	switch {
	case to == StatusApproved:
		return hooks.Err(http.StatusForbidden, "orders_approve_team_only", params,
			"Alleen het team zelf keurt zijn proef goed; BOB doet dat nooit namens een team.")
	case allowed == roleTeam:
		return hooks.Err(http.StatusForbidden, "orders_team_only", params,
			fmt.Sprintf("Alleen een lid van het team van de bestelling zet hem van %s naar %s.", statusWord(from), statusWord(to)))
	}
	return hooks.Err(http.StatusForbidden, "orders_bob_only", params,
		fmt.Sprintf("Alleen BOB zet een bestelling van %s naar %s.", statusWord(from), statusWord(to)))
}

// statusWord is the Dutch word for status, for messages.
func statusWord(status string) string {
	switch status {
	case StatusDraft:
		return "concept"
	case StatusProof:
		return "proef klaar"
	case StatusApproved:
		return "goedgekeurd"
	case StatusProduction:
		return "in productie"
	case StatusShipped:
		return "verzonden"
	case StatusDelivered:
		return "geleverd"
	case StatusCancelled:
		return "geannuleerd"
	}
	return fmt.Sprintf("%q", status)
}
