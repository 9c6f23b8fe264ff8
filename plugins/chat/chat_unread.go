package chat

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// UnreadCap is the most unread messages the channel list counts in a
// channel; the PWA shows "100+". Counting stops there, so a channel never
// read with a million messages costs as little as one with a hundred.
const UnreadCap = 100

// ExcerptMax is the most characters of a last message's excerpt.
const ExcerptMax = 80

// ChannelItem is one channel of GET /api/buurtplein/chat/channels.
type ChannelItem struct {
	Id          string       `json:"id"`
	Kind        string       `json:"kind"`
	Name        string       `json:"name"` // empty for a team channel: show TeamName
	Team        string       `json:"team"`
	TeamName    string       `json:"teamName"`
	Description string       `json:"description"`
	Members     []Person     `json:"members,omitempty"` // direct and group channels only
	MemberCount int          `json:"memberCount"`
	Unread      int          `json:"unread"`    // at most UnreadCap
	Mentioned   bool         `json:"mentioned"` // an unread message mentions the caller, or everyone
	LastRead    string       `json:"lastRead"`
	LastMessage *LastMessage `json:"lastMessage"`

	activity string
}

// Person is a member of a direct or group channel in the channel list.
type Person struct {
	Id     string `db:"id" json:"id"`
	Name   string `db:"name" json:"name"`
	Avatar string `db:"avatar" json:"avatar"`
}

// LastMessage is the newest message of a channel in the channel list.
type LastMessage struct {
	Id          string `db:"id" json:"id"`
	Created     string `db:"created" json:"created"`
	Author      string `db:"author" json:"author"`
	AuthorName  string `db:"author_name" json:"authorName"`
	Excerpt     string `db:"-" json:"excerpt"` // plain text; "" when deleted
	Attachments int    `db:"-" json:"attachments"`

	Body            string `db:"body" json:"-"`
	Deleted         string `db:"deleted" json:"-"`
	AttachmentsJSON string `db:"attachments" json:"-"`
}

// channelRow is one of the caller's channels with its counts, as the
// list's query reads it.
type channelRow struct {
	Id          string `db:"id"`
	Kind        string `db:"kind"`
	Name        string `db:"name"`
	Team        string `db:"team"`
	Description string `db:"description"`
	Members     string `db:"members"`
	Created     string `db:"created"`
	LastRead    string `db:"last_read"`
	Unread      int    `db:"unread"`
	Mentioned   bool   `db:"mentioned"`
	LastMessage string `db:"last_message"`
	TeamName    string `db:"team_name"`
	MemberCount int    `db:"member_count"`
}

// channelsQuery reads the caller's channels (team channels of their
// teams, organisation channels they joined, direct and group chats they
// are in) with, per channel, index look-ups only: the unread count
// stops at the cap, the mention flag reads the partial index of
// mentioning messages, the newest message is the last entry of the
// (channel, created) index. A direct chat is found by the index of either
// of its two members; a group chat's members are a JSON list of ids
// (`"id"` in it is the caller), looked through group by group.
var channelsQuery = `WITH mine AS (
	SELECT c.id FROM memberships mb JOIN channels c ON c.team = mb.team AND c.kind = 'team' WHERE mb.user = {:me}
	UNION
	SELECT c.id FROM channel_reads cr JOIN channels c ON c.id = cr.channel AND c.kind = 'organisation' WHERE cr.user = {:me}
	UNION
	SELECT c.id FROM channels c WHERE c.kind = 'direct' AND json_extract(c.members, '$[0]') = {:me}
	UNION
	SELECT c.id FROM channels c WHERE c.kind = 'direct' AND json_extract(c.members, '$[1]') = {:me}
	UNION
	SELECT c.id FROM channels c WHERE c.kind = 'group' AND instr(c.members, {:quoted}) > 0
)
SELECT c.id, c.kind, c.name, c.team, c.description, c.members, c.created,
	COALESCE(r.last_read, '') AS last_read,
	(SELECT count(*) FROM (SELECT 1 FROM messages m
		WHERE m.channel = c.id AND m.created > COALESCE(r.last_read, '') AND m.author != {:me}
		LIMIT ` + strconv.Itoa(UnreadCap) + `)) AS unread,
	EXISTS (SELECT 1 FROM messages m INDEXED BY idx_messages_mentioning
		WHERE m.channel = c.id AND m.created > COALESCE(r.last_read, '')
		AND (mention_all != '' OR mentions != '[]')
		AND m.author != {:me} AND (m.mention_all != '' OR instr(m.mentions, {:quoted}) > 0)) AS mentioned,
	COALESCE((SELECT m.id FROM messages m WHERE m.channel = c.id ORDER BY m.created DESC LIMIT 1), '') AS last_message,
	COALESCE((SELECT t.name FROM teams t WHERE t.id = c.team), '') AS team_name,
	CASE c.kind
		WHEN 'team' THEN (SELECT count(*) FROM memberships mb WHERE mb.team = c.team)
		WHEN 'organisation' THEN (SELECT count(*) FROM channel_reads cr WHERE cr.channel = c.id)
		ELSE json_array_length(c.members)
	END AS member_count
FROM mine JOIN channels c ON c.id = mine.id
LEFT JOIN channel_reads r ON r.channel = c.id AND r.user = {:me}`

