package bob_test

import (
	"slices"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/bob"

	"github.com/pocketbase/pocketbase/core"
)

// TestDeadline checks the working-hours clock (Monday to Friday, 08:30 to
// 17:00 in Amsterdam) over evenings, weekends and both switches of summer
// time.
func TestDeadline(t *testing.T) {
	t.Parallel()
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, ams)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name, from string
		wait       time.Duration
		want       string
	}{
		{"within the day", "2026-11-30 09:00", 8 * time.Hour, "2026-11-30 17:00"},
		{"into the next morning", "2026-11-30 10:00", 8 * time.Hour, "2026-12-01 09:30"},
		{"before the day starts", "2026-11-30 07:00", time.Hour, "2026-11-30 09:30"},
		{"after the day ends", "2026-11-30 17:30", time.Hour, "2026-12-01 09:30"},
		{"exactly at closing", "2026-11-30 16:00", time.Hour, "2026-11-30 17:00"},
		{"over the weekend", "2026-12-04 16:00", 2 * time.Hour, "2026-12-07 09:30"},
		{"asked on Saturday", "2026-12-05 12:00", time.Hour, "2026-12-07 09:30"},
		{"asked late on Sunday", "2026-12-06 23:00", 30 * time.Minute, "2026-12-07 09:00"},
		{"no wait on Saturday is Monday's start", "2026-12-05 12:00", 0, "2026-12-07 08:30"},
		{"a working week", "2026-11-30 08:30", 40 * time.Hour, "2026-12-04 14:30"},
		{"into summer time", "2026-03-27 16:00", 2 * time.Hour, "2026-03-30 09:30"},
		{"out of summer time", "2026-10-23 16:00", 2 * time.Hour, "2026-10-26 09:30"},
		{"across New Year", "2026-12-31 16:00", 2 * time.Hour, "2027-01-01 09:30"},
	}
	for _, c := range cases {
		got := (bob.WorkingHours{}).Deadline(at(c.from), c.wait)
		if want := at(c.want); !got.Equal(want) {
			t.Errorf("%s: %s + %s = %s, want %s", c.name, c.from, c.wait, got.In(ams), want)
		}
	}
	// the offsets of the switches themselves, in UTC
	if got := (bob.WorkingHours{}).Deadline(at("2026-03-27 16:00"), 2*time.Hour).UTC(); got.Format("15:04") != "07:30" {
		t.Errorf("Monday after the switch to summer time: %s UTC, want 07:30", got)
	}
	if got := (bob.WorkingHours{}).Deadline(at("2026-10-23 16:00"), 2*time.Hour).UTC(); got.Format("15:04") != "08:30" {
		t.Errorf("Monday after the switch to winter time: %s UTC, want 08:30", got)
	}
	// a Go caller's time in another zone counts the same
	if got := (bob.WorkingHours{}).Deadline(at("2026-11-30 10:00").UTC(), 8*time.Hour); !got.Equal(at("2026-12-01 09:30")) {
		t.Errorf("from UTC: %s", got)
	}
	// custom hours
	short := bob.WorkingHours{Location: time.UTC, Start: 9 * time.Hour, End: 12 * time.Hour}
	if got := short.Deadline(time.Date(2026, 11, 30, 11, 0, 0, 0, time.UTC), 2*time.Hour); !got.Equal(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("9 to 12 UTC: %s", got)
	}
}

// TestFlagUnanswered checks the response-time check with a fixed now: a
// question without a first response past the organisation's working
// hours is flagged once and BOB staff are told; answered, closed and
// already flagged questions, and young ones, are left alone.
func TestFlagUnanswered(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	app := testapp.New(t)
	id := d.question[declaratie]
	q, err := app.FindRecordById(bob.QuestionsCollection, id)
	if err != nil {
		t.Fatal(err)
	}
	created := q.GetDateTime("created")
	wait := bob.WorkingHours{}.Deadline(created.Time(), 8*time.Hour) // the demo's 8 working hours

	flag := func(now time.Time, want int) {
		t.Helper()
		n, err := bob.FlagUnanswered(app, now, bob.WorkingHours{})
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("at %s: %d flagged, want %d", now, n, want)
		}
	}
	flag(wait.Add(-time.Minute), 0)
	if questionField(t, app, id, "flagged") != "" {
		t.Fatal("flagged before its time")
	}
	flag(wait, 1)
	if questionField(t, app, id, "flagged") == "" {
		t.Error("not flagged")
	}
	if got := notifications(t, app, d.bo, id); !slices.Equal(got, []string{"question_flagged"}) {
		t.Errorf("bo's notifications: %v", got)
	}
	flag(wait.Add(24*time.Hour), 0) // once

	// more time for a first response, for a new question
	settings, err := app.FindFirstRecordByFilter("organisation_settings", "id != ''")
	if err != nil {
		t.Fatal(err)
	}
	settings.Set("bob_response_hours", 400)
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	c, err := app.FindCollectionByNameOrId(bob.QuestionsCollection)
	if err != nil {
		t.Fatal(err)
	}
	later := core.NewRecord(c)
	later.Load(map[string]any{"team": d.haarlem, "asker": d.anna, "category": "overig", "subject": "Later", "body": "Geen haast"})
	if err := app.Save(later); err != nil {
		t.Fatal(err)
	}
	// 400 working hours are 47 working days, some nine and a half weeks
	born := later.GetDateTime("created").Time()
	flag(born.Add(30*24*time.Hour), 0)
	flag(born.Add(90*24*time.Hour), 1)
	if questionField(t, app, later.Id, "flagged") == "" {
		t.Error("the later question is not flagged")
	}
}
