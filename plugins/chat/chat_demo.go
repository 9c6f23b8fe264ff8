package chat

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// demoChannel is a demo conversation: its messages in order, the last one
// written ago before the seed, and how many of them each reader had read.
type demoChannel struct {
	kind, team, name, description, creator string
	members                                []string // direct and group: the people; organisation: who joined
	messages                               []demoMessage
	ago                                    time.Duration
	read                                   map[string]int // reader → messages read (all: len(messages))
}

type demoMessage struct{ author, body string }

// demoChannels are the demo conversations; people are named by the
// local part of their demo e-mail address.
var demoChannels = []demoChannel{
	{kind: KindTeam, team: "haarlem-noord", ago: 40 * time.Minute,
		messages: []demoMessage{
			{"anna", "Goedemorgen allemaal! Denken jullie aan de overdracht van mevrouw K. vanavond?"},
			{"bram", "Ja, het zorgplan is bijgewerkt. De wond aan haar been ziet er beter uit dan eergisteren."},
			{"dirk", "Ik neem de avondronde in de Zijlweg over, ik ben er rond 19:00."},
			{"anna", "Top, dank je Dirk. @Bram Jansen, zet jij de nieuwe code van het sleutelkastje in het dossier?"},
		},
		read: map[string]int{"anna": 4, "dirk": 3, "bram": 2}},
	{kind: KindTeam, team: "schalkwijk", ago: 2 * time.Hour,
		messages: []demoMessage{
			{"carla", "Wie heeft er morgenochtend nog ruimte voor een extra bezoek in de Europawijk?"},
			{"dirk", "Ik kan om 10:30. Staat het adres in de planning?"},
			{"carla", "Staat erin. Dank je, Dirk! Meneer heeft een nieuwe rollator, even kijken of hij ermee overweg kan."},
		},
		read: map[string]int{"carla": 3}},
	{kind: KindTeam, team: "heemstede", ago: 3 * time.Hour,
		messages: []demoMessage{
			{"eva", "Welkom in ons teamgesprek! Hier stemmen we snel en kort af; wat iedereen moet weten zet ik op het prikbord."},
			{"eva", "Herinnering: donderdag teamoverleg om 13:00 in de Princehof. Neem je agenda-punten mee."},
		},
		read: map[string]int{"eva": 2}},
	{kind: KindTeam, team: "bob", ago: 5 * time.Hour,
		messages: []demoMessage{
			{"bo", "De posters voor de griepprik zijn binnen; ik verstuur ze vandaag naar alle teams."},
			{"bo", "Er staan drie nieuwe vragen over declaraties in de vragenbox. Ik pak ze morgen op."},
		},
		read: map[string]int{"bo": 2}},
	{kind: KindDirect, creator: "anna", members: []string{"anna", "bram"}, ago: 25 * time.Minute,
		messages: []demoMessage{
			{"anna", "Hoi Bram, kun jij zaterdagochtend bij meneer De Jong langs?"},
			{"bram", "Ja hoor, ik zet het in de planning."},
			{"anna", "Dank je! Let even op zijn voeten, de huisarts wil graag een foto van de wond."},
		},
		read: map[string]int{"anna": 3, "bram": 2}},
	{kind: KindGroup, name: "Wondzorg regio", creator: "dirk", members: []string{"dirk", "carla", "eva"}, ago: 90 * time.Minute,
		messages: []demoMessage{
			{"dirk", "Ik heb dit groepje gestart om ervaringen met het nieuwe wondzorgprotocol te delen."},
			{"carla", "Goed idee. Bij ons werkt het schuimverband goed bij decubitus aan de hiel."},
			{"eva", "In Heemstede twijfelen we nog over verbandwissel om de drie dagen. Hoe doen jullie dat?"},
			{"dirk", "Wij houden drie dagen aan, tenzij het verband lekt. Volgende week deel ik ons stappenplan."},
		},
		read: map[string]int{"dirk": 4, "carla": 3}},
	{kind: KindOrganisation, name: "Scholing & intervisie", description: "Cursussen, scholing en intervisie voor alle buurtteams.",
		creator: "bo", members: []string{"bo", "anna", "eva", "carla"}, ago: 4 * time.Hour,
		messages: []demoMessage{
			{"bo", "Welkom! Hier delen we scholingen en intervisiemomenten voor alle buurtteams."},
			{"anna", "Is er dit najaar weer een training palliatieve zorg?"},
			{"bo", "Ja, op 14 november in Haarlem. Aanmelden kan via de vragenbox van BOB."},
			{"eva", "Wij doen graag mee met twee collega's uit Heemstede."},
		},
		read: map[string]int{"bo": 4, "anna": 2, "eva": 4, "carla": 1}},
}

// seedChat seeds the demo conversations: messages in every demo team's
// channel, a direct chat between anna and bram, a group chat across three
// teams and an organisation channel with some members, and how far each
// has read. It adds only what is missing, and leaves no notification
// behind: the demo starts without news about old messages.
func seedChat(app core.App) error {
	return app.RunInTransaction(func(txApp core.App) error {
		var teamIds []string
		if err := txApp.DB().Select("id").From(hooks.TeamsCollection).Column(&teamIds); err != nil {
			return fmt.Errorf("the teams: %w", err)
		}
		for _, id := range teamIds {
			if err := EnsureTeamChannel(txApp, id); err != nil {
				return err
			}
		}
		for _, d := range demoChannels {
			if err := seedChannel(txApp, d); err != nil {
				return fmt.Errorf("demo channel %s %s%s: %w", d.kind, d.team, d.name, err)
			}
		}
		return nil
	})
}

