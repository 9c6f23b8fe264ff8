package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Search: a full-text index over posts, comments and wiki pages (SQLite
// FTS5, which PocketBase's SQLite driver, modernc.org/sqlite, is built
// with), kept current by the search plugin in the same transaction as each
// write. It is no collection: no API rule can open it, and only the
// search route reads it.
//
//   - _search_docs: one row per indexed record: its kind (the collection),
//     id, and who may read it: team (its team, "" for none) and
//     organisation (1 when every employee may: an organisation post, a
//     team's post shared with the organisation, an organisation page or a
//     shared team page). A comment holds its post's scope and the post as
//     parent, so a post's change of visibility moves its comments too.
//   - _search_fts: the text (title, body) under the same rowid, tokenized
//     by unicode61 with remove_diacritics 2 (capitals and accents fold:
//     "Cliënt" = "client"), with prefix indexes for 2 and 3 characters so a
//     short prefix ("wo") does not scan every term. The rank is bm25 with a
//     title weighing four times the body.
//
// The private-use characters U+E000 and U+E001 mark a hit in a snippet, so
// they are left out of the indexed text. Existing rows are indexed here;
// client data (regie) is never indexed.

func init() {
	m.Register(func(app core.App) error {
		for _, sql := range []string{
			`CREATE TABLE _search_docs (
				id           INTEGER PRIMARY KEY,
				kind         TEXT    NOT NULL,
				record       TEXT    NOT NULL,
				team         TEXT    NOT NULL DEFAULT '',
				organisation INTEGER NOT NULL DEFAULT 0,
				parent       TEXT    NOT NULL DEFAULT '',
				slug         TEXT    NOT NULL DEFAULT '',
				created      TEXT    NOT NULL DEFAULT ''
			)`,
			`CREATE UNIQUE INDEX idx__search_docs_kind_record ON _search_docs (kind, record)`,
			`CREATE INDEX idx__search_docs_parent ON _search_docs (parent)`,
			`CREATE VIRTUAL TABLE _search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')`,
			`INSERT INTO _search_fts (_search_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)')`,

			`INSERT INTO _search_docs (kind, record, team, organisation, created)
				SELECT 'posts', id, coalesce(team, ''), (coalesce(team, '') = '' OR visibility = 'organisation'), coalesce(created, '')
				FROM posts`,
			`INSERT INTO _search_docs (kind, record, team, organisation, parent, created)
				SELECT 'comments', c.id, coalesce(p.team, ''), (coalesce(p.team, '') = '' OR p.visibility = 'organisation'), c.post, coalesce(c.created, '')
				FROM comments c JOIN posts p ON p.id = c.post`,
			`INSERT INTO _search_docs (kind, record, team, organisation, slug, created)
				SELECT 'wiki_pages', id, coalesce(team, ''), (coalesce(team, '') = '' OR shared = TRUE), coalesce(slug, ''), coalesce(created, '')
				FROM wiki_pages`,

			`INSERT INTO _search_fts (rowid, title, body)
				SELECT d.id,
					replace(replace(coalesce(p.title, ''), char(57344), ' '), char(57345), ' '),
					replace(replace(coalesce(p.body, ''), char(57344), ' '), char(57345), ' ')
				FROM _search_docs d JOIN posts p ON p.id = d.record WHERE d.kind = 'posts'`,
			`INSERT INTO _search_fts (rowid, title, body)
				SELECT d.id, '',
					replace(replace(coalesce(c.body, ''), char(57344), ' '), char(57345), ' ')
				FROM _search_docs d JOIN comments c ON c.id = d.record WHERE d.kind = 'comments'`,
			`INSERT INTO _search_fts (rowid, title, body)
				SELECT d.id,
					replace(replace(coalesce(w.title, ''), char(57344), ' '), char(57345), ' '),
					replace(replace(coalesce(w.body, ''), char(57344), ' '), char(57345), ' ')
				FROM _search_docs d JOIN wiki_pages w ON w.id = d.record WHERE d.kind = 'wiki_pages'`,
		} {
			if _, err := app.DB().NewQuery(sql).Execute(); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, sql := range []string{
			`DROP TABLE IF EXISTS _search_fts`,
			`DROP TABLE IF EXISTS _search_docs`,
		} {
			if _, err := app.DB().NewQuery(sql).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}
