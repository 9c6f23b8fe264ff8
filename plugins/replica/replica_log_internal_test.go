package replica

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/logger"
)

// TestDurationsAsText logs two lines with durations, as Litestream's sync
// errors carry them, to a real app's log: the one through textDurations is
// kept, with the durations as text; the one straight to the app's log is
// lost, because PocketBase cannot store a duration.
func TestDurationsAsText(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()

	line := func(handler slog.Handler, message string) {
		slog.New(handler).With("interval", time.Second).
			Error(message, "backoff", 250*time.Millisecond, slog.Group("retry", "after", 2*time.Second))
	}
	line(app.Logger().Handler(), "sync error, straight")
	line(textDurations{app.Logger().Handler()}, "sync error, as text")

	// the log is written in batches, in the background
	logs := func(message string) []string {
		app.Logger().Handler().(*logger.BatchHandler).WriteAll(context.Background())
		var data []string
		if err := app.AuxDB().Select("data").From("_logs").Where(dbx.HashExp{"message": message}).Column(&data); err != nil {
			t.Fatal(err)
		}
		return data
	}
	deadline := time.Now().Add(10 * time.Second)
	kept := logs("sync error, as text")
	for ; len(kept) == 0 && time.Now().Before(deadline); kept = logs("sync error, as text") {
		time.Sleep(50 * time.Millisecond)
	}
	if len(kept) != 1 {
		t.Fatalf("the line through textDurations: %d kept, want 1", len(kept))
	}
	for _, want := range []string{`"backoff":"250ms"`, `"interval":"1s"`, `"after":"2s"`} {
		if !strings.Contains(kept[0], want) {
			t.Errorf("kept as %s, want %s in it", kept[0], want)
		}
	}
	// written before it, had it been writable
	if lost := logs("sync error, straight"); len(lost) != 0 {
		t.Logf("PocketBase now stores a duration itself (%s): textDurations may go", lost[0])
	}
}
