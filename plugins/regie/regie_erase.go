package regie

import (
	"fmt"

	"buurtplein/plugins/audit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Erasure counts what an erasure deleted besides the client.
type Erasure struct {
	Referrals     int `json:"referrals"`
	Conversations int `json:"conversations"`
	Files         int `json:"files"`
	Plans         int `json:"plans"`
	CaseSteps     int `json:"case_steps"`
	Tasks         int `json:"tasks"`
	Notifications int `json:"notifications"`
	// FilesLeft counts the files still in the storage after the erasure
	// (the storage failed): IT removes them by hand.
	FilesLeft int `json:"files_left"`
}

// String returns the counts as the erase entry's details.
func (c Erasure) String() string {
	return fmt.Sprintf("referrals=%d conversations=%d files=%d plans=%d case_steps=%d tasks=%d notifications=%d",
		c.Referrals, c.Conversations, c.Files, c.Plans, c.CaseSteps, c.Tasks, c.Notifications)
}

// erase deletes the client clientId and everything of it, for actor, in
// one transaction with its erase entry: the referrals, conversations,
// plans and case steps go with the client (their relation cascades), the
// tasks made from its plans and the notifications about the client and
// those tasks are deleted with it. Once that is committed, the
// conversations' files are removed from the storage. The access log's
// entries about the client stay: they are the record of who saw it.
func erase(app core.App, actor audit.Actor, clientId string) (Erasure, error) {
	var counts Erasure
	var conversations []*core.Record
	err := app.RunInTransaction(func(txApp core.App) error {
		// read again in the transaction: of two erasures, the second finds
		// nothing
		client, err := txApp.FindRecordById(ClientsCollection, clientId)
		if err != nil {
			return err
		}
		x, err := Export(txApp, clientId)
		if err != nil {
			return err
		}
		conversations = x.Conversations
		counts = Erasure{
			Referrals: len(x.Referrals), Conversations: len(x.Conversations), Files: len(x.Files),
			Plans: len(x.Plans), CaseSteps: len(x.CaseSteps), Tasks: len(x.Tasks),
		}
		for _, task := range x.Tasks {
			if err := txApp.Delete(task); err != nil {
				return fmt.Errorf("erasing %s: task %s: %w", clientId, task.Id, err)
			}
		}
		// the notifications about the client (a deadline passed) and
		// those its tasks' deletion withdrew name them: they go too
		subjects := []any{clientId}
		for _, task := range x.Tasks {
			subjects = append(subjects, task.Id)
		}
		notifications, err := txApp.FindAllRecords("notifications", dbx.HashExp{"subject": subjects})
		if err != nil {
			return fmt.Errorf("erasing %s: its notifications: %w", clientId, err)
		}
		for _, n := range notifications {
			if err := txApp.Delete(n); err != nil {
				return fmt.Errorf("erasing %s: notification %s: %w", clientId, n.Id, err)
			}
		}
		counts.Notifications = len(notifications)
		if err := txApp.Delete(client); err != nil {
			return fmt.Errorf("erasing %s: %w", clientId, err)
		}
		return logAccess(txApp, audit.Entry{
			Action: audit.ActionErase, Actor: actor, Team: client.GetString("team"),
			Client: client.Id, ClientCode: client.GetString("code"),
			Record: x.recordNames(), Details: counts.String(),
		})
	})
	if err != nil {
		return counts, err
	}
	counts.FilesLeft = removeFiles(app, conversations)
	return counts, nil
}

// removeFiles removes the files of the erased records from the storage
// and returns how many are left. PocketBase removes a deleted record's
// files too, but in the background and with failures only in its log:
// an erasure must be done when it says so.
func removeFiles(app core.App, records []*core.Record) int {
	left := 0
	for _, r := range records {
		n, err := removeRecordFiles(app, r)
		if err != nil {
			app.Logger().Error("Erasing a client: files left in the storage", "prefix", r.BaseFilesPath(), "error", err)
		}
		left += n
	}
	return left
}

func removeRecordFiles(app core.App, r *core.Record) (int, error) {
	files := len(r.GetStringSlice("attachments"))
	fsys, err := app.NewFilesystem()
	if err != nil {
		return files, err
	}
	defer fsys.Close()
	// NB! never an empty prefix: that is the whole storage
	prefix := r.BaseFilesPath() + "/"
	if r.Id == "" || prefix == "/" {
		return files, fmt.Errorf("no files path for %s", r.Id)
	}
	// PocketBase's own removal may run at the same time: what counts is
	// what is left afterwards
	fsys.DeletePrefix(prefix)
	objects, err := fsys.List(prefix)
	if err != nil {
		return files, err
	}
	if len(objects) > 0 {
		return len(objects), fmt.Errorf("%d files could not be removed", len(objects))
	}
	return 0, nil
}
