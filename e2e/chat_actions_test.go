package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestChatActionsOnMessages has anna and bram in their direct chat side by
// side, on a phone. Bram replies to a message of anna's (the reply bar
// quotes it, the sent message carries the quote, in anna's view too),
// reacts to it with 👍 (pressed, counted, also for anna; a second tap
// takes it back), edits his reply (the "bewerkt" mark, and anna sees the
// new text without a reload) and deletes it after the question (both see
// "bericht verwijderd").
func TestChatActionsOnMessages(t *testing.T) {
	b := newBrowser(t)
	anna := b.tab("anna")
	bram := b.tab("bram")
	anna.signIn("anna@buurtplein.test", "Anna de Vries")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	annaAPI := apiAs(t, b.baseURL, "anna@buurtplein.test")
	bramAPI := apiAs(t, b.baseURL, "bram@buurtplein.test")
	channel := directChannel(t, bramAPI, annaAPI.userId)

	for _, p := range []*tab{anna, bram} {
		p.goTo("#/chat/" + channel)
		p.waitVisible("see the direct chat, live", chatRoom(channel)+`[data-state=ready][data-live=true]`)
	}

	// anna asks something; bram sees it arrive
	stamp := time.Now().UnixNano()
	question := fmt.Sprintf("Kun jij de wondfoto van vandaag sturen? %d", stamp)
	var asked struct{ Id string }
	annaAPI.decode(http.StatusOK, http.MethodPost, "/api/collections/messages/records",
		map[string]string{"channel": channel, "author": annaAPI.userId, "body": question}, &asked)
	bram.waitFor("see anna's question", countMessages(question)+` === 1`)
	annaMsg := fmt.Sprintf(`[data-test=message][data-id=%q]`, asked.Id)

	// the reply: the bar above the composer quotes anna's message
	composer := chatRoom(channel) + ` form[data-test=chat-composer]`
	bram.do("tap reply on anna's message", chromedp.Click(chromedp.CSS(annaMsg+` [data-test=message-reply]`)))
	bram.waitFor("see the reply bar quote anna", `(() => {
		const bar = document.querySelector(`+jsString(composer+` [data-test=chat-replying]`)+`);
		return bar && !bar.hidden && bar.textContent.includes("Anna") && bar.textContent.includes(`+jsString(fmt.Sprint(stamp))+`);
	})()`)
	reply := fmt.Sprintf("Ja, ik stuur hem na de ronde. %d", stamp)
	bram.do("write the reply and send it",
		chromedp.SendKeys(chromedp.CSS(composer+` textarea[name=body]`), reply),
		chromedp.Click(chromedp.CSS(composer+` [data-test=chat-send]`)),
	)
	bram.waitFor("see the reply sent", messageWith(reply)+`?.dataset.state === "sent"`)
	bram.waitFor("see the reply bar gone", `document.querySelector(`+jsString(composer+` [data-test=chat-replying]`)+`).hidden`)
	quoted := func(p *tab, what string) {
		p.t.Helper()
		p.waitFor(what, `(() => {
			const q = `+messageWith(reply)+`?.querySelector("[data-test=message-quote]");
			return q && q.dataset.id === `+jsString(asked.Id)+` && q.textContent.includes(`+jsString(fmt.Sprint(stamp))+`);
		})()`)
	}
	quoted(bram, "see the reply quote anna's message")
	quoted(anna, "see bram's reply, quoting her message, live")
	replyId := eval[string](bram, "read the reply's id", messageWith(reply)+`.dataset.id`)
	bramMsg := fmt.Sprintf(`[data-test=message][data-id=%q]`, replyId)
	var stored struct {
		ReplyTo string `json:"reply_to"`
		Author  string
	}
	bramAPI.decode(http.StatusOK, http.MethodGet, "/api/collections/messages/records/"+replyId, nil, &stored)
	if stored.ReplyTo != asked.Id || stored.Author != bramAPI.userId {
		t.Errorf("the server stored the reply with reply_to %q, author %q; want %q, %q", stored.ReplyTo, stored.Author, asked.Id, bramAPI.userId)
	}

	// a reaction: pressed and counted, for anna too; a second tap takes it back
	const thumb = "👍"
	reaction := fmt.Sprintf(`%s [data-test=reaction][data-emoji=%q]`, annaMsg, thumb)
	bram.do("open the reactions of anna's message", chromedp.Click(chromedp.CSS(annaMsg+` [data-test=message-react]`)))
	bram.do("choose 👍", chromedp.Click(chromedp.CSS(fmt.Sprintf(`%s [data-test=reaction-choice][data-emoji=%q]`, annaMsg, thumb))))
	bram.waitFor("see his reaction pressed and counted once", `(() => {
		const r = document.querySelector(`+jsString(reaction)+`);
		return r && r.getAttribute("aria-pressed") === "true" && r.querySelector(".chat-reaction-count")?.textContent === "1";
	})()`)
	anna.waitFor("see bram's reaction live, not pressed for her", `(() => {
		const r = document.querySelector(`+jsString(reaction)+`);
		return r && r.getAttribute("aria-pressed") === "false" && r.querySelector(".chat-reaction-count")?.textContent === "1";
	})()`)
	bram.do("tap the reaction again", chromedp.Click(chromedp.CSS(reaction)))
	bram.waitFor("see the reaction taken back", `!document.querySelector(`+jsString(reaction)+`)`)
	anna.waitFor("see the reaction gone live", `!document.querySelector(`+jsString(reaction)+`)`)

	// an edit: the "bewerkt" mark, and anna reads the new text live
	edited := fmt.Sprintf("Ja, ik stuur hem vanmiddag. %d", stamp)
	bram.do("edit the reply", chromedp.Click(chromedp.CSS(bramMsg+` [data-test=message-edit]`)))
	form := bramMsg + ` form[data-test=message-edit-form]`
	bram.do("change the text and save",
		chromedp.WaitVisible(chromedp.CSS(form+` textarea[name=body]`)),
		// select the old text, so typing replaces it
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(form+` textarea[name=body]`)+`).select()`),
		chromedp.SendKeys(chromedp.CSS(form+` textarea[name=body]`), edited),
		chromedp.Click(chromedp.CSS(form+` button[type=submit]`)),
	)
	for _, p := range []*tab{bram, anna} {
		p.waitFor("see the edited text with the \"bewerkt\" mark", `(() => {
			const m = document.querySelector(`+jsString(bramMsg)+`);
			return m && !m.querySelector("[data-test=message-edit-form]") &&
				m.querySelector("[data-test=message-body]")?.textContent.trim() === `+jsString(edited)+` &&
				m.querySelector("[data-test=message-edited]")?.textContent.trim() === "bewerkt";
		})()`)
	}
	if n := eval[int](anna, "count the old text", countMessages(reply)); n != 0 {
		t.Errorf("anna still sees the text before the edit %d times", n)
	}
	bram.checkPhone("the conversation after an edit")

	// a delete: asked first, then shown as deleted on both sides
	bram.do("tap delete", chromedp.Click(chromedp.CSS(bramMsg+` [data-test=message-delete]`)))
	bram.do("confirm", chromedp.Click(chromedp.CSS(bramMsg+` [data-test=message-delete-confirm-yes]`)))
	for _, p := range []*tab{bram, anna} {
		p.waitFor("see the reply deleted", `(() => {
			const m = document.querySelector(`+jsString(bramMsg)+`);
			return m && m.dataset.state === "deleted" && !m.querySelector("[data-test=message-body]") &&
				m.querySelector("[data-test=message-deleted]")?.textContent.trim() === "bericht verwijderd";
		})()`)
	}
	var gone struct {
		Body    string
		Deleted string
	}
	annaAPI.decode(http.StatusOK, http.MethodGet, "/api/collections/messages/records/"+replyId, nil, &gone)
	if gone.Body != "" || gone.Deleted == "" {
		t.Errorf("the server keeps the deleted reply as body %q, deleted %q; want it cleared and marked", gone.Body, gone.Deleted)
	}
}

