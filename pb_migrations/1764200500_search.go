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
//     "Cliënt" = "client"), with prefix indexes for 2 to 12 characters: a
//     query word is a prefix, and without its own index the engine merges
//     the lists of every word it begins (Dutch compounds: "insuline" begins
//     "insulinepen", "insulineschema"...) twice per search, once to match
//     and once for bm25; the index costs about half the full-text size
//     again; and before them tags: one word of the row's kind and scope,
//     "k", the kind without underscores, "0", then "o" for every employee,
//     "t" and the team's id for a team's members alone, or "nobody"
//     ("kposts0o", "kwikipages0t<team id>"). A search matches its words in
//     title and body only and the tags of the kinds it asks for in each
//     scope of the caller in tags, so the full-text engine itself leaves out
//     what the caller may not read (tags come first: a row's tags are read
//     without its text).
//
// Existing rows are indexed here; client data (regie) is never indexed.

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
			`CREATE VIRTUAL TABLE _search_fts USING fts5(tags, title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6 7 8 9 10 11 12')`,

			// in the order the records were made, across kinds: a broad
			// search ranks its newest matches
			`INSERT INTO _search_docs (kind, record, team, organisation, parent, slug, created)
				SELECT kind, record, team, organisation, parent, slug, created FROM (
					SELECT 'posts' AS kind, id AS record, coalesce(team, '') AS team,
						(coalesce(team, '') = '' OR visibility = 'organisation') AS organisation,
						'' AS parent, '' AS slug, coalesce(created, '') AS created
					FROM posts
					UNION ALL
					SELECT 'comments', c.id, coalesce(p.team, ''),
						(coalesce(p.team, '') = '' OR p.visibility = 'organisation'),
						c.post, '', coalesce(c.created, '')
					FROM comments c JOIN posts p ON p.id = c.post
					UNION ALL
					SELECT 'wiki_pages', id, coalesce(team, ''),
						(coalesce(team, '') = '' OR shared = TRUE),
						'', coalesce(slug, ''), coalesce(created, '')
					FROM wiki_pages
				) ORDER BY created, kind, record`,

			`INSERT INTO _search_fts (rowid, title, body, tags)
				SELECT d.id,
					coalesce(p.title, ''),
					coalesce(p.body, ''),
					'k' || replace(d.kind, '_', '') || '0' || CASE WHEN d.organisation THEN 'o' WHEN d.team != '' THEN 't' || d.team ELSE 'nobody' END
				FROM _search_docs d JOIN posts p ON p.id = d.record WHERE d.kind = 'posts'`,
			`INSERT INTO _search_fts (rowid, title, body, tags)
				SELECT d.id, '',
					coalesce(c.body, ''),
					'k' || replace(d.kind, '_', '') || '0' || CASE WHEN d.organisation THEN 'o' WHEN d.team != '' THEN 't' || d.team ELSE 'nobody' END
				FROM _search_docs d JOIN comments c ON c.id = d.record WHERE d.kind = 'comments'`,
			`INSERT INTO _search_fts (rowid, title, body, tags)
				SELECT d.id,
					coalesce(w.title, ''),
					coalesce(w.body, ''),
					'k' || replace(d.kind, '_', '') || '0' || CASE WHEN d.organisation THEN 'o' WHEN d.team != '' THEN 't' || d.team ELSE 'nobody' END
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
