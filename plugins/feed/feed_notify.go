package feed

import (
	"fmt"
	"slices"
	"strings"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// titleExcerpt is how many characters of its body stand for a post
// without a title in a notification.
const titleExcerpt = 80

// bindNotifications tells colleagues what a request wrote (the record API
// and batch), in the transaction of the write: the author of a post about
// a comment by someone else, and the colleagues a post or comment
// mentions. An edit notifies only the colleagues it mentions anew: who was
// mentioned before already knows, and fixing a typo should not call
// everyone again. Go code (the demo, an import) notifies no one.
func (p *plugin) bindNotifications() {
	p.app.OnRecordCreate(PostsCollection, CommentsCollection).BindFunc(func(e *core.RecordEvent) error {
		return p.inWrite(e, func(txApp core.App, write func() error) error {
			if err := write(); err != nil {
				return err
			}
			return p.notifyWritten(txApp, nil, e.Record)
		})
	})
	p.app.OnRecordUpdate(PostsCollection, CommentsCollection).BindFunc(func(e *core.RecordEvent) error {
		old := e.Record.Original()
		return p.inWrite(e, func(txApp core.App, write func() error) error {
			if err := write(); err != nil {
				return err
			}
			if !textChanged(e.Record, old) {
				return nil
			}
			return p.notifyWritten(txApp, old, e.Record)
		})
	})

	// a deleted post takes its notifications with it: they would point at
	// nothing
	p.app.OnRecordDelete(PostsCollection).BindFunc(func(e *core.RecordEvent) error {
		return e.App.RunInTransaction(func(txApp core.App) error {
			e.App = txApp
			if err := e.Next(); err != nil {
				return err
			}
			return notify.Withdraw(txApp, dbx.HashExp{"subject": e.Record.Id, "subject_collection": PostsCollection})
		})
	})
}

// requestWrite marks the record a request is about to save, for inWrite.
func (p *plugin) requestWrite(e *core.RecordRequestEvent) error {
	p.writes.Store(e.Record, e)
	defer p.writes.Delete(e.Record)
	return e.Next()
}

// inWrite runs fn in one transaction around the write of a record a
// request saves: fn calls write (the record's validation and its row) and
// notifies, so that both land or neither. Saves no request marked just
// write.
func (p *plugin) inWrite(e *core.RecordEvent, fn func(txApp core.App, write func() error) error) error {
	if _, ok := p.writes.LoadAndDelete(e.Record); !ok {
		return e.Next()
	}
	app := e.App
	err := app.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		return fn(txApp, e.Next)
	})
	// NB! PocketBase runs the record's success hooks (realtime among them)
	// on the event's app once this returns: the app, not the transaction
	// that has ended by then
	e.App = app
	return err
}

// notifyWritten notifies about record, a post or comment just written
// (old is what it was before an edit, nil for a new one).
func (p *plugin) notifyWritten(app core.App, old, record *core.Record) error {
	post := record
	if record.Collection().Name == CommentsCollection {
		var err error
		if post, err = app.FindRecordById(PostsCollection, record.GetString("post")); err != nil {
			return fmt.Errorf("the post of comment %s: %w", record.Id, err)
		}
	}
	writer := record.GetString("author")
	n := newsOf(app, post, writer)

	notified := []string{writer}
	if old == nil && record.Collection().Name == CommentsCollection {
		author := post.GetString("author")
		if author != writer {
			readers, err := readersOf(app, post, []string{author})
			if err != nil {
				return err
			}
			for _, r := range readers {
				if err := n.send(notify.KindPostComment, r); err != nil {
					return err
				}
				notified = append(notified, r)
			}
		}
	}

	ids, err := p.mentioned(app, record.GetString("body"))
	if err != nil {
		return err
	}
	if old != nil {
		before, err := p.mentioned(app, old.GetString("body"))
		if err != nil {
			return err
		}
		ids = slices.DeleteFunc(ids, func(id string) bool { return slices.Contains(before, id) })
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return slices.Contains(notified, id) })
	readers, err := readersOf(app, post, ids)
	if err != nil {
		return err
	}
	for _, r := range readers {
		if err := n.send(notify.KindMention, r); err != nil {
			return err
		}
	}
	return nil
}

// news is what the notifications about one write share: the post they
// are about, who wrote, and the wording's parameters.
type news struct {
	app    core.App
	post   string
	writer string
	params map[string]any
}

func newsOf(app core.App, post *core.Record, writer string) news {
	name := ""
	if user, err := app.FindRecordById(hooks.UsersCollection, writer); err == nil {
		name = user.GetString("name")
	}
	return news{app: app, post: post.Id, writer: writer, params: map[string]any{"actor": name, "title": postTitle(post)}}
}

func (n news) send(kind notify.Kind, user string) error {
	return notify.Notify(n.app, notify.Notification{
		User:    user,
		Kind:    kind,
		Subject: notify.Subject{Collection: PostsCollection, Id: n.post},
		Sender:  n.writer,
		Params:  n.params,
	})
}

// postTitle is what a notification calls post: its title, or the start of
// its body when it has none.
func postTitle(post *core.Record) string {
	if title := post.GetString("title"); title != "" {
		return title
	}
	body := strings.Join(strings.Fields(post.GetString("body")), " ")
	if r := []rune(body); len(r) > titleExcerpt {
		body = string(r[:titleExcerpt-1]) + "…"
	}
	return body
}

// orgVisible reports whether every employee reads post: an organisation
// post, or a team's post shared with the organisation.
func orgVisible(post *core.Record) bool {
	return post.GetString("team") == "" || post.GetString("visibility") == "organisation"
}

// readersOf returns those of users who may read post and whose account is
// not blocked, in the order given: every employee for a post the whole
// organisation reads, the members of its team for a team's post.
func readersOf(app core.App, post *core.Record, users []string) ([]string, error) {
	if len(users) == 0 {
		return nil, nil
	}
	ids := make([]any, len(users))
	for i, u := range users {
		ids[i] = u
	}
	q := app.DB().Select("u.id").Distinct(true).
		From(hooks.UsersCollection + " u").
		Where(dbx.In("u.id", ids...)).
		AndWhere(dbx.HashExp{"u.disabled": false})
	if !orgVisible(post) {
		q.InnerJoin(hooks.MembershipsCollection+" m", dbx.NewExp("m.user = u.id AND m.team = {:team}", dbx.Params{"team": post.GetString("team")}))
	}
	var found []string
	if err := q.Column(&found); err != nil {
		return nil, fmt.Errorf("who may read post %s: %w", post.Id, err)
	}
	return slices.DeleteFunc(slices.Clone(users), func(u string) bool { return !slices.Contains(found, u) }), nil
}
