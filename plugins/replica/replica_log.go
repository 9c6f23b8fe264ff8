package replica

import (
	"context"
	"log/slog"
)

// textDurations is a slog.Handler that hands next every time.Duration
// attribute as text ("250ms"). Litestream logs durations (a retry's
// backoff, a monitor's interval), and PocketBase's log keeps attributes as
// JSON, which takes no time.Duration: such a line, a sync error with its
// cause among them, was lost ("Failed to write log").
type textDurations struct {
	next slog.Handler
}

func (h textDurations) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h textDurations) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(durationAsText(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h textDurations) WithAttrs(attrs []slog.Attr) slog.Handler {
	converted := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		converted[i] = durationAsText(a)
	}
	return textDurations{h.next.WithAttrs(converted)}
}

func (h textDurations) WithGroup(name string) slog.Handler {
	return textDurations{h.next.WithGroup(name)}
}

// durationAsText returns a with a duration, also one in a group, as text.
func durationAsText(a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindDuration:
		return slog.String(a.Key, a.Value.Duration().String())
	case slog.KindGroup:
		group := a.Value.Group()
		converted := make([]any, len(group))
		for i, g := range group {
			converted[i] = durationAsText(g)
		}
		return slog.Group(a.Key, converted...)
	}
	return a
}
