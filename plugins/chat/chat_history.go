package chat

import (
	"net/http"
	"strconv"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The most messages a page of a conversation holds, and how many when
// the client does not say.
const (
	historyPageMax     = 100
	historyPageDefault = 50
)

// historyExpand is what a page of a conversation carries of each message
// unless the client asks otherwise: who wrote it and what it answers.
var historyExpand = []string{"author", "reply_to", "reply_to.author"}

// listMessages answers a page of a conversation, newest first:
//
//	GET /api/buurtplein/chat/channels/{id}/messages?perPage=50&before=<created>&beforeId=<id>
//
// with the messages before the oldest of the page before (its created
// and id), in the shape of the record API's list without a total. The
// record API's list checks the messages' rule on every row it reads, and
// PocketBase joins that rule's back-relations over all of the reader's
// memberships and read states for each: a reader of 100 chats paid 25 ms
// a page. Here the membership is checked once and the page is read from
// the channel's index (docs/BENCHMARKS.md, "A channel of 1,000,000
// messages"). What a page expands goes through the record API's rules.
func (p *plugin) listMessages(e *core.RequestEvent) error {
	channel, err := channelOfMember(e, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	query := e.Request.URL.Query()
	perPage, err := historyPerPage(query.Get("perPage"))
	if err != nil {
		return err
	}
	q := e.App.RecordQuery(MessagesCollection).
		AndWhere(dbx.HashExp{"channel": channel.Id}).
		OrderBy("created DESC", "id DESC").
		Limit(int64(perPage))
	if raw := query.Get("before"); raw != "" {
		before, err := types.ParseDateTime(raw)
		if err != nil || before.IsZero() {
			return errPageInvalid()
		}
		// the oldest message's time and id: a message of the same
		// millisecond is on the next page, not lost between two. The
		// plain bound lets SQLite start the index walk there: the OR
		// alone made it read every newer message first (225 ms a page
		// half way back in a channel of 1,000,000)
		q.AndWhere(dbx.NewExp("created <= {:before}", dbx.Params{"before": before.String()}))
		q.AndWhere(dbx.Or(
			dbx.NewExp("created < {:before}", dbx.Params{"before": before.String()}),
			dbx.And(
				dbx.NewExp("created = {:before}", dbx.Params{"before": before.String()}),
				dbx.NewExp("id < {:beforeId}", dbx.Params{"beforeId": query.Get("beforeId")}),
			),
		))
	}
	records := []*core.Record{}
	if err := q.All(&records); err != nil {
		return err
	}
	expand := historyExpand
	if query.Has("expand") {
		expand = nil // the client's ?expand, which EnrichRecords reads itself
	}
	if err := apis.EnrichRecords(e, records, expand...); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{
		"page": 1, "perPage": perPage, "totalItems": -1, "totalPages": -1, "items": records,
	})
}

// historyPerPage reads a page's size: historyPageDefault when empty, 1 to
// historyPageMax otherwise.
func historyPerPage(raw string) (int, error) {
	if raw == "" {
		return historyPageDefault, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > historyPageMax {
		return 0, errPageInvalid()
	}
	return n, nil
}

// errPageInvalid is the answer to a page asked for with a before that is
// no time, or a perPage out of bounds.
func errPageInvalid() error {
	return hooks.Err(http.StatusBadRequest, "chat_page_invalid", hooks.Params{"max": historyPageMax},
		"Vraag een bladzijde van een gesprek met before (de tijd van het oudste bericht dat je hebt) en perPage van 1 tot 100.")
}
