package hooks_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// TestDBConnectNoAutomaticCheckpoint checks the connections of every pool
// the app writes with: PocketBase's pragmas, and no checkpoint in a
// commit.
func TestDBConnectNoAutomaticCheckpoint(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	pools := map[string]dbx.Builder{
		"main": app.ConcurrentDB(), "main writes": app.NonconcurrentDB(),
		"auxiliary": app.AuxConcurrentDB(), "auxiliary writes": app.AuxNonconcurrentDB(),
	}
	for name, db := range pools {
		for pragma, want := range map[string]string{
			"wal_autocheckpoint": "0", "journal_mode": "wal", "busy_timeout": "10000",
			"foreign_keys": "1", "synchronous": "1",
		} {
			var got string
			if err := db.NewQuery("PRAGMA " + pragma).Row(&got); err != nil {
				t.Fatalf("%s: %s: %v", name, pragma, err)
			}
			if !strings.EqualFold(got, want) {
				t.Errorf("%s: %s = %s, want %s", name, pragma, got, want)
			}
		}
	}
}

// TestTransactionOutlastsAnotherWriter reads in a transaction, lets
// another connection to the database (as the replication or a command
// has) try to commit, and then writes in the transaction: the other
// writer waits for the transaction, which commits. With deferred
// transactions the other commit came first, and the write failed with
// SQLITE_BUSY_SNAPSHOT.
func TestTransactionOutlastsAnotherWriter(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	if _, err := app.NonconcurrentDB().NewQuery("CREATE TABLE writer_probe (id TEXT)").Execute(); err != nil {
		t.Fatal(err)
	}
	other, err := dbx.Open("sqlite", filepath.Join(app.DataDir(), "data.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	otherDone := make(chan error, 1)
	err = app.RunInTransaction(func(tx core.App) error {
		var n int
		if err := tx.DB().NewQuery("SELECT count(*) FROM writer_probe").Row(&n); err != nil {
			return err
		}
		go func() {
			_, err := other.NewQuery("INSERT INTO writer_probe VALUES ('other')").Execute()
			otherDone <- err
		}()
		// the other writer's commit, if it is not made to wait
		select {
		case err := <-otherDone:
			otherDone <- err
		case <-time.After(500 * time.Millisecond):
		}
		_, err := tx.DB().NewQuery("INSERT INTO writer_probe VALUES ('app')").Execute()
		return err
	})
	if err != nil {
		t.Fatalf("the transaction's write after another writer's try: %v", err)
	}
	if err := <-otherDone; err != nil {
		t.Fatalf("the other writer: %v", err)
	}
	var ids []string
	if err := app.DB().NewQuery("SELECT id FROM writer_probe ORDER BY rowid").Column(&ids); err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, ",") != "app,other" {
		t.Fatalf("writer_probe holds %v, want the app's row, then the other's", ids)
	}
}

// TestCheckpointsInTheBackground writes a megabyte, which stays in the
// write-ahead log (no commit checkpoints), and waits for the background
// checkpoint to copy it into the database file.
func TestCheckpointsInTheBackground(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	file := filepath.Join(app.DataDir(), "data.db")
	size := func() int64 {
		info, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		return info.Size()
	}

	before := size()
	if _, err := app.NonconcurrentDB().NewQuery("CREATE TABLE checkpoint_probe (b BLOB)").Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := app.NonconcurrentDB().NewQuery("INSERT INTO checkpoint_probe VALUES (randomblob(1048576))").Execute(); err != nil {
		t.Fatal(err)
	}
	if grown := size() - before; grown >= 1<<20 {
		t.Fatalf("the commit wrote %d bytes into the database file itself", grown)
	}
	for deadline := time.Now().Add(30 * time.Second); size()-before < 1<<20; {
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint copied the megabyte into the database file in 30 s (grew %d bytes)", size()-before)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