// TestChatActionsPhotoAndJoin has bram send a photo with a message in his
// direct chat with anna: it shows as a thumbnail that loads. He then
// mentions anna, picked from the @-picker, which gives her a notification.
// Then eva, on the channel list, follows an organisation channel that bo
// of BOB just started and reads its messages.
func TestChatActionsPhotoAndJoin(t *testing.T) {
	b := newBrowser(t)
	bram := b.tab("bram")
	eva := b.tab("eva")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	eva.signIn("eva@buurtplein.test", "Eva Smit")
	annaAPI := apiAs(t, b.baseURL, "anna@buurtplein.test")
	bramAPI := apiAs(t, b.baseURL, "bram@buurtplein.test")
	evaAPI := apiAs(t, b.baseURL, "eva@buurtplein.test")
	boAPI := apiAs(t, b.baseURL, "bo@buurtplein.test")
	channel := directChannel(t, bramAPI, annaAPI.userId)
	stamp := time.Now().UnixNano()
	// PocketBase's time format, to find what the test caused
	started := time.Now().UTC().Add(-time.Second).Format("2006-01-02 15:04:05.000Z")

	// bo starts an organisation channel with a first message
	var org struct{ Id string }
	name := fmt.Sprintf("Valpreventie %d", stamp)
	boAPI.decode(http.StatusOK, http.MethodPost, "/api/collections/channels/records",
		map[string]string{"kind": "organisation", "name": name, "description": "Ervaringen met valpreventie thuis.", "created_by": boAPI.userId}, &org)
	welcome := fmt.Sprintf("Welkom bij valpreventie! %d", stamp)
	if code, body := boAPI.do(http.MethodPost, "/api/collections/messages/records",
		map[string]string{"channel": org.Id, "author": boAPI.userId, "body": welcome}); code != http.StatusOK {
		t.Fatalf("bo writes: %d %s", code, body)
	}

	// the photo
	bram.goTo("#/chat/" + channel)
	bram.waitVisible("see the direct chat, live", chatRoom(channel)+`[data-state=ready][data-live=true]`)
	composer := chatRoom(channel) + ` form[data-test=chat-composer]`
	bram.do("choose a photo", chromedp.SetUploadFiles(chromedp.CSS(composer+` [data-test=chat-attach]`), []string{writePhoto(t, 320, 240)}))
	bram.waitFor("see the photo's preview", `(() => {
		const p = document.querySelector(`+jsString(composer+` [data-test=chat-previews]`)+`);
		return p && !p.hidden && p.querySelectorAll("[data-test=chat-preview]").length === 1;
	})()`)
	caption := fmt.Sprintf("De wond van meneer De Jong. %d", stamp)
	bram.do("write the message and send it",
		chromedp.SendKeys(chromedp.CSS(composer+` textarea[name=body]`), caption),
		chromedp.Click(chromedp.CSS(composer+` [data-test=chat-send]`)),
	)
	bram.waitFor("see the message sent", messageWith(caption)+`?.dataset.state === "sent"`)
	loaded := messageWith(caption) + `?.querySelector("[data-test=message-photo] img")`
	bram.waitFor("see the photo's thumbnail load", `(() => {
		const img = `+loaded+`;
		img?.scrollIntoView({block: "center"});
		return img && img.complete && img.naturalWidth > 0;
	})()`)
	bram.checkPhone("the conversation with a photo")
	id := eval[string](bram, "read the message's id", messageWith(caption)+`.dataset.id`)
	var sent struct{ Attachments []string }
	annaAPI.decode(http.StatusOK, http.MethodGet, "/api/collections/messages/records/"+id, nil, &sent)
	if len(sent.Attachments) != 1 {
		t.Errorf("the message has %d attachments on the server, want 1", len(sent.Attachments))
	}
	if n := eval[int](bram, "count the previews after sending", `document.querySelectorAll(`+jsString(composer+` [data-test=chat-preview]`)+`).length`); n != 0 {
		t.Errorf("the composer still shows %d previews after sending", n)
	}

	// a mention picked from the @-picker tells anna; an open notification
	// of the same kind would be brought up to date rather than made anew, so
	// anna first reads those earlier runs left
	mentionFilter := "/api/collections/notifications/records?filter=" + url.QueryEscape(fmt.Sprintf(
		`kind = "chat_mention" && subject = %q && sender = %q && read = false`, channel, bramAPI.userId))
	var told struct {
		Items []struct{ Id, Created string }
	}
	annaAPI.decode(http.StatusOK, http.MethodGet, mentionFilter, nil, &told)
	for _, n := range told.Items {
		if code, body := annaAPI.do(http.MethodPatch, "/api/collections/notifications/records/"+n.Id, map[string]bool{"read": true}); code != http.StatusOK {
			t.Fatalf("anna reads notification %s: %d %s", n.Id, code, body)
		}
	}
	bram.do("start a mention", chromedp.SendKeys(chromedp.CSS(composer+` textarea[name=body]`), "@Ann"))
	option := fmt.Sprintf(`%s [data-test=mention-list] [data-test=mention-option][data-user=%q]`, composer, annaAPI.userId)
	bram.do("pick anna", chromedp.Click(chromedp.CSS(option)))
	bram.waitFor("see her name in the text", `document.querySelector(`+jsString(composer+` textarea[name=body]`)+`).value === "@Anna de Vries "`)
	ask := fmt.Sprintf("@Anna de Vries kijk jij even mee? %d", stamp)
	bram.do("write on and send",
		chromedp.SendKeys(chromedp.CSS(composer+` textarea[name=body]`), fmt.Sprintf("kijk jij even mee? %d", stamp)),
		chromedp.Click(chromedp.CSS(composer+` [data-test=chat-send]`)),
	)
	bram.waitFor("see the mention sent", messageWith(ask)+`?.dataset.state === "sent"`)
	askId := eval[string](bram, "read the mention's id", messageWith(ask)+`.dataset.id`)
	var mentioned struct{ Mentions []string }
	annaAPI.decode(http.StatusOK, http.MethodGet, "/api/collections/messages/records/"+askId, nil, &mentioned)
	if !slices.Equal(mentioned.Mentions, []string{annaAPI.userId}) {
		t.Errorf("the message mentions %v on the server, want anna (%s)", mentioned.Mentions, annaAPI.userId)
	}
	annaAPI.decode(http.StatusOK, http.MethodGet, mentionFilter, nil, &told)
	if len(told.Items) != 1 || told.Items[0].Created < started {
		t.Errorf("anna has %d unread mention notifications from bram for the chat (%+v), want one made since %s", len(told.Items), told.Items, started)
	}

	// eva follows the new organisation channel from the list
	eva.goTo("#/chat")
	eva.waitVisible("see the channel list", `[data-test=chat-list][data-state=ready]`)
	joinable := fmt.Sprintf(`[data-test=joinable-channel][data-id=%q]`, org.Id)
	eva.waitVisible("see the new channel to follow", joinable)
	eva.checkPhone("the channel list with a channel to follow")
	eva.do("follow it", chromedp.Click(chromedp.CSS(joinable+` [data-test=channel-join]`)))
	eva.waitVisible("see the channel's conversation", chatRoom(org.Id)+`[data-state=ready]`)
	eva.waitFor("read bo's message", countMessages(welcome)+` === 1`)
	eva.waitVisible("see the composer instead of the join button", chatRoom(org.Id)+` form[data-test=chat-composer]`)
	if n := eval[int](eva, "look for the join button", `document.querySelectorAll(`+jsString(chatRoom(org.Id)+` [data-test=chat-join]`)+`).length`); n != 0 {
		t.Errorf("the conversation still offers to follow the channel (%d buttons)", n)
	}
	var reads struct{ TotalItems int }
	evaAPI.decode(http.StatusOK, http.MethodGet, "/api/collections/channel_reads/records?filter="+
		url.QueryEscape(fmt.Sprintf(`channel = %q && user = %q`, org.Id, evaAPI.userId)), nil, &reads)
	if reads.TotalItems != 1 {
		t.Errorf("eva has %d memberships of the channel on the server, want 1", reads.TotalItems)
	}
	eva.goTo("#/chat")
	eva.waitVisible("see the channel list again", `[data-test=chat-list][data-state=ready]`)
	eva.waitFor("see the channel among hers, no longer to follow", fmt.Sprintf(
		`document.querySelector('[data-test=channel][data-id=%q]') && !document.querySelector(%s)`, org.Id, jsString(joinable)))
}

// directChannel returns the id of the direct chat between the API
// client's user and the other user.
func directChannel(t *testing.T, c *apiClient, other string) string {
	t.Helper()
	var list struct {
		Items []struct {
			Id      string
			Members []string
		}
	}
	c.decode(http.StatusOK, http.MethodGet, "/api/collections/channels/records?perPage=200&filter="+url.QueryEscape(`kind = "direct"`), nil, &list)
	for _, ch := range list.Items {
		if slices.Contains(ch.Members, other) && slices.Contains(ch.Members, c.userId) {
			return ch.Id
		}
	}
	t.Fatalf("no direct chat of %s with %s among %d", c.userId, other, len(list.Items))
	return ""
}
