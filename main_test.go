package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"buurtplein/plugins"
	"buurtplein/plugins/storage"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/tools/osutils"
	"github.com/spf13/pflag"
)

// newAppWith builds the app as main does, with args on the command line.
func newAppWith(t *testing.T, args ...string) *pocketbase.PocketBase {
	t.Helper()
	saved := os.Args
	t.Cleanup(func() { os.Args = saved })
	os.Args = append([]string{saved[0]}, args...)
	return newApp()
}

// TestNewAppUsesRegistry checks that the binary registers exactly the
// registry's plugins, in its order.
func TestNewAppUsesRegistry(t *testing.T) {
	app := newAppWith(t, "serve")
	if got, want := plugins.Registered(app), plugins.Names(); !slices.Equal(got, want) {
		t.Fatalf("the binary registered %v, the registry lists %v", got, want)
	}
}

// TestNoToolingInTheProduct checks the binary's commands and flags: the
// load test and the drills live in cmd/bench, and no flag turns checks off
// (the load test's baseline was a hidden --bare). A new command or flag is
// added here on purpose. PocketBase adds serve and superuser at Start.
func TestNoToolingInTheProduct(t *testing.T) {
	app := newAppWith(t)

	var commands []string
	for _, c := range app.RootCmd.Commands() {
		commands = append(commands, c.Name())
	}
	slices.Sort(commands)
	if want := []string{"audit", "backup", "clients", "migrate", "replica", "users"}; !slices.Equal(commands, want) {
		t.Errorf("commands %v, want %v", commands, want)
	}

	var flags []string
	// the root command's flags, its persistent ones merged in
	app.RootCmd.Flags().VisitAll(func(f *pflag.Flag) { flags = append(flags, f.Name) })
	slices.Sort(flags)
	want := []string{"automigrate", "demo", "dev", "dir", "encryptionEnv", "metrics-addr", "metrics-token", "mfa", "publicDir", "queryTimeout",
		"replica", "replica-retention", "s3-access-key", "s3-backups-bucket", "s3-bucket", "s3-endpoint", "s3-force-path-style", "s3-region", "trusted-proxy"}
	if !slices.Equal(flags, want) {
		t.Errorf("flags %v, want %v", flags, want)
	}
}

// TestDevOnlyWithFlag checks that the SQL log (PocketBase's dev mode) is on
// only with --dev: PocketBase switches it on by itself under "go run", and
// a test binary looks like one.
func TestDevOnlyWithFlag(t *testing.T) {
	if !osutils.IsProbablyGoRun() {
		t.Log("this test binary does not look like go run to PocketBase: the default is not put to the test")
	}
	if newAppWith(t, "serve").IsDev() {
		t.Error("dev mode is on without --dev")
	}
	if !newAppWith(t, "serve", "--dev").IsDev() {
		t.Error("dev mode is off with --dev")
	}
}

// TestStorageFlagsFromEnvironment checks that every --s3-… flag is read
// from its BUURTPLEIN_S3_… variable, that a flag given wins, and that the
// secret is read from the environment alone.
func TestStorageFlagsFromEnvironment(t *testing.T) {
	for name, value := range map[string]string{
		"BUURTPLEIN_S3_ENDPOINT":         "http://minio:9000",
		"BUURTPLEIN_S3_BUCKET":           "uit-de-omgeving",
		"BUURTPLEIN_S3_REGION":           "eu-west-1",
		"BUURTPLEIN_S3_ACCESS_KEY":       "sleutel",
		"BUURTPLEIN_S3_SECRET":           "geheim",
		"BUURTPLEIN_S3_FORCE_PATH_STYLE": "true",
		"BUURTPLEIN_S3_BACKUPS_BUCKET":   "backups",
	} {
		t.Setenv(name, value)
	}
	saved := os.Args
	t.Cleanup(func() { os.Args = saved })
	os.Args = []string{saved[0], "serve", "--s3-bucket", "van-de-vlag"}

	app := pocketbase.New()
	got := *parseFlags(app).storage
	want := storage.Config{
		Endpoint: "http://minio:9000", Bucket: "van-de-vlag", Region: "eu-west-1", AccessKey: "sleutel",
		Secret: "geheim", ForcePathStyle: true, BackupsBucket: "backups",
	}
	if got != want {
		t.Errorf("the storage config is %+v, want %+v", got, want)
	}
	app.RootCmd.PersistentFlags().VisitAll(func(f *pflag.Flag) {
		if strings.Contains(f.Name, "secret") {
			t.Errorf("--%s is a flag: the secret would show in the list of processes", f.Name)
		}
	})
}

// TestMetricsFlagsFromEnvironment checks that the metrics' token and
// address come from the environment when no flag gives them, and that a
// flag wins.
func TestMetricsFlagsFromEnvironment(t *testing.T) {
	t.Setenv("BUURTPLEIN_METRICS_TOKEN", "token-uit-de-omgeving")
	t.Setenv("BUURTPLEIN_METRICS_ADDR", "127.0.0.1:9090")
	saved := os.Args
	t.Cleanup(func() { os.Args = saved })

	os.Args = []string{saved[0], "serve"}
	if f := parseFlags(pocketbase.New()); f.metricsToken != "token-uit-de-omgeving" || f.metricsAddr != "127.0.0.1:9090" {
		t.Errorf("from the environment: token %q, addr %q", f.metricsToken, f.metricsAddr)
	}
	os.Args = []string{saved[0], "serve", "--metrics-token", "token-van-de-vlag", "--metrics-addr=10.0.0.5:9100"}
	if f := parseFlags(pocketbase.New()); f.metricsToken != "token-van-de-vlag" || f.metricsAddr != "10.0.0.5:9100" {
		t.Errorf("with flags: token %q, addr %q", f.metricsToken, f.metricsAddr)
	}
}
