package backups_test

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/backups"

	"github.com/pocketbase/pocketbase/core"
)

// backupOf makes a backup of app with PocketBase's own CreateBackup and
// returns the path of its zip.
func backupOf(t *testing.T, app core.App, name string) string {
	t.Helper()
	if err := app.CreateBackup(context.Background(), name); err != nil {
		t.Fatalf("creating the backup: %v", err)
	}
	return filepath.Join(app.DataDir(), core.LocalBackupsDirName, name)
}

// count returns the number of records of collection in the data dir.
func count(t *testing.T, dataDir, collection string) int64 {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dataDir})
	if err := app.Bootstrap(); err != nil {
		t.Fatalf("opening %s: %v", dataDir, err)
	}
	defer app.ClearBootstrap()
	n, err := app.CountRecords(collection)
	if err != nil {
		t.Fatalf("counting %s in %s: %v", collection, dataDir, err)
	}
	return n
}

func TestRestoreIntoFreshDir(t *testing.T) {
	app := testapp.New(t)
	zipPath := backupOf(t, app, "vers.zip")
	want, err := app.CountRecords("posts")
	if err != nil || want == 0 {
		t.Fatalf("the demo organisation has %d posts (%v), want some", want, err)
	}

	target := filepath.Join(t.TempDir(), "pb_data")
	old, err := backups.Restore(zipPath, target)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if old != "" {
		t.Errorf("Restore into a new dir moved previous content to %s, want none", old)
	}
	if got := count(t, target, "posts"); got != want {
		t.Fatalf("restored posts: %d, want %d", got, want)
	}
}

// TestRestoreReplacesContent: the data dir's content moves aside, its
// backups stay, and the backup's data is what remains.
func TestRestoreReplacesContent(t *testing.T) {
	app := testapp.New(t)
	zipPath := backupOf(t, app, "vervang.zip")
	want, _ := app.CountRecords("posts")

	target := t.TempDir()
	mustWrite(t, filepath.Join(target, "data.db"), "not the database")
	mustWrite(t, filepath.Join(target, "storage", "oud.txt"), "an old upload")
	mustWrite(t, filepath.Join(target, core.LocalBackupsDirName, "eerder.zip"), "an older backup")

	old, err := backups.Restore(zipPath, target)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if _, err := os.Stat(filepath.Join(old, "storage", "oud.txt")); err != nil {
		t.Errorf("the previous content is not in %s: %v", old, err)
	}
	if _, err := os.Stat(filepath.Join(target, "storage", "oud.txt")); err == nil {
		t.Errorf("an upload the backup does not hold is still in the data dir")
	}
	if _, err := os.Stat(filepath.Join(target, core.LocalBackupsDirName, "eerder.zip")); err != nil {
		t.Errorf("the data dir's backups did not stay: %v", err)
	}
	if got := count(t, target, "posts"); got != want {
		t.Fatalf("restored posts: %d, want %d", got, want)
	}
}

// TestRestoreRefusesBadBackups: a zip without a database, or with a
// damaged one, leaves the data dir as it was.
func TestRestoreRefusesBadBackups(t *testing.T) {
	app := testapp.New(t)
	good := backupOf(t, app, "goed.zip")
	database := readFromZip(t, good, "data.db")
	// a page in the middle overwritten: the header is fine, a b-tree not
	damaged := append([]byte(nil), database...)
	for i := 8 * 4096; i < 9*4096 && i < len(damaged); i++ {
		damaged[i] = 0xA5
	}

	cases := map[string]map[string][]byte{
		"no database":      {"storage/x.txt": []byte("x")},
		"not a database":   {"data.db": []byte("hello")},
		"damaged database": {"data.db": damaged},
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) {
			zipPath := filepath.Join(t.TempDir(), "slecht.zip")
			writeZip(t, zipPath, files)
			target := t.TempDir()
			if _, err := backups.Restore(good, target); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(filepath.Join(target, "data.db"))

			_, err := backups.Restore(zipPath, target)
			if err == nil {
				t.Fatal("Restore = nil, want an error")
			}
			t.Logf("refused: %v", err)
			after, _ := os.ReadFile(filepath.Join(target, "data.db"))
			if string(before) != string(after) {
				t.Fatal("the refused restore changed data.db")
			}
		})
	}
}

// TestRestoreRefusesOpenDataDir: while another process has the database
// open, as a running server has, Restore refuses and changes nothing.
func TestRestoreRefusesOpenDataDir(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the open-database check needs POSIX record locks")
	}
	app := testapp.New(t)
	zipPath := backupOf(t, app, "open.zip")
	target := t.TempDir()
	if _, err := backups.Restore(zipPath, target); err != nil {
		t.Fatal(err)
	}

	// another process with the database open: this test binary again,
	// running only holdDatabase
	helper := exec.Command(os.Args[0], "-test.run=^TestHoldDatabase$")
	helper.Env = append(os.Environ(), "BUURTPLEIN_HOLD_DB="+filepath.Join(target, "data.db"))
	stdin, err := helper.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	defer helper.Wait()
	defer stdin.Close()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "open\n" {
		t.Fatalf("the helper did not open the database: %q, %v", line, err)
	}

	before, _ := os.ReadFile(filepath.Join(target, "data.db"))
	_, err = backups.Restore(zipPath, target)
	if !errors.Is(err, backups.ErrInUse) {
		t.Fatalf("Restore while another process has the database open = %v, want ErrInUse", err)
	}
	after, _ := os.ReadFile(filepath.Join(target, "data.db"))
	if string(before) != string(after) {
		t.Fatal("the refused restore changed data.db")
	}
}

// TestHoldDatabase is the helper process of TestRestoreRefusesOpenDataDir:
// it opens the database as PocketBase does, says so, and holds it until its
// stdin closes. Without BUURTPLEIN_HOLD_DB it does nothing.
func TestHoldDatabase(t *testing.T) {
	path := os.Getenv("BUURTPLEIN_HOLD_DB")
	if path == "" {
		return
	}
	db, err := core.DefaultDBConnect(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.NewQuery("SELECT count(*) FROM _collections").Row(&n); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("open\n")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // until EOF
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeZip(t *testing.T, path string, files map[string][]byte) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := zip.NewWriter(f)
	for name, content := range files {
		fw, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func readFromZip(t *testing.T, zipPath, name string) []byte {
	t.Helper()
	r, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := r.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	content, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return content
}
