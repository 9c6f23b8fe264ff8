package hooks_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// pngOf returns a real PNG of width x height pixels.
func pngOf(t testing.TB, width, height int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, width, height))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// imageTarget is an image field of the demo organisation and a request
// that puts a file in it.
type imageTarget struct {
	what, field, method, path, token string
	fields                           map[string]any
}

func imageTargets(s inputSetup) []imageTarget {
	return []imageTarget{
		{"bram's avatar", "avatar", http.MethodPatch, "/api/collections/users/records/" + s.bram, s.bramT, map[string]any{}},
		{"Haarlem-Noord's logo", "logo", http.MethodPatch, "/api/collections/teams/records/" + s.haarlem, s.annaT, map[string]any{}},
		{"an image of bram's post", "images", http.MethodPost, "/api/collections/posts/records", s.bramT,
			map[string]any{"team": s.haarlem, "author": s.bram, "kind": "update", "visibility": "team", "body": "Foto van de fietsroute"}},
	}
}

func TestPixelBombsRefusedAtUpload(t *testing.T) {
	t.Parallel()
	s := newInputSetup(t)
	bomb := testapp.PNGBomb(60_000, 60_000)
	if len(bomb) > 1000 {
		t.Fatalf("the bomb is %d bytes, want a few hundred", len(bomb))
	}
	postsBefore, _ := s.app.CountRecords("posts")

	for _, target := range imageTargets(s) {
		// the record API
		code, res := testapp.Upload(t, target.method, s.url+target.path, target.token, target.fields, testapp.File{Key: target.field, Name: "foto.png", Content: bomb})
		msg := refusedField(t, target.what+" through the record API", code, res, target.field, "validation_image_too_large")
		if !strings.Contains(msg, `"`+target.field+`"`) || !strings.Contains(msg, "60000 x 60000") {
			t.Errorf("%s: message %q does not name the field and the size", target.what, msg)
		}

		// a PNG signature with no header behind it claims an image it is not
		code, res = testapp.Upload(t, target.method, s.url+target.path, target.token, target.fields, testapp.File{Key: target.field, Name: "foto.png", Content: []byte("\x89PNG\r\n\x1a\nniets")})
		refusedField(t, target.what+" with a broken header", code, res, target.field, "validation_image_unreadable")

		// a batch, with the file under requests.0.<field>
		payload := map[string]any{"requests": []map[string]any{{"method": target.method, "url": target.path, "body": target.fields}}}
		code, res = testapp.Upload(t, http.MethodPost, s.url+"/api/batch", target.token, payload, testapp.File{Key: "requests.0." + target.field, Name: "foto.png", Content: bomb})
		if code != http.StatusBadRequest || !strings.Contains(string(res), "validation_image_too_large") || !strings.Contains(string(res), `"`+target.field+`"`) {
			t.Errorf("%s through a batch: %d %s, want a 400 naming %s", target.what, code, res, target.field)
		}
	}

	if n, _ := s.app.CountRecords("posts"); n != postsBefore {
		t.Errorf("%d posts were written with a refused image", n-postsBefore)
	}
	bram, _ := s.app.FindRecordById("users", s.bram)
	team, _ := s.app.FindRecordById("teams", s.haarlem)
	if bram.GetString("avatar") != "" || team.GetString("logo") != "" {
		t.Errorf("a refused image was kept: avatar %q, logo %q", bram.GetString("avatar"), team.GetString("logo"))
	}

	// Go code saving a record, a long strip, and every format
	for _, c := range []struct {
		name    string
		content []byte
	}{
		{"bom.png", bomb},
		{"strook.png", pngOf(t, 12_001, 1)},
		{"foto.gif", gifOf(t, 3, 3, 9_000, 9_000)},
		{"foto.webp", webpVP8L(16_000, 2)},
		{"foto.jpg", jpegOf(t, 7_000, 6_000)},
	} {
		file, err := filesystem.NewFileFromBytes(c.content, c.name)
		if err != nil {
			t.Fatal(err)
		}
		bram.Set("avatar", file)
		if err := s.app.Save(bram); !isFieldError(err, "avatar") {
			t.Errorf("Go code saving %s as an avatar: %v, want a validation error on avatar", c.name, err)
		}
	}
}

func TestImageAcceptedAndThumbServed(t *testing.T) {
	t.Parallel()
	s := newInputSetup(t)

	code, res := testapp.Upload(t, http.MethodPatch, s.url+"/api/collections/users/records/"+s.bram, s.bramT, map[string]any{}, testapp.File{Key: "avatar", Name: "ik.png", Content: pngOf(t, 300, 200)})
	if code != http.StatusOK {
		t.Fatalf("a 300 x 200 avatar: %d %s", code, res)
	}
	var bram struct{ Avatar string }
	json.Unmarshal(res, &bram)

	thumb := fetchImage(t, s.url+"/api/files/users/"+s.bram+"/"+bram.Avatar+"?thumb=96x96", s.bramT)
	if thumb.Width != 96 || thumb.Height != 96 {
		t.Errorf("the avatar's thumb is %d x %d, want 96 x 96", thumb.Width, thumb.Height)
	}

	// the largest image allowed, in each format
	for _, c := range []struct {
		name    string
		content []byte
	}{
		{"a.png", testapp.PNGBomb(hooks.MaxImageSide, hooks.MaxImagePixels/hooks.MaxImageSide)},
		{"a.gif", gifOf(t, 3, 3, 8_000, 5_000)},
		{"a.webp", webpVP8L(8_000, 5_000)},
		{"a.jpg", jpegOf(t, 5_000, 8_000)},
	} {
		if _, err := hooks.CheckImage(bytes.NewReader(c.content)); err != nil {
			t.Errorf("%s: %v, want it accepted", c.name, err)
		}
	}
}

