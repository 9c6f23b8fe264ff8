package storage_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	_ "image/jpeg"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/storage"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

func TestMain(m *testing.M) { os.Exit(testapp.Run(m)) }

const (
	accessKey     = "buurtplein-test"
	secret        = "geheim-van-de-test"
	filesBucket   = "bestanden"
	backupsBucket = "backups"
)

// output collects what the plugin prints for IT.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// org is a served test app with the storage plugin on a fake S3.
type org struct {
	app                  *tests.TestApp
	url                  string
	s3                   *fakeS3
	out                  *output
	bram, haarlem, bramT string
}

// newOrg serves a test app whose storage plugin is configured for a fresh
// fake S3, changed by edit.
func newOrg(t *testing.T, edit func(s3 *fakeS3, c *storage.Config)) *org {
	t.Helper()
	o := &org{s3: newFakeS3(t), out: &output{}, app: testapp.New(t)}
	testapp.Unlimited(t, o.app)
	config := storage.Config{
		Endpoint:       o.s3.url,
		Bucket:         filesBucket,
		AccessKey:      accessKey,
		Secret:         secret,
		ForcePathStyle: true,
		BackupsBucket:  backupsBucket,
		ProbeTimeout:   2 * time.Second,
	}
	if edit != nil {
		edit(o.s3, &config)
	}
	if err := storage.RegisterWithOutput(o.app, config, o.out); err != nil {
		t.Fatal(err)
	}
	o.url = testapp.Serve(t, o.app).URL
	o.bram = testapp.Id(t, o.app, "users", "email", "bram@buurtplein.test")
	o.haarlem = testapp.Id(t, o.app, "teams", "slug", "haarlem-noord")
	o.bramT = testapp.Token(t, o.app, "bram@buurtplein.test")
	return o
}

// post sends bram's post with an image, as the PWA does.
func (o *org) post(t *testing.T, photo []byte) (int, []byte) {
	t.Helper()
	return testapp.Upload(t, http.MethodPost, o.url+"/api/collections/posts/records", o.bramT,
		map[string]any{"team": o.haarlem, "author": o.bram, "kind": "update", "visibility": "team", "body": "De nieuwe fietsroute"},
		testapp.File{Key: "images", Name: "route.jpg", Content: photo})
}

// avatar sends bram's new avatar.
func (o *org) avatar(t *testing.T) (int, []byte) {
	t.Helper()
	return testapp.Upload(t, http.MethodPatch, o.url+"/api/collections/users/records/"+o.bram, o.bramT, map[string]any{},
		testapp.File{Key: "avatar", Name: "ik.jpg", Content: testapp.PhotoWithGPS(300, 300, 1)})
}

func collectionId(t *testing.T, app core.App, name string) string {
	t.Helper()
	c, err := app.FindCachedCollectionByNameOrId(name)
	if err != nil {
		t.Fatal(err)
	}
	return c.Id
}

