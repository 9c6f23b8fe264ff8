// Package storage puts Buurtplein's files on S3-compatible storage (AWS
// S3, MinIO, Ceph, the object storage of a Dutch cloud): the files of the
// records (avatars, post images, attachments, proofs) and their thumbnails,
// and, in a bucket of their own, the backups. It uses PocketBase's own S3
// settings, which it writes from its Config at every start.
//
// The S3 settings of the dashboard (Settings, Files storage and Backups)
// are overwritten at the next start whenever a bucket is configured here:
// a deployment configures its storage with flags and environment, not by
// hand. With no bucket configured the settings stay as they are: local
// files in pb_data/storage, as without this plugin.
//
// At start the plugin checks that the bucket answers with the keys. When it
// does not, the server keeps serving (everything but new files), prints and
// logs one message naming the endpoint, the bucket and the cause, and
// refuses uploads with the coded error files_storage_unavailable (503)
// instead of PocketBase's generic one. An upload tried after
// [Config.Recheck] since the last check checks again, so the server
// recovers without a restart.
//
// Example usage:
//
//	storage.MustRegister(app, storage.Config{
//		Endpoint:      "https://s3.eu-central-1.amazonaws.com",
//		Bucket:        "buurtplein-bestanden",
//		Region:        "eu-central-1",
//		AccessKey:     "AKIA…",
//		Secret:        os.Getenv("BUURTPLEIN_S3_SECRET"),
//		BackupsBucket: "buurtplein-backups", // optional
//	})
package storage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Config defines the config options of the storage plugin.
type Config struct {
	// Endpoint is the URL of the S3 API, with its scheme:
	// https://s3.eu-central-1.amazonaws.com, http://minio:9000.
	Endpoint string

	// Bucket is the bucket of the record files and their thumbnails. Empty
	// leaves the storage settings as they are (the zero Config).
	Bucket string

	// Region is the bucket's region; empty is us-east-1, which MinIO and
	// most S3-compatible servers accept.
	Region string

	// AccessKey and Secret are the key pair with access to the bucket(s).
	AccessKey string
	Secret    string

	// ForcePathStyle addresses the bucket in the path
	// (endpoint/bucket/key) instead of the host name
	// (bucket.endpoint/key): MinIO and most self-hosted servers need it.
	ForcePathStyle bool

	// BackupsBucket, when set, is the bucket the backups go to, with the
	// same endpoint and keys. It must not be Bucket: PocketBase lists
	// every object of the backups bucket as a backup. Empty leaves the
	// backup storage settings as they are.
	BackupsBucket string

	// ProbeTimeout bounds each check of the bucket; zero is 5 seconds.
	ProbeTimeout time.Duration

	// Recheck is how long after a failed check an upload checks again
	// (and is refused without asking the storage in between); zero is
	// 30 seconds.
	Recheck time.Duration
}

type plugin struct {
	app    core.App
	config Config
	out    io.Writer // where the messages for IT are printed, besides the log
	health health
}

// MustRegister registers the storage plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the storage plugin to app. A config with a bucket but
// no endpoint, keys or a bad endpoint is an error: the server should not
// start with storage it cannot use.
func Register(app core.App, config Config) error {
	return register(app, config, os.Stderr)
}

func register(app core.App, config Config, out io.Writer) error {
	if config.Bucket == "" {
		if config.Endpoint != "" || config.AccessKey != "" || config.Secret != "" || config.BackupsBucket != "" {
			// half a configuration would leave the files on the local disk unnoticed
			return errors.New("storage: S3 is configured without a bucket for the files (--s3-bucket, BUURTPLEIN_S3_BUCKET)")
		}
		return nil // the settings as they are
	}
	if err := config.validate(); err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	if config.Region == "" {
		config.Region = "us-east-1"
	}
	if config.ProbeTimeout <= 0 {
		config.ProbeTimeout = 5 * time.Second
	}
	if config.Recheck <= 0 {
		config.Recheck = 30 * time.Second
	}

	p := &plugin{app: app, config: config, out: out}

	// at bootstrap for the commands ("backup create" writes to S3); again
	// when the server starts, after the migrations, of which one may set
	// the settings
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return p.pinSettings(e.App)
	})
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err := p.pinSettings(e.App); err != nil {
			return err
		}
		p.health.set(p, p.probe())
		return e.Next()
	})
	app.OnRecordCreateRequest().BindFunc(p.guardUploads)
	app.OnRecordUpdateRequest().BindFunc(p.guardUploads)
	return nil
}

// validate names what is missing from a config with a bucket.
func (c Config) validate() error {
	var missing []string
	if c.Endpoint == "" {
		missing = append(missing, "the endpoint (--s3-endpoint)")
	}
	if c.AccessKey == "" {
		missing = append(missing, "the access key (--s3-access-key)")
	}
	if c.Secret == "" {
		missing = append(missing, "the secret (BUURTPLEIN_S3_SECRET)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("bucket %q is set, missing: %s", c.Bucket, strings.Join(missing, ", "))
	}
	if !strings.HasPrefix(c.Endpoint, "https://") && !strings.HasPrefix(c.Endpoint, "http://") {
		return fmt.Errorf("endpoint %q: want a URL starting with https:// (or http://)", c.Endpoint)
	}
	if c.BackupsBucket == c.Bucket {
		return fmt.Errorf("backups bucket %q is the files bucket: give the backups a bucket of their own", c.BackupsBucket)
	}
	return nil
}

// s3 returns the settings for bucket.
func (c Config) s3(bucket string) core.S3Config {
	return core.S3Config{
		Enabled:        true,
		Bucket:         bucket,
		Region:         c.Region,
		Endpoint:       c.Endpoint,
		AccessKey:      c.AccessKey,
		Secret:         c.Secret,
		ForcePathStyle: c.ForcePathStyle,
	}
}

// pinSettings writes the configured S3 settings where they differ.
// Saving the settings reloads them: the next filesystem PocketBase opens
// is the bucket.
func (p *plugin) pinSettings(app core.App) error {
	s, err := app.Settings().Clone()
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	changed := false
	if want := p.config.s3(p.config.Bucket); s.S3 != want {
		s.S3 = want
		changed = true
	}
	if p.config.BackupsBucket != "" {
		if want := p.config.s3(p.config.BackupsBucket); s.Backups.S3 != want {
			s.Backups.S3 = want
			changed = true
		}
	}
	if !changed {
		return nil
	}
	if err := app.Save(s); err != nil {
		return fmt.Errorf("storage: saving the S3 settings: %w", err)
	}
	return nil
}
