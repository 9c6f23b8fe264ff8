package feed_test

import (
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/feed"

	"github.com/pocketbase/dbx"
)

// TestDemoPinned checks that the demo has one pinned post, Haarlem-Noord's,
// and that seeding again leaves a post unpinned that someone unpinned.
func TestDemoPinned(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	pinned, err := app.FindAllRecords("posts", dbx.HashExp{"pinned": true})
	if err != nil {
		t.Fatal(err)
	}
	if len(pinned) != 1 || pinned[0].GetString("team") != testapp.Id(t, app, "teams", "slug", "haarlem-noord") || pinned[0].GetString("visibility") != "team" {
		t.Fatalf("the demo has %d pinned posts, want one Haarlem-Noord team post", len(pinned))
	}

	pinned[0].Set("pinned", false)
	if err := app.Save(pinned[0]); err != nil {
		t.Fatal(err)
	}
	if err := feed.SeedDemo(app); err != nil {
		t.Fatal(err)
	}
	if n, err := app.CountRecords("posts", dbx.HashExp{"pinned": true}); err != nil || n != 0 {
		t.Fatalf("seeding again pinned %d posts (%v), want none", n, err)
	}
}
