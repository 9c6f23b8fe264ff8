package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"buurtplein/internal/drill"
)

// srv is the Buurtplein server that every test in the package shares. It is
// built and started by the first test that asks for it (see [startServer]),
// so a run that skips for want of Chromium builds nothing, and it is stopped
// by TestMain once every test has run.
var srv struct {
	once sync.Once
	err  error

	tmpDir string // holds the binary and pb_data; removed by TestMain
	server *drill.Server
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopServer()
	os.Exit(code)
}

// startServer builds the buurtplein binary and starts it with the demo
// organisation, once per package run, and returns its base URL. A failure
// fails every test that needs the server, with the build or server output.
func startServer(t *testing.T) string {
	t.Helper()
	srv.once.Do(func() { srv.err = buildAndServe() })
	if srv.err != nil {
		t.Fatalf("starting the Buurtplein server: %v", srv.err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- server output (%s) ---\n%s", srv.server.URL, srv.server.Output())
		}
	})
	return srv.server.URL
}

// buildAndServe builds the binary from the module's sources with the
// toolchain that runs the tests and serves the PWA in pb_public with it.
func buildAndServe() error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	root, err := drill.ModuleRoot(wd)
	if err != nil {
		return err
	}
	drill.TrackSources(root)

	srv.tmpDir, err = os.MkdirTemp("", "buurtplein-e2e-*")
	if err != nil {
		return err
	}
	bin := filepath.Join(srv.tmpDir, "buurtplein")
	if err := drill.Build(root, bin); err != nil {
		return err
	}

	srv.server, err = drill.Start(drill.ServerOptions{
		Bin:       bin,
		DataDir:   filepath.Join(srv.tmpDir, "pb_data"),
		Demo:      true,
		PublicDir: filepath.Join(root, "pb_public"),
		WorkDir:   srv.tmpDir,
	})
	if err != nil {
		return fmt.Errorf("%w\n--- server output ---\n%s", err, srv.server.Output())
	}
	return nil
}

// stopServer stops the server (gracefully, then by force) and removes its
// temporary directory. It is safe to call when nothing was started.
func stopServer() {
	if srv.server != nil {
		_ = srv.server.Stop()
		srv.server = nil
	}
	if srv.tmpDir != "" {
		_ = os.RemoveAll(srv.tmpDir)
		srv.tmpDir = ""
	}
}

// syncBuffer is a bytes.Buffer that a process's output goroutines and the
// tests may use at the same time.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