// listChannels answers GET /api/buurtplein/chat/channels: the caller's
// channels, newest activity first, in three queries whatever their
// number (the channels with their counts, the last messages, the people
// of direct and group chats).
func (p *plugin) listChannels(e *core.RequestEvent) error {
	items, err := Channels(e.App, e.Auth.Id)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}

// Channels returns the channels of userId as the channel list shows
// them, newest activity first.
func Channels(app core.App, userId string) ([]ChannelItem, error) {
	var rows []channelRow
	err := app.DB().NewQuery(channelsQuery).
		Bind(dbx.Params{"me": userId, "quoted": strconv.Quote(userId)}).
		All(&rows)
	if err != nil {
		return nil, fmt.Errorf("channels of %s: %w", userId, err)
	}

	items := make([]ChannelItem, len(rows))
	var lastIds, people []any
	for i, r := range rows {
		items[i] = ChannelItem{
			Id: r.Id, Kind: r.Kind, Name: r.Name, Team: r.Team, TeamName: r.TeamName,
			Description: r.Description, MemberCount: r.MemberCount,
			Unread: r.Unread, Mentioned: r.Mentioned, LastRead: r.LastRead,
			activity: r.Created,
		}
		if r.LastMessage != "" {
			lastIds = append(lastIds, r.LastMessage)
		}
		if r.Kind == KindDirect || r.Kind == KindGroup {
			var ids []string
			_ = json.Unmarshal([]byte(r.Members), &ids) // a relation field's JSON list
			items[i].Members = make([]Person, 0, len(ids))
			for _, id := range ids {
				items[i].Members = append(items[i].Members, Person{Id: id})
				people = append(people, id)
			}
		}
	}

	last, err := lastMessages(app, lastIds)
	if err != nil {
		return nil, err
	}
	persons, err := personsByID(app, people)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		if m, ok := last[r.LastMessage]; ok {
			items[i].LastMessage = m
			items[i].activity = m.Created
		}
		for j, person := range items[i].Members {
			if found, ok := persons[person.Id]; ok {
				items[i].Members[j] = found
			}
		}
	}

	slices.SortStableFunc(items, func(a, b ChannelItem) int {
		return cmp.Or(cmp.Compare(b.activity, a.activity), cmp.Compare(a.Id, b.Id))
	})
	return items, nil
}

// lastMessages returns the messages of ids with their authors' names,
// by id.
func lastMessages(app core.App, ids []any) (map[string]*LastMessage, error) {
	found := map[string]*LastMessage{}
	if len(ids) == 0 {
		return found, nil
	}
	var messages []*LastMessage
	err := app.DB().Select("m.id", "m.created", "m.author", "m.body", "m.deleted", "m.attachments",
		"COALESCE(u.name, '') AS author_name").
		From(MessagesCollection+" m").
		LeftJoin(hooks.UsersCollection+" u", dbx.NewExp("u.id = m.author")).
		Where(dbx.In("m.id", ids...)).
		All(&messages)
	if err != nil {
		return nil, fmt.Errorf("the channels' last messages: %w", err)
	}
	for _, m := range messages {
		if m.Deleted == "" {
			m.Excerpt = Excerpt(m.Body, ExcerptMax)
			var files []string
			_ = json.Unmarshal([]byte(m.AttachmentsJSON), &files)
			m.Attachments = len(files)
		}
		found[m.Id] = m
	}
	return found, nil
}

// personsByID returns the name and avatar of the employees ids, by id.
func personsByID(app core.App, ids []any) (map[string]Person, error) {
	found := map[string]Person{}
	if len(ids) == 0 {
		return found, nil
	}
	var persons []Person
	err := app.DB().Select("id", "name", "avatar").From(hooks.UsersCollection).
		Where(dbx.In("id", ids...)).All(&persons)
	if err != nil {
		return nil, fmt.Errorf("the people of the chats: %w", err)
	}
	for _, person := range persons {
		found[person.Id] = person
	}
	return found, nil
}

var (
	markdownLink   = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	markdownMarker = regexp.MustCompile("(?m)^\\s{0,3}(#{1,6}\\s+|>\\s?|[-*+]\\s+|\\d{1,9}[.)]\\s+)")
	markdownInline = strings.NewReplacer("**", "", "__", "", "~~", "", "`", "", "*", "")
)

// Excerpt returns the start of a Markdown body as plain text on one line,
// at most limit characters (an ellipsis ends a cut one): links as their
// text, without emphasis, headings, quotes or list markers, and without
// control or formatting characters that could make it read as something
// else.
func Excerpt(body string, limit int) string {
	s := markdownLink.ReplaceAllString(body, "$1")
	s = markdownMarker.ReplaceAllString(s, "")
	s = markdownInline.Replace(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > limit {
		s = strings.TrimSpace(string(r[:limit-1])) + "…"
	}
	return s
}
