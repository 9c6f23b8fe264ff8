package chat

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"unicode"
	"unicode/utf8"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Limits of the reactions to a message.
const (
	maxEmojiBytes    = 16 // one emoji: a flag, a skin tone, a pair joined
	maxReactionKinds = 20 // different emoji under one message
)

// reactForm is the body of POST /api/buurtplein/chat/messages/{id}/reactions.
type reactForm struct {
	Emoji string `json:"emoji"`
}

// react toggles the caller's reaction with an emoji to a message of a
// channel they are a member of, reading and writing the reactions in one
// transaction so that colleagues reacting at once all keep theirs. It
// answers the message as the record API does. A message the caller may
// not read is a 404; a superuser gets a 403 (the route is for employees).
func (p *plugin) react(e *core.RequestEvent) error {
	var form reactForm
	if err := e.BindBody(&form); err != nil {
		return hooks.Err(http.StatusBadRequest, "request_invalid_json", nil, "De aanvraag is geen geldige JSON.")
	}
	invalid := hooks.Err(http.StatusBadRequest, "chat_reaction_invalid", hooks.Params{"max": maxReactionKinds},
		fmt.Sprintf("Reageer met één emoji; een bericht heeft ten hoogste %d verschillende emoji als reactie.", maxReactionKinds))
	if !isEmoji(form.Emoji) {
		return invalid
	}

	var message *core.Record
	err := e.App.RunInTransaction(func(txApp core.App) error {
		var err error
		if message, err = memberMessage(txApp, e.Request.PathValue("id"), e.Auth.Id); err != nil {
			return err
		}
		if !message.GetDateTime("deleted").IsZero() {
			return hooks.Err(http.StatusBadRequest, "chat_message_deleted", nil,
				"Dit bericht is verwijderd; je kunt er niet meer op reageren.")
		}
		var reactions map[string][]string
		if err := message.UnmarshalJSONField("reactions", &reactions); err != nil || reactions == nil {
			reactions = map[string][]string{} // none yet (null)
		}
		if !toggle(reactions, form.Emoji, e.Auth.Id) {
			return invalid
		}
		message.Set("reactions", reactions)
		return txApp.Save(message)
	})
	if err != nil {
		return err
	}
	if err := apis.EnrichRecord(e, message); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, message)
}

// memberMessage returns the message with id when userId is a member of
// its channel, and a 404 otherwise, the same as for a message that does
// not exist.
func memberMessage(app core.App, id, userId string) (*core.Record, error) {
	notFound := hooks.Err(http.StatusNotFound, "chat_message_not_found", nil,
		"Dit bericht bestaat niet (meer), of het hoort bij een gesprek waar je geen lid van bent.")
	message, err := app.FindRecordById(MessagesCollection, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("message %s: %w", id, err)
	}
	channel, err := app.FindRecordById(ChannelsCollection, message.GetString("channel"))
	if err != nil {
		return nil, fmt.Errorf("the channel of message %s: %w", id, err)
	}
	ok, err := IsMember(app, channel, userId)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound
	}
	return message, nil
}

// toggle adds userId's reaction emoji to reactions, or takes it away when
// it is there. It reports false when adding would make more than
// [maxReactionKinds] different emoji.
func toggle(reactions map[string][]string, emoji, userId string) bool {
	users := reactions[emoji]
	if i := slices.Index(users, userId); i >= 0 {
		users = slices.Delete(users, i, i+1)
		if len(users) == 0 {
			delete(reactions, emoji)
		} else {
			reactions[emoji] = users
		}
		return true
	}
	if len(users) == 0 && len(reactions) >= maxReactionKinds {
		return false
	}
	reactions[emoji] = append(users, userId)
	return true
}

// isEmoji reports whether s is one emoji: a flag (two regional
// indicators), a keycap ("1️⃣") or pictographs joined by zero-width
// joiners, each with an optional presentation selector and skin tone; at
// most [maxEmojiBytes] bytes (so not the longest families, nor the flags
// of England, Scotland and Wales). Text, two emoji side by side or a lone
// modifier is none.
func isEmoji(s string) bool {
	if s == "" || len(s) > maxEmojiBytes || !utf8.ValidString(s) {
		return false
	}
	r := []rune(s)
	if isRegional(r[0]) {
		return len(r) == 2 && isRegional(r[1])
	}
	if (r[0] >= '0' && r[0] <= '9') || r[0] == '#' || r[0] == '*' {
		return (len(r) == 2 && r[1] == 0x20E3) || (len(r) == 3 && r[1] == 0xFE0F && r[2] == 0x20E3)
	}
	for i := 0; ; {
		if i >= len(r) || !isPictograph(r[i]) {
			return false
		}
		i++
		if i < len(r) && (r[i] == 0xFE0F || r[i] == 0xFE0E) {
			i++
		}
		if i < len(r) && r[i] >= 0x1F3FB && r[i] <= 0x1F3FF { // skin tone
			i++
		}
		if i == len(r) {
			return true
		}
		if r[i] != 0x200D { // zero-width joiner
			return false
		}
		i++
	}
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// isPictograph reports whether r is a symbol that shows as an emoji: a
// symbol of Unicode's "other symbol" class (pictographs, dingbats, the
// heart) or one of the few emoji among the punctuation.
func isPictograph(r rune) bool {
	if r >= 0x1F3FB && r <= 0x1F3FF {
		return false // a skin tone alone
	}
	switch r {
	case 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D:
		return true
	}
	return r > 0xFF && unicode.Is(unicode.So, r)
}
