//go:build linux || darwin || freebsd || netbsd || openbsd

package backups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// sqliteShmDMS is the byte of a WAL database's shared-memory file (-shm)
// that SQLite's unix VFS keeps read-locked for as long as a connection has
// the database open: its "dead man switch" (UNIX_SHM_DMS in os_unix.c).
const sqliteShmDMS = 128

// openedBy returns the id of another process that has a database of
// dataDir (data.db or auxiliary.db) open, or 0. A running server always
// has both open in WAL mode, so this tells whether one serves dataDir.
// Locks of the calling process itself are not seen.
func openedBy(dataDir string) (int, error) {
	for _, db := range []string{"data.db", "auxiliary.db"} {
		pid, err := shmLocker(filepath.Join(dataDir, db+"-shm"))
		if err != nil || pid != 0 {
			return pid, err
		}
	}
	return 0, nil
}

// shmLocker asks the kernel who holds a lock that conflicts with a write
// lock on the DMS byte of the -shm file at path.
func shmLocker(path string) (int, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil // no connection has the database open in WAL mode
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()

	lock := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: sqliteShmDMS, Len: 1}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lock); err != nil {
		return 0, fmt.Errorf("checking the locks of %s: %w", path, err)
	}
	if lock.Type == syscall.F_UNLCK {
		return 0, nil
	}
	return int(lock.Pid), nil
}
