package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// srv is the Buurtplein server that every test in the package shares. It is
// built and started by the first test that asks for it (see [startServer]),
// so a run that skips for want of Chromium builds nothing, and it is stopped
// by TestMain once every test has run.
var srv struct {
	once sync.Once
	err  error

	tmpDir  string // holds the binary and pb_data; removed by TestMain
	baseURL string // http://127.0.0.1:<port>
	cmd     *exec.Cmd
	exited  chan struct{} // closed when cmd has been waited for
	out     syncBuffer    // the server's stdout and stderr
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
		t.Fatalf("starting the Buurtplein server: %v\n--- server output ---\n%s", srv.err, srv.out.String())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- server output (%s) ---\n%s", srv.baseURL, srv.out.String())
		}
	})
	return srv.baseURL
}

func buildAndServe() error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	trackSources(root)

	srv.tmpDir, err = os.MkdirTemp("", "buurtplein-e2e-*")
	if err != nil {
		return err
	}

	bin := filepath.Join(srv.tmpDir, "buurtplein")
	if err := goBuild(root, bin); err != nil {
		return err
	}

	// a free port can be taken by someone else between our probe and the
	// server's listen: try a few before giving up
	for attempt := 1; ; attempt++ {
		err = serve(bin, root, filepath.Join(srv.tmpDir, "pb_data"))
		if err == nil || attempt == 3 || !strings.Contains(srv.out.String(), "address already in use") {
			return err
		}
		srv.out.Reset()
	}
}

// moduleRoot is the directory with Buurtplein's go.mod: go test runs the
// tests in the package directory, e2e/, one below it.
func moduleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root := filepath.Dir(wd)
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return "", fmt.Errorf("no go.mod above the e2e package (%s): %w", wd, err)
	}
	return root, nil
}

// trackSources stats every source file of the module. go test caches a
// passing result keyed on the files the test process opened or stat'ed;
// the binary we build and the pb_public we serve are read by other
// processes, so without this a changed main.go or app.js would still get
// "ok (cached)".
func trackSources(root string) {
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "pb_data") {
				return filepath.SkipDir
			}
			return nil
		}
		_, _ = os.Stat(path)
		return nil
	})
}

// goBuild builds the main package at root into bin with the go command of
// the toolchain that runs the tests, whatever go is first on PATH.
func goBuild(root, bin string) error {
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		if goCmd, err = exec.LookPath("go"); err != nil {
			return fmt.Errorf("no go command to build the binary: %w", err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", bin, ".")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s build: %w\n%s", goCmd, err, out)
	}
	return nil
}

// serve starts bin on a free port and waits until its health check answers.
func serve(bin, root, dataDir string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)

	// NB! --dev=false: PocketBase takes a binary under the temp dir for "go
	// run" and would otherwise switch on dev mode (every SQL statement logged)
	cmd := exec.Command(bin, "serve",
		"--dev=false",
		"--demo",
		"--dir", dataDir,
		"--http", addr,
		"--publicDir", filepath.Join(root, "pb_public"),
	)
	cmd.Dir = srv.tmpDir
	cmd.Stdout = &srv.out
	cmd.Stderr = &srv.out
	killWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	srv.cmd, srv.exited, srv.baseURL = cmd, exited, "http://"+addr

	// the first start runs every migration and seeds the demo organisation;
	// on a busy 2-core machine that can take a while
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(90 * time.Second)
	for {
		res, err := client.Get(srv.baseURL + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return fmt.Errorf("the server exited before it answered /api/health (%s)", cmd.ProcessState)
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stopServer()
			return errors.New("the server did not answer GET /api/health with 200 within 90s")
		}
	}
}

// freePort asks the kernel for a port that is free right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// stopServer stops the server (gracefully, then by force) and removes its
// temporary directory. It is safe to call when nothing was started.
func stopServer() {
	if srv.cmd != nil && srv.cmd.Process != nil {
		select {
		case <-srv.exited:
		default:
			_ = srv.cmd.Process.Signal(os.Interrupt)
			select {
			case <-srv.exited:
			case <-time.After(10 * time.Second):
				_ = srv.cmd.Process.Kill()
				<-srv.exited
			}
		}
		srv.cmd = nil
	}
	if srv.tmpDir != "" {
		_ = os.RemoveAll(srv.tmpDir)
		srv.tmpDir = ""
	}
}

// syncBuffer is a bytes.Buffer that the server's output goroutines and the
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

func (b *syncBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}
