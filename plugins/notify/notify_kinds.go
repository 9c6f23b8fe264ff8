package notify

import "slices"

// Kind says what a notification is about; the PWA words each kind itself,
// in the reader's language, from the notification's parameters. Every kind
// has the text "notify.kind.<kind>" in pb_public/i18n/nl.js and en.js.
type Kind string

// The kinds of notification, each with the parameters it carries (see
// [Kind.Params]). A name in a parameter is the name of a person ("" when
// unknown: the PWA says "a colleague"); a title is what a colleague wrote,
// shown quoted.
const (
	// KindTaskAssigned: the reader was given the task title (by the
	// notification's sender).
	KindTaskAssigned Kind = "task_assigned"
	// KindTaskOverdue: the reader's task title is past its due date.
	KindTaskOverdue Kind = "task_overdue"
	// KindTaskHandedOver: actor handed the reader's task title over to
	// assignee (a coordinator, not the reader, did it).
	KindTaskHandedOver Kind = "task_handed_over"
	// KindHandoverOffered: actor offers the reader the task title.
	KindHandoverOffered Kind = "handover_offered"
	// KindHandoverShift: actor offers the reader n tasks at once (a shift
	// handover); it is about actor's user record.
	KindHandoverShift Kind = "handover_shift"
	// KindHandoverAccepted: actor accepted the reader's offer of title.
	KindHandoverAccepted Kind = "handover_accepted"
	// KindHandoverDeclined: actor declined the reader's offer of title.
	KindHandoverDeclined Kind = "handover_declined"
	// KindHandoverLapsed: actor's offer of title to the reader lapsed (the
	// task was closed, or actor or the reader left its team).
	KindHandoverLapsed Kind = "handover_lapsed"
	// KindHandoverShiftLapsed: n of actor's offers to the reader lapsed at
	// once; it is about actor's user record.
	KindHandoverShiftLapsed Kind = "handover_shift_lapsed"
	// KindTeamAdded: actor added the reader to team, as role ("member" or
	// "coordinator").
	KindTeamAdded Kind = "team_added"

	// KindPostComment: actor commented on the reader's post title.
	KindPostComment Kind = "post_comment"
	// KindMention: actor mentioned the reader ("@Name") in the post title
	// or in a comment on it.
	KindMention Kind = "mention"
	// KindMustreadNew: actor asks the reader to read and confirm title, a
	// must-read post or page, or a new revision of a must-read page.
	KindMustreadNew Kind = "mustread_new"
	// KindMustreadReminder: actor reminds the reader to read and confirm
	// the must-read title.
	KindMustreadReminder Kind = "mustread_reminder"

	// KindQuestionAssigned: the reader (BOB staff) was given the question
	// title to answer.
	KindQuestionAssigned Kind = "question_assigned"
	// KindQuestionAnswered: actor (BOB) answered the reader's question
	// title.
	KindQuestionAnswered Kind = "question_answered"
	// KindQuestionReplied: actor (of the asking team) replied to the
	// question title the reader (BOB staff) is assigned.
	KindQuestionReplied Kind = "question_replied"
	// KindQuestionFlagged: the question title of team waits longer than
	// the response time for its first answer (to BOB staff).
	KindQuestionFlagged Kind = "question_flagged"
)

// The kinds of notification about BOB's orders (plugins/bob): the
// reader's order title moved on, by someone else (BOB staff, or a
// colleague of the reader's team).
const (
	// KindOrderSentBack: actor sent the proof of title back to draft.
	KindOrderSentBack Kind = "order_sent_back"
	// KindOrderProduction: title is being printed.
	KindOrderProduction Kind = "order_production"
	// KindOrderShipped: title was shipped.
	KindOrderShipped Kind = "order_shipped"
	// KindOrderDelivered: title was delivered.
	KindOrderDelivered Kind = "order_delivered"
	// KindOrderCancelled: actor cancelled title.
	KindOrderCancelled Kind = "order_cancelled"
)

// The kinds of notification about the chat (plugins/chat).
const (
	// KindChatMention: actor mentioned the reader ("@Name", "@team" or
	// "@iedereen") in the chat channel (its name; "" for a direct chat,
	// where actor is the other person). It is about the channel.
	KindChatMention Kind = "chat_mention"
)

// The kinds of notification about regie (plugins/regie).
const (
	// KindCaseOverdue: a case of team is past the deadline of its step
	// (the step's name). It is about the client, whom it does not name:
	// notifications are not in the access log.
	KindCaseOverdue Kind = "case_overdue"
)

// ParamText is the one parameter of the notifications written before they
// carried a kind's parameters: the Dutch text they were shown with, kept
// so they stay readable. Nothing new is written with it.
const ParamText = "text"

// kindParams holds every kind with the names of its parameters.
var kindParams = map[Kind][]string{
	KindTaskAssigned:        {"title"},
	KindTaskOverdue:         {"title"},
	KindTaskHandedOver:      {"actor", "title", "assignee"},
	KindHandoverOffered:     {"actor", "title"},
	KindHandoverShift:       {"actor", "n"},
	KindHandoverAccepted:    {"actor", "title"},
	KindHandoverDeclined:    {"actor", "title"},
	KindHandoverLapsed:      {"actor", "title"},
	KindHandoverShiftLapsed: {"actor", "n"},
	KindTeamAdded:           {"actor", "team", "role"},

	KindPostComment:      {"actor", "title"},
	KindMention:          {"actor", "title"},
	KindMustreadNew:      {"actor", "title"},
	KindMustreadReminder: {"actor", "title"},

	KindQuestionAssigned: {"title"},
	KindQuestionAnswered: {"actor", "title"},
	KindQuestionReplied:  {"actor", "title"},
	KindQuestionFlagged:  {"title", "team"},

	// bob: orders
	KindOrderSentBack:   {"actor", "title"},
	KindOrderProduction: {"title"},
	KindOrderShipped:    {"title"},
	KindOrderDelivered:  {"title"},
	KindOrderCancelled:  {"actor", "title"},

	// chat
	KindChatMention: {"actor", "channel"},

	// regie
	KindCaseOverdue: {"step", "team"},
}

// Kinds returns every kind of notification, sorted.
func Kinds() []Kind {
	kinds := make([]Kind, 0, len(kindParams))
	for k := range kindParams {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// Params returns the names of the parameters of k, or nil for a kind that
// does not exist.
func (k Kind) Params() []string {
	return slices.Clone(kindParams[k])
}

// Known reports whether k is one of the kinds.
func (k Kind) Known() bool {
	_, ok := kindParams[k]
	return ok
}
