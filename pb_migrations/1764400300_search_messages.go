package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Search over chat messages: the chat plugin adds the messages of team
// channels to the search index (plugins/search, kind "messages"), and
// from then on its record hooks keep a message's row current in the
// transaction of each save. This indexes the messages that exist already,
// as 1764200600_search_tasks did for tasks:
//
//   - _search_docs: kind 'messages', the message's id, its channel's team
//     as scope (never organisation-wide: only the team's members read a
//     team channel), its channel's id as slug (where a result opens), its
//     created. Only messages of team channels with a team, with text and
//     not deleted: organisation, direct and group messages are never
//     indexed, their audience is no team.
//   - _search_fts: no title; the body as text; as tags "kmessages0t" and
//     the team's id.
//
// A message indexed already (by the plugin's hooks) keeps its row.

func init() {
	m.Register(func(app core.App) error {
		for _, sql := range []string{
			`INSERT OR IGNORE INTO _search_docs (kind, record, team, organisation, parent, slug, created)
				SELECT 'messages', m.id, c.team, 0, '', m.channel, coalesce(m.created, '')
				FROM messages m
				JOIN channels c ON c.id = m.channel
				WHERE c.kind = 'team' AND coalesce(c.team, '') != ''
					AND coalesce(m.body, '') != '' AND coalesce(m.deleted, '') = ''
				ORDER BY m.created, m.id`,

			`INSERT INTO _search_fts (rowid, title, body, tags)
				SELECT d.id, '', m.body, 'kmessages0t' || d.team
				FROM _search_docs d
				JOIN messages m ON m.id = d.record
				WHERE d.kind = 'messages'
					AND NOT EXISTS (SELECT 1 FROM _search_fts f WHERE f.rowid = d.id)`,
		} {
			if _, err := app.DB().NewQuery(sql).Execute(); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, sql := range []string{
			`DELETE FROM _search_fts WHERE rowid IN (SELECT id FROM _search_docs WHERE kind = 'messages')`,
			`DELETE FROM _search_docs WHERE kind = 'messages'`,
		} {
			if _, err := app.DB().NewQuery(sql).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}
