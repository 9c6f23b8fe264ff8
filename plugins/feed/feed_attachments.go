package feed

import (
	"bytes"
	"fmt"
	"io"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// attachmentsField holds a post's PDFs (at most 4 of 20 MB each, a
// protected file field: a download needs a file token of someone who may
// read the post).
const attachmentsField = "attachments"

// pdfMagic is how every PDF file starts.
var pdfMagic = []byte("%PDF-")

// checkAttachments refuses, on every path, a new attachment of a post
// that is no PDF by its first bytes, whatever its name or the type its
// upload claims: colleagues open it as a PDF. It reads five bytes of each
// new file; the field's own limits (4 files, 20 MB each) bound the rest,
// and the request's body limit bounds what is read before.
func checkAttachments(e *core.RecordEvent) error {
	for _, file := range e.Record.GetUnsavedFiles(attachmentsField) {
		if file == nil || file.Reader == nil {
			continue // nothing to upload: PocketBase refuses it itself
		}
		ok, err := isPDF(file.Reader)
		if err != nil {
			return fmt.Errorf("reading attachment %q: %w", file.OriginalName, err)
		}
		if !ok {
			return hooks.FieldError(attachmentsField, "attachment_not_pdf", fmt.Sprintf(
				"Het bestand %q is geen PDF. Voeg alleen PDF-bestanden toe (ten hoogste 4, van elk ten hoogste 20 MB).", file.OriginalName),
				hooks.Params{"name": file.OriginalName})
		}
	}
	return e.Next()
}

// isPDF reports whether the file starts as a PDF does.
func isPDF(reader filesystem.FileReader) (bool, error) {
	f, err := reader.Open()
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, len(pdfMagic))
	if _, err := io.ReadFull(f, head); err != nil {
		return false, nil // shorter than the magic: no PDF
	}
	return bytes.Equal(head, pdfMagic), nil
}