func seedChannel(app core.App, d demoChannel) error {
	users := map[string]string{}
	for _, name := range append(append([]string{d.creator}, d.members...), authorsOf(d.messages)...) {
		if name == "" || users[name] != "" {
			continue
		}
		user, err := app.FindAuthRecordByEmail(hooks.UsersCollection, name+"@buurtplein.test")
		if err != nil {
			return fmt.Errorf("demo user %s: %w", name, err)
		}
		users[name] = user.Id
	}

	channel, err := demoChannelRecord(app, d, users)
	if err != nil {
		return err
	}

	// the messages a minute or more apart, the last one ago before now
	start := time.Now().Add(-d.ago).Add(-time.Duration(len(d.messages)-1) * 7 * time.Minute)
	created := make([]types.DateTime, len(d.messages))
	added := false
	for i, m := range d.messages {
		created[i], _ = types.ParseDateTime(start.Add(time.Duration(i) * 7 * time.Minute))
		stored, ok, err := seedMessage(app, channel.Id, users[m.author], m.body, created[i])
		if err != nil {
			return err
		}
		created[i] = stored
		added = added || ok
	}

	for _, name := range d.members {
		if d.kind == KindOrganisation {
			if err := seedRead(app, channel.Id, users[name], types.DateTime{}); err != nil {
				return err
			}
		}
	}
	for name, n := range d.read {
		var last types.DateTime
		if n > 0 {
			last = created[min(n, len(created))-1]
		}
		if err := seedRead(app, channel.Id, users[name], last); err != nil {
			return err
		}
	}

	if !added {
		return nil
	}
	// mentions in the demo messages would notify as if just written
	return notify.Withdraw(app, dbx.HashExp{"subject": channel.Id, "subject_collection": ChannelsCollection})
}

func authorsOf(messages []demoMessage) []string {
	names := make([]string, len(messages))
	for i, m := range messages {
		names[i] = m.author
	}
	return names
}

// demoChannelRecord finds the channel of d, or makes it.
func demoChannelRecord(app core.App, d demoChannel, users map[string]string) (*core.Record, error) {
	var filter string
	params := dbx.Params{"kind": d.kind, "name": d.name}
	switch d.kind {
	case KindTeam:
		team, err := app.FindFirstRecordByData(hooks.TeamsCollection, "slug", d.team)
		if err != nil {
			return nil, fmt.Errorf("demo team %s: %w", d.team, err)
		}
		if err := EnsureTeamChannel(app, team.Id); err != nil {
			return nil, err
		}
		filter, params["team"] = "kind = {:kind} && team = {:team}", team.Id
	case KindDirect:
		filter, params["key"] = "kind = {:kind} && direct_key = {:key}", DirectKey(users[d.members[0]], users[d.members[1]])
	default:
		filter = "kind = {:kind} && name = {:name}"
	}
	channel, err := app.FindFirstRecordByFilter(ChannelsCollection, filter, params)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return channel, err
	}

	collection, err := app.FindCachedCollectionByNameOrId(ChannelsCollection)
	if err != nil {
		return nil, err
	}
	channel = core.NewRecord(collection)
	channel.Set("kind", d.kind)
	channel.Set("name", d.name)
	channel.Set("description", d.description)
	channel.Set("created_by", users[d.creator])
	if d.kind != KindOrganisation {
		var members []string
		for _, name := range d.members {
			members = append(members, users[name])
		}
		channel.Set("members", members)
	}
	if err := app.Save(channel); err != nil {
		return nil, err
	}
	return channel, nil
}

// seedMessage saves a message unless the channel holds it already, and
// returns its created time and whether it was added.
func seedMessage(app core.App, channelId, authorId, body string, created types.DateTime) (types.DateTime, bool, error) {
	existing, err := app.FindFirstRecordByFilter(MessagesCollection, "channel = {:channel} && author = {:author} && body = {:body}",
		dbx.Params{"channel": channelId, "author": authorId, "body": body})
	if err == nil {
		return existing.GetDateTime("created"), false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return created, false, err
	}
	collection, err := app.FindCachedCollectionByNameOrId(MessagesCollection)
	if err != nil {
		return created, false, err
	}
	message := core.NewRecord(collection)
	message.Set("channel", channelId)
	message.Set("author", authorId)
	message.Set("body", body)
	message.SetRaw("created", created) // a conversation of the past hours
	if err := app.Save(message); err != nil {
		return created, false, fmt.Errorf("demo message %q: %w", body, err)
	}
	return message.GetDateTime("created"), true, nil
}

// seedRead gives userId a read state in channelId unless they have one;
// one of a later time moves it forward.
func seedRead(app core.App, channelId, userId string, last types.DateTime) error {
	read, err := findRead(app, channelId, userId)
	if err != nil {
		return err
	}
	if read == nil {
		collection, err := app.FindCachedCollectionByNameOrId(ReadsCollection)
		if err != nil {
			return err
		}
		read = core.NewRecord(collection)
		read.Set("channel", channelId)
		read.Set("user", userId)
	} else if !last.After(read.GetDateTime("last_read")) {
		return nil
	}
	read.Set("last_read", last)
	return app.Save(read)
}
