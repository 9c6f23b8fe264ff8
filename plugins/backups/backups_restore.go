package backups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/archive"
	"github.com/pocketbase/pocketbase/tools/osutils"
	"github.com/pocketbase/pocketbase/tools/security"
)

// ErrInUse is returned by [Restore] when a server (or another process)
// has the data dir's databases open.
var ErrInUse = errors.New("data dir in use")

// restoreExclude are the entries of a data dir a restore leaves where they
// are, as PocketBase's own restore does: the backups themselves, the temp
// dir that holds the restore's work, and what is not the app's.
var restoreExclude = []string{core.LocalBackupsDirName, core.LocalTempDirName, core.LocalAutocertCacheDirName, "lost+found"}

// Restore replaces the content of dataDir with the backup zip at zipPath,
// with the server stopped: it is PocketBase's restore (core.RestoreBackup)
// without the running app it needs, for a server that is down or a fresh
// data dir. It refuses with [ErrInUse] while another process has dataDir's
// databases open, and before touching dataDir it extracts the zip and
// checks its database with PRAGMA integrity_check.
//
// The previous content moves to a directory inside dataDir's temp dir,
// which the next start of the server (or of any command on dataDir)
// deletes; Restore returns its path, or "" when dataDir held nothing.
// The backups and the temp dir itself stay. If moving the new content in
// fails, the previous content is put back.
func Restore(zipPath, dataDir string) (string, error) {
	if pid, err := openedBy(dataDir); err != nil {
		return "", err
	} else if pid != 0 {
		return "", fmt.Errorf("%w: process %d has its database open", ErrInUse, pid)
	}

	tempDir := filepath.Join(dataDir, core.LocalTempDirName)
	if err := os.MkdirAll(tempDir, os.ModePerm); err != nil {
		return "", err
	}
	extracted := filepath.Join(tempDir, "pb_restore_"+security.PseudorandomString(8))
	defer os.RemoveAll(extracted)

	if err := archive.Extract(zipPath, extracted); err != nil {
		return "", fmt.Errorf("extracting %s: %w", zipPath, err)
	}
	if err := checkDatabase(filepath.Join(extracted, "data.db")); err != nil {
		return "", fmt.Errorf("the backup %s: %w", filepath.Base(zipPath), err)
	}

	old := filepath.Join(tempDir, "old_pb_data_"+security.PseudorandomString(8))
	if err := osutils.MoveDirContent(dataDir, old, restoreExclude...); err != nil {
		return "", fmt.Errorf("moving the current content of %s aside: %w", dataDir, err)
	}
	if err := osutils.MoveDirContent(extracted, dataDir, restoreExclude...); err != nil {
		// MoveDirContent has undone its own partial move: put the old back
		if revertErr := osutils.MoveDirContent(old, dataDir, restoreExclude...); revertErr != nil {
			return "", fmt.Errorf("moving the backup in: %w; and putting the previous content back failed, it is in %s: %w", err, old, revertErr)
		}
		return "", fmt.Errorf("moving the backup in (the previous content is back): %w", err)
	}
	if entries, err := os.ReadDir(old); err == nil && len(entries) == 0 {
		_ = os.Remove(old)
		return "", nil // dataDir was new
	}
	return old, nil
}

// checkDatabase runs PRAGMA integrity_check on the SQLite database at path.
func checkDatabase(path string) error {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return errors.New("it holds no data.db")
		}
		return err
	}
	db, err := core.DefaultDBConnect(path)
	if err != nil {
		return err
	}
	defer db.Close()

	var lines []string
	if err := db.NewQuery("PRAGMA integrity_check").Column(&lines); err != nil {
		return fmt.Errorf("integrity_check: %w", err)
	}
	if len(lines) != 1 || lines[0] != "ok" {
		return fmt.Errorf("data.db fails integrity_check: %v", lines)
	}
	return nil
}
