package loadtest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Servers a run compares.
const (
	Ours = "ours" // the binary with every Buurtplein plugin
	Bare = "bare" // the same binary with --bare: the collections and rules, no hooks or routes
)

// startWait is how long a server may take to answer /api/health.
const startWait = 2 * time.Minute

// server is the binary running as a server in a child process.
type server struct {
	name   string
	url    string
	cmd    *exec.Cmd
	exited chan struct{}
	log    string
}

// startServer starts bin serving dataDir on a free loopback port, with
// --bare for the baseline, its output to logPath, and waits until it
// answers /api/health. A port taken between the probe and the listen is
// tried again.
func startServer(bin, name, dataDir, logPath string) (*server, error) {
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		var s *server
		s, err = tryServer(bin, name, dataDir, logPath)
		if err == nil {
			return s, nil
		}
		out, _ := os.ReadFile(logPath)
		if !strings.Contains(string(out), "address already in use") {
			break
		}
	}
	return nil, err
}

func tryServer(bin, name, dataDir, logPath string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)

	// NB! --dev=false: PocketBase takes a binary under the temp dir (go run)
	// for development and would log every SQL statement
	args := []string{"serve", "--dev=false", "--dir", dataDir, "--http", addr}
	if name == Bare {
		args = append(args, "--bare")
	}
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer log.Close()

	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	killWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	s := &server{name: name, url: "http://" + addr, cmd: cmd, exited: make(chan struct{}), log: logPath}
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()

	if err := s.waitHealthy(); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *server) waitHealthy() error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(startWait)
	for {
		res, err := client.Get(s.url + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("the %s server exited before it answered /api/health (%s); see %s", s.name, s.cmd.ProcessState, s.log)
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the %s server did not answer /api/health within %s; see %s", s.name, startWait, s.log)
		}
	}
}

// pid is the server's process id.
func (s *server) pid() int { return s.cmd.Process.Pid }

// stop asks the server to shut down and kills it if it has not within
// 10 s.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// freePort asks the kernel for a loopback port that is free right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("no TCP address")
	}
	return addr.Port, nil
}
