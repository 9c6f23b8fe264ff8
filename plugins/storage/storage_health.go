package storage

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"buurtplein/hooks"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// probePrefix is the prefix the check lists: nothing is stored under it,
// so the answer is one short page.
const probePrefix = "buurtplein-check/"

// health is what the last check of the bucket found.
type health struct {
	mu      sync.Mutex
	err     error // nil: the bucket answered (or was not checked yet)
	checked time.Time
}

// set records the result of a check and tells IT when the bucket stops or
// starts answering.
func (h *health) set(p *plugin, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.record(p, err)
}

func (h *health) record(p *plugin, err error) {
	was := h.err
	h.err, h.checked = err, time.Now()
	switch {
	case err != nil && was == nil:
		msg := unreachableMessage(p.config.Endpoint, p.config.Bucket, err)
		fmt.Fprintln(p.out, msg)
		p.app.Logger().Error(msg, "endpoint", p.config.Endpoint, "bucket", p.config.Bucket, "error", err.Error())
	case err == nil && was != nil:
		msg := fmt.Sprintf("Bestandsopslag: bucket %q op %s is weer bereikbaar; uploads werken weer.", p.config.Bucket, p.config.Endpoint)
		fmt.Fprintln(p.out, msg)
		p.app.Logger().Info(msg, "endpoint", p.config.Endpoint, "bucket", p.config.Bucket)
	}
}

// available returns the last check's error, checking again first when it
// failed at least Recheck ago. Concurrent uploads wait for one check.
func (h *health) available(p *plugin) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err != nil && time.Since(h.checked) >= p.config.Recheck {
		h.record(p, p.probe())
	}
	return h.err
}

// probe lists a prefix of the bucket with the settings' storage, within
// ProbeTimeout: it fails on wrong keys, a missing bucket and an endpoint
// that does not answer.
func (p *plugin) probe() error {
	fsys, err := p.app.NewFilesystem()
	if err != nil {
		return err
	}
	defer fsys.Close()

	ctx, cancel := context.WithTimeout(context.Background(), p.config.ProbeTimeout)
	defer cancel()
	fsys.SetContext(ctx)
	_, err = fsys.List(probePrefix)
	return err
}

// unreachableMessage is what IT reads, on the console and in the logs,
// when the bucket does not answer.
func unreachableMessage(endpoint, bucket string, err error) string {
	return fmt.Sprintf("Bestandsopslag niet bereikbaar: bucket %q op %s: %s (%v). "+
		"De server draait door, maar weigert uploads van bestanden tot de opslag weer antwoordt.",
		bucket, endpoint, cause(err), firstLine(err))
}

// cause names in Dutch why a check failed. S3 says it in the error code
// of its answer; no answer at all is a network error or the timeout.
func cause(err error) string {
	text := err.Error()
	var netErr net.Error
	switch {
	case strings.Contains(text, "NoSuchBucket"):
		return "de bucket bestaat niet"
	case strings.Contains(text, "InvalidAccessKeyId"):
		return "de toegangssleutel is onbekend"
	case strings.Contains(text, "SignatureDoesNotMatch"):
		return "het geheim (BUURTPLEIN_S3_SECRET) klopt niet bij de toegangssleutel"
	case strings.Contains(text, "AccessDenied"), strings.HasPrefix(text, "403"):
		return "de sleutel geeft geen toegang tot de bucket"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr):
		return "het adres antwoordt niet"
	}
	return "onverwacht antwoord"
}

// firstLine is the error without the raw answer S3 adds on the next lines.
func firstLine(err error) string {
	text, _, _ := strings.Cut(err.Error(), "\n")
	return strings.TrimSuffix(text, ".")
}

// errUnavailable is the answer to an upload while the bucket does not
// answer.
func errUnavailable() error {
	return hooks.Err(http.StatusServiceUnavailable, "files_storage_unavailable", nil,
		"De opslag voor bestanden is niet bereikbaar; probeer het later opnieuw.")
}

// guardUploads refuses a record with new files while the bucket does not
// answer, before anything is written. An upload that fails on the way
// (the bucket stopped answering since the last check) is checked at once
// and answered the same way; PocketBase has removed the record's new
// files and written nothing.
func (p *plugin) guardUploads(e *core.RecordRequestEvent) error {
	if !e.App.Settings().S3.Enabled || !hasUploads(e.Record) {
		return e.Next()
	}
	if p.health.available(p) != nil {
		return errUnavailable()
	}
	err := e.Next()
	if err != nil && !refusedForContent(err) {
		if probeErr := p.probe(); probeErr != nil {
			p.health.set(p, probeErr)
			return errUnavailable()
		}
	}
	return err
}

// refusedForContent reports whether err refuses the record for what it
// holds (a field's validation, a coded refusal) rather than for failing
// to store it: no reason to ask the storage.
func refusedForContent(err error) bool {
	var fields validation.Errors
	var coded *hooks.Error
	return errors.As(err, &fields) || errors.As(err, &coded)
}

// hasUploads reports whether record has a new file in any of its fields.
func hasUploads(record *core.Record) bool {
	for _, f := range record.Collection().Fields {
		if f.Type() == core.FieldTypeFile && len(record.GetUnsavedFiles(f.GetName())) > 0 {
			return true
		}
	}
	return false
}
