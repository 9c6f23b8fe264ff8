package drill

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "buurtplein/pb_migrations"

	"github.com/pocketbase/pocketbase/core"
)

// TestUpgradeFromPreviousRelease starts the binary on the data dir the
// previous release made (testdata/previous-release.zip): the server applies
// this release's migrations, serves, signs every demo employee in and takes
// their writes; with the server stopped, the data dir passes the drill's
// checks and every migration of the binary is recorded as applied.
func TestUpgradeFromPreviousRelease(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	dir := t.TempDir()
	unzip(t, filepath.Join("testdata", "previous-release.zip"), dir)
	dataDir := filepath.Join(dir, "pb_data")
	before := appliedMigrations(t, dataDir)
	if len(before) == 0 {
		t.Fatal("the previous release's data dir has no migrations applied")
	}

	srv, err := Start(ServerOptions{Bin: binary(t), DataDir: dataDir, WorkDir: dir})
	if err != nil {
		t.Fatal(serverError("starting on the previous release's data dir", srv, err))
	}
	defer srv.Kill()
	a := newAPI(srv.URL)
	o, err := setUp(ctx, a)
	if err != nil {
		t.Fatal(serverError("signing in on the migrated data dir", srv, err))
	}
	var l ledger
	stop := make(chan struct{})
	ws := startWriters(ctx, stop, a, o, &l, 4)
	time.Sleep(time.Second)
	close(stop)
	if err := ws.Wait(); err != nil {
		t.Fatal(serverError("writing on the migrated data dir", srv, err))
	}
	a.close()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}

	st, err := readState(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	found := checkWrites(st, l.all(), func(w write) bool { return w.acked })
	if problems := append(st.problems, found.Problems...); len(problems) > 0 || found.Required == 0 {
		t.Fatalf("%d writes acknowledged; problems in the migrated data dir:\n%s", found.Required, firstLines(problems, 30))
	}

	applied := appliedMigrations(t, dataDir)
	for _, m := range core.AppMigrations.Items() {
		if !applied[m.File] {
			t.Errorf("migration %s of this binary was not applied to the previous release's data dir", m.File)
		}
	}
	t.Logf("the previous release recorded %d migrations (PocketBase's and Buurtplein's), now %d; the binary has %d of its own, all applied; %d writes after the upgrade, all there", len(before), len(applied), len(core.AppMigrations.Items()), found.Required)
}

// appliedMigrations reads the migrations recorded in dataDir's database.
func appliedMigrations(t *testing.T, dataDir string) map[string]bool {
	t.Helper()
	db, err := openDB(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var files []string
	if err := db.Select("file").From(core.DefaultMigrationsTable).Column(&files); err != nil {
		t.Fatal(err)
	}
	applied := map[string]bool{}
	for _, f := range files {
		applied[f] = true
	}
	return applied
}

// unzip extracts the zip archive at path into dir.
func unzip(t *testing.T, path, dir string) {
	t.Helper()
	r, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, f := range r.File {
		target := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		in, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(target)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			t.Fatal(err)
		}
		in.Close()
		out.Close()
	}
}