// TestFilesRoundTripOnS3 puts an avatar and a post's photo in the bucket
// through the record API, serves the photo's thumbnail (made and stored in
// the bucket) and the photo itself with a file token only, removes the
// post's files from the bucket with the post, and writes a backup to the
// backups bucket.
func TestFilesRoundTripOnS3(t *testing.T) {
	t.Parallel()
	o := newOrg(t, nil)

	s := o.app.Settings()
	if !s.S3.Enabled || s.S3.Bucket != filesBucket || s.S3.Endpoint != o.s3.url || !s.S3.ForcePathStyle || s.S3.Region != "us-east-1" {
		t.Errorf("the files storage settings are %+v, want the bucket %s on %s", s.S3, filesBucket, o.s3.url)
	}
	if !s.Backups.S3.Enabled || s.Backups.S3.Bucket != backupsBucket {
		t.Errorf("the backups storage settings are %+v, want the bucket %s", s.Backups.S3, backupsBucket)
	}
	if out := o.out.String(); out != "" {
		t.Errorf("printed at start with the bucket answering: %q", out)
	}

	// the avatar
	code, body := o.avatar(t)
	if code != http.StatusOK {
		t.Fatalf("bram's avatar: %d %s", code, body)
	}
	var user struct{ Avatar string }
	json.Unmarshal(body, &user)
	avatarKey := collectionId(t, o.app, "users") + "/" + o.bram + "/" + user.Avatar
	if !slices.Contains(o.s3.keys(t, filesBucket, ""), avatarKey) {
		t.Errorf("the avatar %s is not in the bucket: %v", avatarKey, o.s3.keys(t, filesBucket, ""))
	}

	// the post's photo
	code, body = o.post(t, testapp.PhotoWithGPS(1200, 900, 1))
	if code != http.StatusOK {
		t.Fatalf("bram's post with a photo: %d %s", code, body)
	}
	var post struct {
		Id     string
		Images []string
	}
	json.Unmarshal(body, &post)
	if len(post.Images) != 1 {
		t.Fatalf("the post's images: %v", post.Images)
	}
	prefix := collectionId(t, o.app, "posts") + "/" + post.Id + "/"
	photoKey := prefix + post.Images[0]
	if got := o.s3.keys(t, filesBucket, prefix); !slices.Equal(got, []string{photoKey}) {
		t.Fatalf("the post's objects in the bucket: %v, want %s", got, photoKey)
	}
	stored := o.s3.object(t, photoKey)

	// protected: no file token, no photo; with one, the bucket's bytes
	fileURL := o.url + "/api/files/posts/" + post.Id + "/" + post.Images[0]
	for _, q := range []string{"", "?thumb=480x0", "?token=", "?token=geen-token"} {
		if code, body := testapp.Do(t, http.MethodGet, fileURL+q, "", nil); code == http.StatusOK || bytes.Contains(body, stored[:64]) {
			t.Errorf("the photo%s without a file token: %d, want refused", q, code)
		}
	}
	token := testapp.FileToken(t, o.url, o.bramT)
	code, body = testapp.Do(t, http.MethodGet, fileURL+"?token="+token, "", nil)
	if code != http.StatusOK || !bytes.Equal(body, stored) {
		t.Errorf("the photo with a file token: %d, %d bytes, want 200 and the %d bytes in the bucket", code, len(body), len(stored))
	}

	// the thumbnail: made from the bucket's photo, stored beside it
	code, body = testapp.Do(t, http.MethodGet, fileURL+"?thumb=480x0&token="+token, "", nil)
	if code != http.StatusOK {
		t.Fatalf("the thumbnail: %d %s", code, body)
	}
	if c, _, err := image.DecodeConfig(bytes.NewReader(body)); err != nil || c.Width != 480 || c.Height != 360 {
		t.Errorf("the thumbnail is %+v (%v), want 480 x 360", c, err)
	}
	thumbKey := prefix + "thumbs_" + post.Images[0] + "/480x0_" + post.Images[0]
	if !slices.Contains(o.s3.keys(t, filesBucket, prefix), thumbKey) {
		t.Errorf("the thumbnail %s is not in the bucket: %v", thumbKey, o.s3.keys(t, filesBucket, prefix))
	}

	// deleted with the post (PocketBase deletes the files in the background)
	if code, body := testapp.Do(t, http.MethodDelete, o.url+"/api/collections/posts/records/"+post.Id, o.bramT, nil); code != http.StatusNoContent {
		t.Fatalf("deleting the post: %d %s", code, body)
	}
	left := o.s3.keys(t, filesBucket, prefix)
	for deadline := time.Now().Add(10 * time.Second); len(left) > 0 && time.Now().Before(deadline); left = o.s3.keys(t, filesBucket, prefix) {
		time.Sleep(20 * time.Millisecond)
	}
	if len(left) > 0 {
		t.Errorf("objects of the deleted post left in the bucket: %v", left)
	}
	if !slices.Contains(o.s3.keys(t, filesBucket, ""), avatarKey) {
		t.Error("deleting the post removed the avatar")
	}

	// a backup, in the bucket of the backups
	if err := o.app.CreateBackup(context.Background(), "voor-de-update.zip"); err != nil {
		t.Fatalf("a backup: %v", err)
	}
	if got := o.s3.keys(t, backupsBucket, ""); !slices.Equal(got, []string{"voor-de-update.zip"}) {
		t.Errorf("the backups bucket holds %v, want voor-de-update.zip", got)
	}
	if got := o.s3.keys(t, filesBucket, "voor-de-update"); len(got) > 0 {
		t.Errorf("the backup landed in the files bucket: %v", got)
	}
}

// TestConfigRefused checks that a bucket without what it needs keeps the
// server from starting, with a message naming what is missing.
func TestConfigRefused(t *testing.T) {
	t.Parallel()
	app := testapp.New(t) // a refused config binds nothing
	for _, c := range []struct {
		config storage.Config
		want   string
	}{
		{storage.Config{Bucket: "b", Endpoint: "http://s3", AccessKey: "k"}, "BUURTPLEIN_S3_SECRET"},
		{storage.Config{Bucket: "b", Secret: "s"}, "--s3-endpoint"},
		{storage.Config{Bucket: "b", Endpoint: "s3.example.nl", AccessKey: "k", Secret: "s"}, "https://"},
		{storage.Config{Bucket: "b", Endpoint: "http://s3", AccessKey: "k", Secret: "s", BackupsBucket: "b"}, "of their own"},
		{storage.Config{BackupsBucket: "b"}, "--s3-bucket"},
		{storage.Config{Endpoint: "http://s3", AccessKey: "k", Secret: "s"}, "--s3-bucket"},
	} {
		err := storage.Register(app, c.config)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error naming %s", c.config, err, c.want)
		}
	}
	if err := storage.Register(app, storage.Config{}); err != nil {
		t.Errorf("the zero config: %v", err)
	}
}
