package chat

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"buurtplein/hooks"
	"buurtplein/plugins/teams"

	"github.com/pocketbase/pocketbase/core"
)

// maxMentions is the most "@Name" mentions of a message that are read:
// as many as a message can store (messages.mentions).
const maxMentions = 50

// The values of messages.mention_all.
const (
	MentionTeam     = "team"     // "@team"
	MentionEveryone = "everyone" // "@iedereen"
)

// readMentions sets the mentions of message from its body: the channel's
// members it names ("@Name", matched as the feed matches them) and
// whether it calls all of them ("@team", "@iedereen"). Calling all is
// refused in a channel of more than [Config.EveryoneLimit] members, but
// for BOB staff in an organisation channel; an edit that keeps the call
// is not refused again.
func (p *plugin) readMentions(app core.App, message *core.Record) error {
	body := message.GetString("body")
	message.Set("mentions", []string{})
	message.Set("mention_all", "")
	if !message.GetDateTime("deleted").IsZero() || !strings.Contains(body, "@") {
		return nil // most messages: no look-ups
	}
	channel, err := app.FindRecordById(ChannelsCollection, message.GetString("channel"))
	if err != nil {
		return nil // the relation field refuses it
	}
	members, err := Members(app, channel)
	if err != nil {
		return err
	}
	ids, err := teams.Mentioned(app, body, maxMentions, members)
	if err != nil {
		return fmt.Errorf("the mentions of message %s: %w", message.Id, err)
	}
	message.Set("mentions", ids)

	all := mentionAll(body)
	message.Set("mention_all", all)
	if all == "" || (!message.IsNew() && all == message.Original().GetString("mention_all")) {
		return nil
	}
	if len(members) <= p.config.EveryoneLimit {
		return nil
	}
	if channel.GetString("kind") == KindOrganisation {
		bob, err := hooks.IsBOBStaff(app, message.GetString("author"))
		if err != nil || bob {
			return err
		}
	}
	return hooks.Err(http.StatusBadRequest, "chat_mention_all_forbidden", hooks.Params{"max": p.config.EveryoneLimit},
		fmt.Sprintf("@team en @iedereen kunnen alleen in gesprekken van ten hoogste %d mensen (in organisatiekanalen alleen door BOB). Noem de collega's die het aangaat bij naam.", p.config.EveryoneLimit))
}

// mentionAll returns [MentionEveryone] when text says "@iedereen",
// [MentionTeam] when it says "@team" (in any case, as a word of its own),
// and "" otherwise.
func mentionAll(text string) string {
	all := ""
	for rest := range teams.MentionsIn(text) {
		switch {
		case wordAt(rest, "iedereen"):
			return MentionEveryone
		case wordAt(rest, "team"):
			all = MentionTeam
		}
	}
	return all
}

// wordAt reports whether rest starts with word (ASCII, in any case) and no
// letter or digit follows it.
func wordAt(rest, word string) bool {
	if len(rest) < len(word) || !strings.EqualFold(rest[:len(word)], word) {
		return false
	}
	next, _ := utf8.DecodeRuneInString(rest[len(word):])
	return len(rest) == len(word) || !teams.IsWordRune(next)
}
