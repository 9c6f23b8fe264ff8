package bob_test

import (
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/bob"

	"github.com/pocketbase/dbx"
)

// TestDemoQuestions checks the demo desk (new, assigned with an internal
// note, answered, flagged, closed, saved replies) and that seeding again
// adds nothing.
func TestDemoQuestions(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	d := newDesk(t)

	want := map[string]string{declaratie: "new", flyer: "waiting", rooster: "answered", tablet: "new", nieuwsbrief: "closed"}
	for subject, status := range want {
		if got := questionField(t, app, d.question[subject], "status"); got != status {
			t.Errorf("%s: status %q, want %q", subject, got, status)
		}
	}
	if questionField(t, app, d.question[flyer], "assignee") != d.bo {
		t.Error("flyer is not bo's")
	}
	if questionField(t, app, d.question[tablet], "flagged") == "" {
		t.Error("tablet is not flagged")
	}
	if questionField(t, app, d.question[rooster], "first_response") == "" {
		t.Error("rooster has no first response")
	}
	if questionField(t, app, d.question[nieuwsbrief], "closed") == "" {
		t.Error("nieuwsbrief has no closing time")
	}

	if n, err := app.CountRecords("notifications", dbx.HashExp{"subject_collection": bob.QuestionsCollection}); err != nil || n != 0 {
		t.Errorf("%d notifications about the demo questions (%v), want none", n, err)
	}

	count := func() [3]int {
		var n [3]int
		for i, c := range []string{bob.QuestionsCollection, bob.RepliesCollection, bob.SavedRepliesCollection} {
			total, err := app.CountRecords(c)
			if err != nil {
				t.Fatal(err)
			}
			n[i] = int(total)
		}
		return n
	}
	before := count()
	if before[2] < 3 {
		t.Errorf("%d saved replies, want at least 3", before[2])
	}
	if err := bob.SeedDemo(app); err != nil {
		t.Fatal(err)
	}
	if after := count(); after != before {
		t.Errorf("seeding again: %v, was %v", after, before)
	}
}
