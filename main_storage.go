package main

import (
	"os"
	"strconv"

	"buurtplein/plugins/storage"

	"github.com/spf13/pflag"
)

// storageFlags adds the --s3-… flags to pf and returns the config they
// fill when pf is parsed. Each flag defaults to its environment variable
// (BUURTPLEIN_S3_ENDPOINT for --s3-endpoint …), so a flag given wins. The
// secret comes from BUURTPLEIN_S3_SECRET alone: a flag would show it to
// anyone who lists the processes.
func storageFlags(pf *pflag.FlagSet) *storage.Config {
	c := &storage.Config{Secret: os.Getenv("BUURTPLEIN_S3_SECRET")}
	pf.StringVar(&c.Endpoint, "s3-endpoint", os.Getenv("BUURTPLEIN_S3_ENDPOINT"),
		"URL of the S3-compatible storage for the files, e.g. https://s3.eu-central-1.amazonaws.com (env BUURTPLEIN_S3_ENDPOINT)")
	pf.StringVar(&c.Bucket, "s3-bucket", os.Getenv("BUURTPLEIN_S3_BUCKET"),
		"bucket for the files (avatars, images, attachments, proofs); empty keeps the storage settings of the dashboard (env BUURTPLEIN_S3_BUCKET)")
	pf.StringVar(&c.Region, "s3-region", os.Getenv("BUURTPLEIN_S3_REGION"),
		"region of the buckets; empty is us-east-1 (env BUURTPLEIN_S3_REGION)")
	pf.StringVar(&c.AccessKey, "s3-access-key", os.Getenv("BUURTPLEIN_S3_ACCESS_KEY"),
		"access key for the buckets; the secret comes from env BUURTPLEIN_S3_SECRET only (env BUURTPLEIN_S3_ACCESS_KEY)")
	pathStyle, _ := strconv.ParseBool(os.Getenv("BUURTPLEIN_S3_FORCE_PATH_STYLE"))
	pf.BoolVar(&c.ForcePathStyle, "s3-force-path-style", pathStyle,
		"address buckets as endpoint/bucket, as MinIO and most self-hosted servers need (env BUURTPLEIN_S3_FORCE_PATH_STYLE)")
	pf.StringVar(&c.BackupsBucket, "s3-backups-bucket", os.Getenv("BUURTPLEIN_S3_BACKUPS_BUCKET"),
		"bucket of its own for the backups, same endpoint and keys; empty keeps the backup storage settings (env BUURTPLEIN_S3_BACKUPS_BUCKET)")
	return c
}
