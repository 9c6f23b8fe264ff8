package replica

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"buurtplein/hooks"

	"github.com/benbjohnson/litestream"
)

// amsterdam is the time zone IT means by a moment typed without one
// (embedded in the binary by hooks).
var amsterdam = hooks.QuietZone

// momentLayouts are the forms a moment may be given in; without a zone it
// is Amsterdam time.
var momentLayouts = []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05"}

// ParseMoment reads a moment to restore to: "2026-12-01 14:05" (Amsterdam
// time, seconds optional) or RFC 3339 with a zone.
func ParseMoment(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range momentLayouts {
		if t, err := time.ParseInLocation(layout, s, amsterdam); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is geen moment: schrijf bijvoorbeeld \"2026-12-01 14:05\" (Nederlandse tijd) of \"2026-12-01T13:05:00Z\"", s)
}

// Bounds are the first and the last moment a replica can restore to.
type Bounds struct {
	First, Last time.Time
}

// ReadBounds returns the moments the replica at rawURL can restore to, or
// an error saying it holds nothing.
func ReadBounds(ctx context.Context, rawURL string) (Bounds, error) {
	client, err := newClient(rawURL)
	if err != nil {
		return Bounds{}, err
	}
	r := litestream.NewReplicaWithClient(nil, client)
	first, last, err := r.TimeBounds(ctx)
	if err != nil {
		return Bounds{}, fmt.Errorf("de replica %s is niet te lezen: %w", redact(rawURL), err)
	}
	if first.IsZero() && last.IsZero() {
		return Bounds{}, fmt.Errorf("de replica %s is leeg: er is nog niets naartoe gestuurd, of het adres klopt niet", redact(rawURL))
	}
	return Bounds{First: first, Last: last}, nil
}

// RestoreOptions say what [Restore] restores, and where.
type RestoreOptions struct {
	// URL is the replica (see [Config.URL]).
	URL string

	// Into is the data dir the database is restored into. It may not hold
	// a database: a restore never touches live data.
	Into string

	// At is the moment to restore to; zero (or a moment after the last
	// one the replica holds) restores the latest.
	At time.Time
}

// Restored is what [Restore] did.
type Restored struct {
	Path   string // the restored data.db
	Bounds Bounds // what the replica held
	Latest bool   // whether the latest state was restored (no moment, or one after Bounds.Last)
}

// Restore writes the database as it was at opts.At, from the replica, to
// data.db in opts.Into, checked with SQLite's quick_check. It refuses a
// moment before the replica's first one, and a data dir that holds a
// database already.
func Restore(ctx context.Context, opts RestoreOptions) (Restored, error) {
	out := Restored{Path: filepath.Join(opts.Into, "data.db")}
	for _, name := range []string{out.Path, out.Path + "-wal"} {
		if _, err := os.Stat(name); err == nil {
			return out, fmt.Errorf("%s bestaat al: zet terug in een lege map (--into) en zet die op de plaats van de datamap als de server gestopt is; zo blijft de huidige database onaangeroerd", name)
		} else if !errors.Is(err, os.ErrNotExist) {
			return out, err
		}
	}

	bounds, err := ReadBounds(ctx, opts.URL)
	if err != nil {
		return out, err
	}
	out.Bounds = bounds
	if !opts.At.IsZero() && opts.At.Before(bounds.First) {
		return out, fmt.Errorf("%s ligt voor het vroegste moment in de replica (%s): kies een moment vanaf dan, of neem een zip-back-up van daarvoor",
			formatMoment(opts.At), formatMoment(bounds.First))
	}
	restore := litestream.NewRestoreOptions()
	restore.OutputPath = out.Path
	restore.IntegrityCheck = litestream.IntegrityCheckQuick
	if opts.At.IsZero() || !opts.At.Before(bounds.Last) {
		out.Latest = true
	} else {
		restore.Timestamp = opts.At
	}

	client, err := newClient(opts.URL)
	if err != nil {
		return out, err
	}
	if err := os.MkdirAll(opts.Into, 0o755); err != nil {
		return out, fmt.Errorf("de map %s kan niet gemaakt worden: %w", opts.Into, err)
	}
	if err := litestream.NewReplicaWithClient(nil, client).Restore(ctx, restore); err != nil {
		return out, fmt.Errorf("terugzetten uit %s mislukt: %w", redact(opts.URL), err)
	}
	return out, nil
}

// newClient returns the Litestream client of a replica URL; a plain path
// is a directory.
func newClient(rawURL string) (litestream.ReplicaClient, error) {
	if rawURL == "" {
		return nil, errors.New("geen replica opgegeven: gebruik --replica (of BUURTPLEIN_REPLICA)")
	}
	if !strings.Contains(rawURL, "://") {
		abs, err := filepath.Abs(rawURL)
		if err != nil {
			return nil, err
		}
		rawURL = "file://" + abs
	}
	client, err := litestream.NewReplicaClientFromURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("de replica %s is geen bruikbaar adres (een map, file:// of s3://): %w", redact(rawURL), err)
	}
	return client, nil
}

// redact returns rawURL without a password or query, for logs and
// messages: an S3 URL may carry credentials.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		return rawURL
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}

// formatMoment writes t as IT reads it: Amsterdam time, to the second.
func formatMoment(t time.Time) string {
	return t.In(amsterdam).Format("2006-01-02 15:04:05 MST")
}
