package drill

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// ModuleRoot returns the directory with Buurtplein's go.mod at or above
// dir: go test runs a package's tests in the package directory.
func ModuleRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		mod, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && bytes.HasPrefix(mod, []byte("module buurtplein\n")) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no Buurtplein go.mod at or above %s", dir)
		}
	}
}

// TrackSources stats every source file of the module at root. go test
// caches a passing result keyed on the files the test process opened or
// stat'ed; the binary a test builds and the pb_public it serves are read by
// other processes, so without this a changed main.go or app.js would
// still get "ok (cached)".
func TrackSources(root string) {
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

// Build builds the buurtplein binary (the main package at root) into bin
// with the go command of the toolchain that runs the caller (a test's),
// whatever go is first on PATH.
func Build(root, bin string) error {
	return BuildPackage(root, ".", bin)
}

// BuildPackage builds the main package pkg of the module at root (".",
// "./cmd/bench/bare") into bin, as [Build] does.
func BuildPackage(root, pkg, bin string) error {
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		if goCmd, err = exec.LookPath("go"); err != nil {
			return fmt.Errorf("no go command to build the binary: %w", err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", bin, pkg)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s build: %w\n%s", goCmd, err, out)
	}
	return nil
}

// Binary returns path when it is set; otherwise it builds the main package
// pkg of the Buurtplein module at or above the working directory (the
// source bench runs from) into dir, named name, and returns where.
func Binary(path, pkg, dir, name string) (string, error) {
	if path != "" {
		return path, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root, err := ModuleRoot(wd)
	if err != nil {
		return "", fmt.Errorf("%w: run bench in Buurtplein's source, or name a binary", err)
	}
	path = filepath.Join(dir, name)
	if err := BuildPackage(root, pkg, path); err != nil {
		return "", err
	}
	return path, nil
}

// ServerOptions say how to start a Buurtplein server.
type ServerOptions struct {
	// Bin is the binary to serve: buurtplein, or the load test's bare
	// baseline (cmd/bench/bare), which takes the same serve flags.
	Bin string

	// DataDir is the server's data dir (--dir).
	DataDir string

	// Demo seeds the demo organisation (--demo).
	Demo bool

	// PublicDir is the PWA's directory (--publicDir); empty leaves the
	// binary's default.
	PublicDir string

	// WorkDir is the server's working directory; empty is the caller's.
	WorkDir string

	// Args are more flags for serve, such as "--mfa".
	Args []string

	// LogFile, when set, receives the server's stdout and stderr instead of
	// memory: a long run's output can grow past what a test wants to hold.
	LogFile string

	// StartTimeout bounds the wait for /api/health. Default: 90s, for a
	// first start that runs every migration on a busy machine.
	StartTimeout time.Duration
}

// Server is a Buurtplein binary serving on a free port of 127.0.0.1.
type Server struct {
	// URL is the server's base URL: http://127.0.0.1:<port>.
	URL string

	opts   ServerOptions
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has been waited for
	out    syncBuffer    // the server's stdout and stderr
}

// Start starts a server and waits until its health check answers. The
// server dies with the calling process where the kernel allows (Linux).
func Start(opts ServerOptions) (*Server, error) {
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 90 * time.Second
	}

	// a free port can be taken by someone else between our probe and the
	// server's listen: try a few before giving up
	for attempt := 1; ; attempt++ {
		s := &Server{opts: opts}
		err := s.start()
		if err == nil {
			return s, nil
		}
		if attempt == 3 || !strings.Contains(s.Output(), "address already in use") {
			return s, err
		}
	}
}

func (s *Server) start() error {
	port, err := freePort()
	if err != nil {
		return err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)

	// NB! --dev=false: PocketBase takes a binary under the temp dir for "go
	// run" and would otherwise switch on dev mode (every SQL statement logged)
	args := []string{"serve", "--dev=false", "--dir", s.opts.DataDir, "--http", addr}
	if s.opts.Demo {
		args = append(args, "--demo")
	}
	if s.opts.PublicDir != "" {
		args = append(args, "--publicDir", s.opts.PublicDir)
	}
	args = append(args, s.opts.Args...)
	cmd := exec.Command(s.opts.Bin, args...)
	cmd.Dir = s.opts.WorkDir
	cmd.Stdout = &s.out
	if s.opts.LogFile != "" {
		log, err := os.Create(s.opts.LogFile)
		if err != nil {
			return fmt.Errorf("creating the server log: %w", err)
		}
		defer log.Close() // the child has its own copy
		cmd.Stdout = log
	}
	cmd.Stderr = cmd.Stdout
	killWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	s.exited = make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	s.cmd, s.URL = cmd, "http://"+addr

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(s.opts.StartTimeout)
	for {
		res, err := client.Get(s.URL + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("the server exited before it answered /api/health (%s)", cmd.ProcessState)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = s.Kill()
			return fmt.Errorf("the server did not answer GET /api/health with 200 within %s", s.opts.StartTimeout)
		}
	}
}

// Output is what the server wrote to stdout and stderr so far.
func (s *Server) Output() string {
	if s.opts.LogFile != "" {
		out, _ := os.ReadFile(s.opts.LogFile)
		return string(out)
	}
	return s.out.String()
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Kill kills the server with SIGKILL, as a crash or the OOM killer would,
// and waits until it is gone. It is safe to call on a stopped server.
func (s *Server) Kill() error {
	if s.cmd == nil {
		return nil
	}
	select {
	case <-s.exited:
		return nil
	default:
	}
	if err := s.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("killing the server: %w", err)
	}
	<-s.exited
	return nil
}

// Stop stops the server gracefully (SIGINT), by force after 10 seconds,
// and waits until it is gone. It is safe to call on a stopped server.
func (s *Server) Stop() error {
	if s.cmd == nil {
		return nil
	}
	select {
	case <-s.exited:
		return nil
	default:
	}
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stopping the server: %w", err)
	}
	select {
	case <-s.exited:
		return nil
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
		return errors.New("the server did not stop within 10s of SIGINT; killed")
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

// syncBuffer is a bytes.Buffer that a process's output goroutines and its
// reader may use at the same time.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

var _ io.Writer = (*syncBuffer)(nil)

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
