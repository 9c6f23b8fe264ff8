package chat_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/chat"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// storedFile returns the bytes of a message's stored file name.
func storedFile(t *testing.T, app core.App, message *core.Record, name string) []byte {
	t.Helper()
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	r, err := fsys.GetReader(message.BaseFilesPath() + "/" + name)
	if err != nil {
		t.Fatalf("reading the stored %s: %v", name, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// noPhotoMetadata fails t when data holds any metadata segment or any of
// what testapp.PhotoWithGPS wrote into a photo's metadata.
func noPhotoMetadata(t *testing.T, what string, data []byte) {
	t.Helper()
	if segs := testapp.JPEGMetadata(data); len(segs) > 0 {
		t.Errorf("%s: metadata segments stored: %v", what, segs)
	}
	for _, s := range []string{"Exif", "http://ns.adobe.com", "GPS", testapp.PhotoPlace, testapp.PhotoDatum} {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("%s: %q is stored", what, s)
		}
	}
}

func sizeOf(t *testing.T, what string, data []byte) (int, int) {
	t.Helper()
	c, err := hooks.CheckImage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return c.Width, c.Height
}

// fileToken returns a file token for the holder of the auth token.
func fileToken(t *testing.T, url, token string) string {
	t.Helper()
	code, body := testapp.Do(t, http.MethodPost, url+"/api/files/token", token, nil)
	if code != http.StatusOK {
		t.Fatalf("a file token: %d %s", code, body)
	}
	var res struct{ Token string }
	json.Unmarshal(body, &res)
	return res.Token
}

// TestPhotoStoredWithoutGPS is the photo of a wound taken in a client's
// home: uploaded with EXIF (GPS position, description) and XMP by a
// member through the record API, it is stored turned upright, without
// any metadata, at most 2,048 pixels; its thumbnail is served to members
// of the channel with a file token, and to no one else.
func TestPhotoStoredWithoutGPS(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	testapp.Unlimited(t, o.app)
	url := testapp.Serve(t, o.app).URL
	channel := teamChannel(t, o.app, o.haarlem)

	pdf := []byte("%PDF-1.4\n% zorgplan\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	code, body := testapp.Upload(t, http.MethodPost, url+"/api/collections/messages/records", o.bramT,
		map[string]any{"channel": channel.Id, "author": o.bram, "body": "De wond na drie dagen, en het zorgplan."},
		testapp.File{Key: "attachments", Name: "IMG_2041.JPG", Content: testapp.PhotoWithGPS(400, 300, 6)},
		testapp.File{Key: "attachments", Name: "IMG_2042.jpg", Content: testapp.PhotoWithGPS(4000, 3000, 1)},
		testapp.File{Key: "attachments", Name: "zorgplan.pdf", Content: pdf},
	)
	if code != http.StatusOK {
		t.Fatalf("bram's message with photos: %d %s", code, body)
	}
	var res struct {
		Id          string
		Attachments []string
	}
	json.Unmarshal(body, &res)
	if len(res.Attachments) != 3 {
		t.Fatalf("attachments %v, want three", res.Attachments)
	}
	message, err := o.app.FindRecordById(chat.MessagesCollection, res.Id)
	if err != nil {
		t.Fatal(err)
	}

	// the upright photo: turned, red quarter at the top right, nothing else
	turned := res.Attachments[0]
	if !strings.HasPrefix(turned, "img_2041") || !strings.HasSuffix(turned, ".jpg") {
		t.Errorf("the first photo is stored as %q, want img_2041….jpg", turned)
	}
	data := storedFile(t, o.app, message, turned)
	noPhotoMetadata(t, "the turned photo", data)
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 300 || b.Dy() != 400 {
		t.Errorf("the photo taken upright is stored %d x %d, want 300 x 400", b.Dx(), b.Dy())
	} else if r, g, bl, _ := img.At(280, 20).RGBA(); r>>8 < 150 || g>>8 > 90 || bl>>8 > 90 {
		t.Errorf("the photo is not turned as its orientation says: top right %v", img.At(280, 20))
	}

	// the large photo: 2,048 pixels wide
	large := res.Attachments[1]
	data = storedFile(t, o.app, message, large)
	noPhotoMetadata(t, "the large photo", data)
	if w, h := sizeOf(t, "the large photo", data); w != 2048 || h != 1536 {
		t.Errorf("a 4000 x 3000 photo is stored %d x %d, want 2048 x 1536", w, h)
	}

	// a file that is no image is stored as sent
	if got := storedFile(t, o.app, message, res.Attachments[2]); !bytes.Equal(got, pdf) {
		t.Errorf("the PDF changed on upload: %q", got)
	}

	// the thumbnail, for the channel's members only
	thumb := url + "/api/files/messages/" + message.Id + "/" + large + "?thumb=480x0&token="
	code, body = testapp.Do(t, http.MethodGet, thumb+fileToken(t, url, o.annaT), "", nil)
	if code != http.StatusOK {
		t.Fatalf("anna's thumbnail: %d %s", code, body)
	}
	if c, _, err := image.DecodeConfig(bytes.NewReader(body)); err != nil || c.Width != 480 || c.Height != 360 {
		t.Errorf("the thumbnail is %+v (%v), want 480 x 360", c, err)
	}
	for _, c := range []struct{ who, token string }{
		{"carla, of another team", fileToken(t, url, o.carlaT)},
		{"eva, of another team", fileToken(t, url, o.evaT)},
		{"no one", ""},
	} {
		for _, q := range []string{"?thumb=480x0&token=" + c.token, "?token=" + c.token} {
			code, body := testapp.Do(t, http.MethodGet, url+"/api/files/messages/"+message.Id+"/"+large+q, "", nil)
			if code != http.StatusNotFound && code != http.StatusForbidden {
				t.Errorf("%s downloads %s: %d, want 404 or 403", c.who, q, code)
			}
			if bytes.Contains(body, []byte("JFIF")) || bytes.HasPrefix(body, []byte{0xff, 0xd8}) {
				t.Errorf("%s got the photo's bytes", c.who)
			}
		}
	}
}

// TestPhotoReencodedOnEveryPath: a batch request and Go code saving a
// message store the photo re-encoded as well.
func TestPhotoReencodedOnEveryPath(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	testapp.Unlimited(t, o.app)
	url := testapp.Serve(t, o.app).URL
	channel := teamChannel(t, o.app, o.haarlem)

	// a batch, with the file under requests.0.attachments
	payload := map[string]any{"requests": []map[string]any{{
		"method": http.MethodPost, "url": "/api/collections/messages/records",
		"body": map[string]any{"channel": channel.Id, "author": o.anna, "body": "Foto van de tillift"},
	}}}
	code, body := testapp.Upload(t, http.MethodPost, url+"/api/batch", o.annaT, payload,
		testapp.File{Key: "requests.0.attachments", Name: "tillift.jpg", Content: testapp.PhotoWithGPS(300, 200, 8)})
	if code != http.StatusOK {
		t.Fatalf("a batch with a photo: %d %s", code, body)
	}
	var batch []struct {
		Status int
		Body   struct {
			Id          string
			Attachments []string
		}
	}
	json.Unmarshal(body, &batch)
	if len(batch) != 1 || len(batch[0].Body.Attachments) != 1 {
		t.Fatalf("the batch answered %s", body)
	}
	message, err := o.app.FindRecordById(chat.MessagesCollection, batch[0].Body.Id)
	if err != nil {
		t.Fatal(err)
	}
	data := storedFile(t, o.app, message, batch[0].Body.Attachments[0])
	noPhotoMetadata(t, "the batch's photo", data)
	if w, h := sizeOf(t, "the batch's photo", data); w != 200 || h != 300 {
		t.Errorf("the batch's photo (orientation 8) is stored %d x %d, want 200 x 300", w, h)
	}

	// Go code
	file, err := filesystem.NewFileFromBytes(testapp.PhotoWithGPS(2100, 50, 1), "strook.png")
	if err != nil {
		t.Fatal(err)
	}
	collection, err := o.app.FindCollectionByNameOrId(chat.MessagesCollection)
	if err != nil {
		t.Fatal(err)
	}
	message = core.NewRecord(collection)
	message.Set("channel", channel.Id)
	message.Set("author", o.bram)
	message.Set("attachments", []*filesystem.File{file})
	if err := o.app.Save(message); err != nil {
		t.Fatal(err)
	}
	names := message.GetStringSlice("attachments")
	if len(names) != 1 || !strings.HasSuffix(names[0], ".jpg") {
		t.Fatalf("Go code stored %v, want one .jpg (a JPEG named .png)", names)
	}
	data = storedFile(t, o.app, message, names[0])
	noPhotoMetadata(t, "Go code's photo", data)
	if w, h := sizeOf(t, "Go code's photo", data); w != 2048 || h != 48 {
		t.Errorf("Go code's 2100 x 50 photo is stored %d x %d, want 2048 x 48 (rounded down)", w, h)
	}
}

// TestAttachmentsRefused: a file that claims to be an image and is none,
// and a pixel bomb, are refused with a 400 about attachments, and no
// message is stored.
func TestAttachmentsRefused(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	testapp.Unlimited(t, o.app)
	url := testapp.Serve(t, o.app).URL
	channel := teamChannel(t, o.app, o.haarlem)
	before, err := o.app.CountRecords(chat.MessagesCollection)
	if err != nil {
		t.Fatal(err)
	}

	fields := map[string]any{"channel": channel.Id, "author": o.bram, "body": "Kijk eens"}
	for _, c := range []struct {
		what string
		file testapp.File
		code string
	}{
		{"text named .jpg", testapp.File{Key: "attachments", Name: "foto.jpg", Content: []byte("dit is geen foto, maar tekst")}, "validation_image_unreadable"},
		{"a PNG signature alone", testapp.File{Key: "attachments", Name: "foto.png", Content: []byte("\x89PNG\r\n\x1a\nniets")}, "validation_image_unreadable"},
		{"a photo cut short", testapp.File{Key: "attachments", Name: "foto.jpg", Content: testapp.PhotoWithGPS(200, 100, 1)[:900]}, "validation_image_unreadable"},
		{"a pixel bomb", testapp.File{Key: "attachments", Name: "bom.png", Content: testapp.PNGBomb(60_000, 60_000)}, "validation_image_too_large"},
	} {
		code, body := testapp.Upload(t, http.MethodPost, url+"/api/collections/messages/records", o.bramT, fields, c.file)
		var res struct {
			Data map[string]struct{ Code string }
		}
		json.Unmarshal(body, &res)
		if code != http.StatusBadRequest || res.Data["attachments"].Code != c.code {
			t.Errorf("%s: %d %s, want 400 %s on attachments", c.what, code, body, c.code)
		}
	}
	if after, _ := o.app.CountRecords(chat.MessagesCollection); after != before {
		t.Errorf("%d messages were stored with a refused attachment", after-before)
	}
}
