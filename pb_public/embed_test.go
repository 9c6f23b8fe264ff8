package pb_public_test

import (
	"bytes"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"

	"buurtplein/pb_public"
)

// notServed are the files in pb_public that are no part of the PWA.
func notServed(name string) bool {
	return strings.HasSuffix(name, ".go") || name == "README.md"
}

// TestEveryFileEmbedded compares the folder with what the binary carries:
// every file of the PWA is embedded with the same bytes, and nothing else
// (no Go source, no README) is.
func TestEveryFileEmbedded(t *testing.T) {
	onDisk := map[string]bool{}
	err := fs.WalkDir(os.DirFS("."), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || notServed(name) {
			return err
		}
		onDisk[name] = true
		embedded, err := fs.ReadFile(pb_public.Files, name)
		if err != nil {
			t.Errorf("%s is in pb_public but not embedded (add a pattern to embed.go; names starting with . or _ need renaming): %v", name, err)
			return nil
		}
		disk, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if !bytes.Equal(disk, embedded) {
			t.Errorf("%s: the embedded bytes differ from the file", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	n := 0
	err = fs.WalkDir(pb_public.Files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		if notServed(name) || !onDisk[name] {
			t.Errorf("%s is embedded but must not be served", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 || !onDisk["index.html"] || !onDisk[path.Join("js", "app.js")] {
		t.Fatalf("only %d files embedded, or no index.html and js/app.js: is this pb_public?", n)
	}
}
