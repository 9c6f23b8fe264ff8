// Package deploy holds the container image's and the compose files' tests:
// the Dockerfile at the root, deploy/compose*.yaml and
// deploy/two-organisations.sh.
package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/drill"
	"buurtplein/plugins/teams"
)

// root is the repository's root: the tests run in deploy/.
const root = ".."

// TestDockerfile checks what the image promises without building it: the
// build's Go is go.mod's, the image runs as a non-root user with the data
// dir in a volume, and checks its health on /api/health.
func TestDockerfile(t *testing.T) {
	dockerfile := read(t, filepath.Join(root, "Dockerfile"))
	goMod := read(t, filepath.Join(root, "go.mod"))

	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(goMod)
	if goLine == nil || !strings.Contains(dockerfile, "FROM golang:"+goLine[1]+"-") {
		t.Errorf("the build stage's Go is not go.mod's %v", goLine)
	}
	stages := regexp.MustCompile(`(?m)^FROM `).FindAllStringIndex(dockerfile, -1)
	final := dockerfile[stages[len(stages)-1][0]:]
	for _, want := range []string{
		"FROM gcr.io/distroless/static", // CA certificates, time zones, no shell
		"\nUSER 65532:65532\n",
		"\nVOLUME /pb_data\n",
		"HEALTHCHECK ",
		`"http://127.0.0.1:8090/api/health"`,
		`"--dir=/pb_data"`,
	} {
		if !strings.Contains(final, want) {
			t.Errorf("the final stage lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?m)^USER (root|0)\b`).MatchString(final) {
		t.Error("the image runs as root")
	}
}

// TestComposeEnvironment checks every BUURTPLEIN_ variable the compose
// files set against the ones the binary reads: a misspelt one would be
// ignored without a word.
func TestComposeEnvironment(t *testing.T) {
	var sources strings.Builder
	for _, name := range []string{"main.go", "main_storage.go"} {
		sources.WriteString(read(t, filepath.Join(root, name)))
	}
	files, _ := filepath.Glob("compose*.yaml")
	if len(files) < 2 {
		t.Fatalf("compose files: %v", files)
	}
	variable := regexp.MustCompile(`\b(BUURTPLEIN_[A-Z0-9_]+):`)
	for _, file := range files {
		seen := 0
		for _, m := range variable.FindAllStringSubmatch(read(t, file), -1) {
			seen++
			if !strings.Contains(sources.String(), `"`+m[1]+`"`) {
				t.Errorf("%s sets %s, which the binary does not read", file, m[1])
			}
		}
		if seen == 0 {
			t.Errorf("%s sets no BUURTPLEIN_ variable", file)
		}
	}
}

// TestImage builds the image and runs it: healthy, as user 65532, serving
// the API on the mapped port. It needs a Docker engine and skips without
// one.
func TestImage(t *testing.T) {
	if out, err := exec.Command("docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		t.Skipf("no Docker engine here, so the image is not built (docker info: %v: %s); TestDockerfile checked the Dockerfile", err, firstLine(out))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	tag := fmt.Sprintf("buurtplein-test:%d", time.Now().UnixNano())
	docker(t, ctx, "build", "-t", tag, root)
	t.Cleanup(func() { exec.Command("docker", "rmi", "-f", tag).Run() })

	user := strings.TrimSpace(docker(t, ctx, "image", "inspect", "--format", "{{.Config.User}}", tag))
	if user != "65532:65532" {
		t.Errorf("the image runs as %q", user)
	}
	id := strings.TrimSpace(docker(t, ctx, "run", "-d", "-p", "127.0.0.1::8090", tag))
	t.Cleanup(func() { exec.Command("docker", "rm", "-f", "-v", id).Run() })

	deadline := time.Now().Add(3 * time.Minute)
	for {
		health := strings.TrimSpace(docker(t, ctx, "inspect", "--format", "{{.State.Health.Status}}", id))
		if health == "healthy" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the container is %q after 3 minutes:\n%s", health, docker(t, ctx, "logs", id))
		}
		time.Sleep(2 * time.Second)
	}
	port := strings.TrimSpace(docker(t, ctx, "port", id, "8090/tcp"))
	if status := get(t, "http://"+port+"/api/health"); status != http.StatusOK {
		t.Fatalf("GET /api/health on %s: %d", port, status)
	}
}

// TestTwoOrganisations runs deploy/two-organisations.sh with the demo
// organisation: two servers side by side, each with its own data dir and
// replica. A post in one is not in the other, and each replicates.
func TestTwoOrganisations(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "buurtplein")
	wd, _ := os.Getwd()
	drill.TrackSources(filepath.Join(wd, root))
	if err := drill.Build(filepath.Join(wd, root), bin); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	first := freePorts(t)

	cmd := exec.Command("bash", "two-organisations.sh", "--demo")
	cmd.Env = append(os.Environ(), "BUURTPLEIN="+bin, "ORGANISATIONS_DIR="+dir, fmt.Sprintf("FIRST_PORT=%d", first))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})

	haarlem := fmt.Sprintf("http://127.0.0.1:%d", first)
	leiden := fmt.Sprintf("http://127.0.0.1:%d", first+1)
	for _, base := range []string{haarlem, leiden} {
		waitHealthy(t, base)
	}

	// a team made in the first organisation is not in the second, and the
	// first one's sign-in counts for nothing there
	token := signIn(t, haarlem)
	var team struct{ Id string }
	slug := fmt.Sprintf("alleen-haarlem-%d", time.Now().UnixNano())
	call(t, http.MethodPost, haarlem+"/api/collections/teams/records", token,
		fmt.Sprintf(`{"name":"Alleen in Haarlem","slug":%q,"kind":"buurtteam"}`, slug), &team)
	if status := callStatus(t, leiden+"/api/collections/teams/records/"+team.Id, signIn(t, leiden)); status != http.StatusNotFound {
		t.Fatalf("the second organisation answers %d for the first one's team %s, want 404", status, team.Id)
	}
	if status := callStatus(t, leiden+"/api/collections/teams/records?perPage=1", token); status != http.StatusUnauthorized {
		t.Fatalf("the second organisation answers %d to the first one's token, want 401", status)
	}
	for _, org := range []string{"haarlem", "leiden"} {
		deadline := time.Now().Add(30 * time.Second)
		for {
			ltx, _ := filepath.Glob(filepath.Join(dir, org, "replica", "ltx", "*", "*.ltx"))
			if len(ltx) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: nothing in its replica after 30 s:\n%s", org, read(t, filepath.Join(dir, org, "server.log")))
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

func signIn(t *testing.T, base string) string {
	t.Helper()
	body := fmt.Sprintf(`{"identity":%q,"password":%q}`, teams.DemoSuperuser, teams.DemoPassword)
	res, err := http.Post(base+"/api/collections/_superusers/auth-with-password", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var auth struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&auth); err != nil || auth.Token == "" {
		t.Fatalf("signing in on %s: %d %v", base, res.StatusCode, err)
	}
	return auth.Token
}

func call(t *testing.T, method, url, token, body string, out any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d", method, url, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

func callStatus(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func get(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if res, err := http.Get(base + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer /api/health within 2 minutes", base)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// freePorts returns a port that is free, with the next one free too.
func freePorts(t *testing.T) int {
	t.Helper()
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		next, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port+1))
		l.Close()
		if err == nil {
			next.Close()
			return port
		}
	}
	t.Fatal("no two free ports side by side")
	return 0
}

func docker(t *testing.T, ctx context.Context, args ...string) string {
	t.Helper()
	out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}
