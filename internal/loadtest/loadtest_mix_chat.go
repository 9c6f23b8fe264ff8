package loadtest

import (
	"fmt"
	"net/http"
)

// chatExpand is what the PWA expands on a message: its author, and the
// message it replies to with that one's author.
const chatExpand = "author,reply_to,reply_to.author"

// chatMarker starts the body of every message the load test writes,
// followed by the message's id, so a realtime client can tell which
// message arrived without decoding the event.
const chatMarker = "Chatbericht "

// messageId returns a new message id as the PWA picks them: 15
// characters of [a-z0-9].
func (v *vu) messageId() string {
	var b [15]byte
	for i := range b {
		b[i] = idAlphabet[v.rng.IntN(len(idAlphabet))]
	}
	return string(b[:])
}

// openChat reads the chat's channel list and the latest messages of the
// team's channel, as the PWA's chat screen does when it opens on it.
func (v *vu) openChat() {
	v.chatChannels()
	v.chatMessages()
}

// chatChannels reads the employee's channels: our route, which adds the
// unread counts and last messages; on bare PocketBase, which has no such
// route, the channels the record API lets them read.
func (v *vu) chatChannels() {
	if v.bare {
		v.get("chat_channels", records("channels")+fullList("sort", "-updated"), nil)
		return
	}
	v.get("chat_channels", "/api/buurtplein/chat/channels", nil)
}

// chatMessages reads the latest 50 messages of the team's channel: from
// our page route, as the PWA does; on bare PocketBase, which has no such
// route, from the record API's list.
func (v *vu) chatMessages() {
	channel := v.chat.team[v.team()]
	if v.bare {
		v.get("chat_messages", records("messages")+list(1, 50, "filter", "channel = "+quote(channel), "sort", "-created", "expand", chatExpand), nil)
		return
	}
	v.get("chat_messages", "/api/buurtplein/chat/channels/"+channel+"/messages?perPage=50&expand="+chatExpand, nil)
}

// chatSend writes a message into the team's channel.
func (v *vu) chatSend() {
	v.sendMessage(v.chat.team[v.team()], v.messageId())
}

// sendMessage writes a message with id into channel as the employee, and
// reports whether it was stored.
func (v *vu) sendMessage(channel, id string) bool {
	return v.send("chat_send", http.MethodPost, records("messages")+"?expand="+chatExpand, jsonBody(map[string]any{
		"id": id, "channel": channel, "author": v.acc.id,
		"body": fmt.Sprintf("%s%s: wie kan morgen de vroege dienst overnemen?", chatMarker, id),
	}))
}