func TestStoredPixelBombNotDecodedForThumb(t *testing.T) {
	t.Parallel()
	s := newInputSetup(t)
	users := mustCollection(t, s.app, "users")

	// images stored before the check held: written to storage directly
	fsys, err := s.app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	stored := map[string][]byte{
		"bom_0123456789.png":    testapp.PNGBomb(60_000, 60_000),
		"strook_0123456789.png": pngOf(t, 12_001, 2), // decodes in a blink: without the guard it gets a thumb
		"goed_0123456789.png":   pngOf(t, 300, 200),
	}
	for name, content := range stored {
		if err := fsys.Upload(content, users.Id+"/"+s.bram+"/"+name); err != nil {
			t.Fatal(err)
		}
	}

	for name := range stored {
		if _, err := s.app.DB().NewQuery("UPDATE users SET avatar = {:name} WHERE id = {:id}").
			Bind(map[string]any{"name": name, "id": s.bram}).Execute(); err != nil {
			t.Fatal(err)
		}
		url := s.url + "/api/files/users/" + s.bram + "/" + name
		thumbKey := users.Id + "/" + s.bram + "/thumbs_" + name + "/96x96_" + name

		code, _ := testapp.Do(t, http.MethodGet, url+"?thumb=96x96", s.bramT, nil)
		made, _ := fsys.Exists(thumbKey)
		if name == "goed_0123456789.png" {
			if code != http.StatusOK || !made {
				t.Errorf("the thumb of a good stored image: %d, made %v; want 200 and made", code, made)
			}
			continue
		}
		if code != http.StatusNotFound || made {
			t.Errorf("the thumb of %s: %d, made %v; want 404 and none made", name, code, made)
		}
		if code, _ := testapp.Do(t, http.MethodHead, url+"?thumb=96x96", s.bramT, nil); code != http.StatusNotFound {
			t.Errorf("HEAD of the thumb of %s: %d, want 404", name, code)
		}
		// the file itself stays downloadable: nothing decodes it on the server
		if code, _ := testapp.Do(t, http.MethodGet, url, s.bramT, nil); code != http.StatusOK {
			t.Errorf("downloading %s: %d, want 200", name, code)
		}
	}
}

// FuzzImageCheck feeds any bytes to the header check, alone and behind a
// PNG, GIF and RIFF signature: it never panics, and never accepts an image
// whose header declares more than the limits.
func FuzzImageCheck(f *testing.F) {
	f.Add(testapp.PNGBomb(60_000, 60_000))
	f.Add(testapp.PNGBomb(100, 100))
	f.Add(pngOf(f, 4, 3))
	f.Add(gifOf(f, 2, 2, 2, 2))
	f.Add(jpegOf(f, 8, 8))
	f.Add(webpVP8L(16_000, 2))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8X"))

	f.Fuzz(func(t *testing.T, data []byte) {
		config, err := hooks.CheckImage(bytes.NewReader(data))
		if err == nil {
			declared, _, derr := image.DecodeConfig(bytes.NewReader(data))
			if derr != nil || declared.Width != config.Width || declared.Height != config.Height {
				t.Fatalf("accepted %v, but the header reads %v, %v", config, declared, derr)
			}
			if config.Width <= 0 || config.Height <= 0 || config.Width > hooks.MaxImageSide || config.Height > hooks.MaxImageSide ||
				int64(config.Width)*int64(config.Height) > hooks.MaxImagePixels {
				t.Fatalf("accepted an image of %d x %d", config.Width, config.Height)
			}
		} else if !errors.Is(err, hooks.ErrImageTooLarge) && !errors.Is(err, hooks.ErrImageUnreadable) {
			t.Fatalf("an error of neither kind: %v", err)
		}
	})
}

// fetchImage downloads url and returns the header of the image served.
func fetchImage(t *testing.T, url, token string) image.Config {
	t.Helper()
	code, res := testapp.Do(t, http.MethodGet, url, token, nil)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, code, res)
	}
	config, _, err := image.DecodeConfig(bytes.NewReader(res))
	if err != nil {
		t.Fatalf("GET %s: not an image: %v", url, err)
	}
	return config
}

// gifOf returns a GIF of one w x h frame on a screen of sw x sh, as GIF's
// logical screen may declare more than its frames.
func gifOf(t testing.TB, w, h, sw, sh int) []byte {
	t.Helper()
	var b bytes.Buffer
	frame := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White})
	err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{frame}, Delay: []int{0},
		Config: image.Config{Width: sw, Height: sh, ColorModel: frame.Palette}})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jpegOf returns a JPEG of w x h pixels whose header is real and whose
// scan data is cut short: the header check needs no more.
func jpegOf(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	// the SOF0 segment: FFC0, length, precision, then height and width
	i := bytes.Index(data, []byte{0xff, 0xc0})
	binary.BigEndian.PutUint16(data[i+5:], uint16(h))
	binary.BigEndian.PutUint16(data[i+7:], uint16(w))
	return data
}

// webpVP8L returns the header of a lossless WebP of w x h pixels.
func webpVP8L(w, h int) []byte {
	bits := uint32(w-1) | uint32(h-1)<<14 // 14 bits each, then alpha and version
	vp8l := []byte{0x2f, byte(bits), byte(bits >> 8), byte(bits >> 16), byte(bits >> 24), 0, 0, 0}
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(4+8+len(vp8l)))
	b.WriteString("WEBPVP8L")
	binary.Write(&b, binary.LittleEndian, uint32(len(vp8l)))
	b.Write(vp8l)
	return b.Bytes()
}
