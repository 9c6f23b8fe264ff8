package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Search over tasks: the tasks plugin adds tasks to the search index
// (plugins/search, kind "tasks"), and from then on its record hooks keep a
// task's row current in the transaction of each save. This indexes the
// tasks that exist already, as 1764200500_search did for posts, comments
// and pages:
//
//   - _search_docs: kind 'tasks', the task's id, its team as scope (never
//     organisation-wide: only the team's members read a task), its created.
//   - _search_fts: the title; as body the description, then the text of
//     each checklist item, one a line (what the plugin writes, so a later
//     save changes nothing it need not); as tags "ktasks0t" and the team's
//     id ("nobody" for a task without a team, which the schema does not
//     allow, but no row may be readable by mistake).
//
// A checklist that is not valid JSON counts as empty.

func init() {
	m.Register(func(app core.App) error {
		for _, sql := range []string{
			`INSERT INTO _search_docs (kind, record, team, organisation, parent, slug, created)
				SELECT 'tasks', id, coalesce(team, ''), 0, '', '', coalesce(created, '')
				FROM tasks
				ORDER BY created, id`,

			`INSERT INTO _search_fts (rowid, title, body, tags)
				SELECT d.id,
					coalesce(t.title, ''),
					CASE
						WHEN coalesce(t.description, '') = '' THEN coalesce(substr(c.lines, 2), '')
						ELSE t.description || coalesce(c.lines, '')
					END,
					'ktasks0' || CASE WHEN d.team != '' THEN 't' || d.team ELSE 'nobody' END
				FROM _search_docs d
				JOIN tasks t ON t.id = d.record
				LEFT JOIN (
					SELECT task, group_concat(char(10) || text, '') AS lines FROM (
						SELECT t2.id AS task, j.key AS item,
							CASE WHEN j.type != 'object' THEN ''
								WHEN json_type(j.value, '$.text') = 'text' THEN json_extract(j.value, '$.text')
								ELSE '' END AS text
						FROM tasks t2, json_each(CASE
							WHEN NOT coalesce(json_valid(t2.checklist), 0) THEN '[]'
							WHEN json_type(t2.checklist) = 'array' THEN t2.checklist
							ELSE '[]' END) j
						ORDER BY t2.id, j.key
					) WHERE text != '' GROUP BY task
				) c ON c.task = t.id
				WHERE d.kind = 'tasks'`,
		} {
			if _, err := app.DB().NewQuery(sql).Execute(); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, sql := range []string{
			`DELETE FROM _search_fts WHERE rowid IN (SELECT id FROM _search_docs WHERE kind = 'tasks')`,
			`DELETE FROM _search_docs WHERE kind = 'tasks'`,
		} {
			if _, err := app.DB().NewQuery(sql).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}
