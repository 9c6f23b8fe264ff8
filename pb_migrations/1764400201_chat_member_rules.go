package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The chat's rules named the people of a direct or group channel with
// `members ?= @request.auth.id`, which PocketBase compares with the whole
// JSON list of the field, so no one matched: the members of a direct or
// group chat could not read, change or write in it. `members:each ?=`
// compares each id in the list.

const (
	chatMemberRulesSignedIn = `@request.auth.collectionName = "users"`

	chatMemberRulesChannelsRead   = chatMemberRulesSignedIn + ` && (kind = "organisation" || (kind = "team" && @request.auth.memberships_via_user.team ?= team) || members:each ?= @request.auth.id)`
	chatMemberRulesChannelsUpdate = chatMemberRulesSignedIn + ` && ((kind = "group" && members:each ?= @request.auth.id) || (kind = "organisation" && (created_by = @request.auth.id || @request.auth.memberships_via_user.team.kind ?= "bob"))) && @request.body.kind:changed = false && @request.body.team:changed = false && @request.body.created_by:changed = false && @request.body.direct_key:changed = false`

	chatMemberRulesMember         = `((channel.kind = "team" && @request.auth.memberships_via_user.team ?= channel.team) || (channel.kind = "organisation" && @request.auth.channel_reads_via_user.channel ?= channel) || channel.members:each ?= @request.auth.id)`
	chatMemberRulesMessagesRead   = chatMemberRulesSignedIn + ` && ` + chatMemberRulesMember
	chatMemberRulesMessagesUpdate = chatMemberRulesSignedIn + ` && author = @request.auth.id && ` + chatMemberRulesMember + ` && @request.body.channel:changed = false && @request.body.author:changed = false`
	chatMemberRulesMessagesDelete = chatMemberRulesSignedIn + ` && author = @request.auth.id && ` + chatMemberRulesMember

	chatMemberRulesReadsRead   = chatMemberRulesSignedIn + ` && (user = @request.auth.id || ((channel.kind = "direct" || channel.kind = "group") && channel.members:each ?= @request.auth.id))`
	chatMemberRulesReadsCreate = chatMemberRulesSignedIn + ` && user = @request.auth.id && (channel.kind = "organisation" || (channel.kind = "team" && @request.auth.memberships_via_user.team ?= channel.team) || channel.members:each ?= @request.auth.id)`
)

func init() {
	m.Register(func(app core.App) error {
		return setChatRules(app, map[string]map[string]string{
			"channels":      {"list": chatMemberRulesChannelsRead, "view": chatMemberRulesChannelsRead, "update": chatMemberRulesChannelsUpdate},
			"messages":      {"list": chatMemberRulesMessagesRead, "view": chatMemberRulesMessagesRead, "update": chatMemberRulesMessagesUpdate, "delete": chatMemberRulesMessagesDelete},
			"channel_reads": {"list": chatMemberRulesReadsRead, "view": chatMemberRulesReadsRead, "create": chatMemberRulesReadsCreate},
		})
	}, func(app core.App) error {
		return setChatRules(app, map[string]map[string]string{
			"channels":      {"list": chatChannelsRead, "view": chatChannelsRead, "update": chatChannelsUpdate},
			"messages":      {"list": chatMessagesRead, "view": chatMessagesRead, "update": chatMessagesUpdate, "delete": chatMessagesDelete},
			"channel_reads": {"list": chatReadsRead, "view": chatReadsRead, "create": chatReadsCreate},
		})
	})
}

// setChatRules sets the rules of each collection, by kind of rule.
func setChatRules(app core.App, rules map[string]map[string]string) error {
	for name, byKind := range rules {
		collection, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return err
		}
		for kind, rule := range byKind {
			switch kind {
			case "list":
				collection.ListRule = types.Pointer(rule)
			case "view":
				collection.ViewRule = types.Pointer(rule)
			case "create":
				collection.CreateRule = types.Pointer(rule)
			case "update":
				collection.UpdateRule = types.Pointer(rule)
			case "delete":
				collection.DeleteRule = types.Pointer(rule)
			}
		}
		if err := app.Save(collection); err != nil {
			return err
		}
	}
	return nil
}
