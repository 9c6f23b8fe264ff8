package chat

import (
	"testing"
	"time"
)

func TestQuietAt(t *testing.T) {
	t.Parallel()
	// at returns the instant of Amsterdam's wall clock on the day
	at := func(day, clock string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, quietZone)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	cases := []struct {
		name        string
		from, until string
		now         time.Time
		want        bool
	}{
		{"none set", "", "", at("2026-06-01", "03:00"), false},
		{"only a start", "22:00", "", at("2026-06-01", "23:00"), false},
		{"only an end", "", "07:00", at("2026-06-01", "03:00"), false},
		{"malformed", "25:00", "07:00", at("2026-06-01", "03:00"), false},
		{"an empty span", "08:00", "08:00", at("2026-06-01", "08:00"), false},

		{"within the day", "12:00", "14:00", at("2026-06-01", "13:00"), true},
		{"at the start, included", "12:00", "14:00", at("2026-06-01", "12:00"), true},
		{"at the end, excluded", "12:00", "14:00", at("2026-06-01", "14:00"), false},
		{"a minute before the end", "12:00", "14:00", at("2026-06-01", "13:59"), true},
		{"before the span", "12:00", "14:00", at("2026-06-01", "11:59"), false},

		{"across midnight, late", "22:00", "07:00", at("2026-06-01", "23:30"), true},
		{"across midnight, at midnight", "22:00", "07:00", at("2026-06-01", "00:00"), true},
		{"across midnight, early", "22:00", "07:00", at("2026-06-01", "06:59"), true},
		{"across midnight, at the end", "22:00", "07:00", at("2026-06-01", "07:00"), false},
		{"across midnight, at the start", "22:00", "07:00", at("2026-06-01", "22:00"), true},
		{"across midnight, daytime", "22:00", "07:00", at("2026-06-01", "12:00"), false},
		{"until midnight", "20:00", "00:00", at("2026-06-01", "23:59"), true},
		{"until midnight, at midnight", "20:00", "00:00", at("2026-06-01", "00:00"), false},

		// the clocks go forward at 02:00 on 29 March 2026 (03:00 follows
		// 01:59) and back at 03:00 on 25 October 2026 (02:00-02:59 twice)
		{"spring forward, after the gap", "22:00", "07:00", at("2026-03-29", "03:30"), true},
		{"spring forward, wall clock not UTC", "06:00", "07:00", time.Date(2026, 3, 29, 4, 30, 0, 0, time.UTC), true},
		{"spring forward, the hour before", "06:00", "07:00", time.Date(2026, 3, 29, 3, 30, 0, 0, time.UTC), false},
		{"fall back, the first 02:30", "02:00", "03:00", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), true},
		{"fall back, the second 02:30", "02:00", "03:00", time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), true},
		{"fall back, 03:00 after", "02:00", "03:00", time.Date(2026, 10, 25, 2, 0, 0, 0, time.UTC), false},
		{"winter, UTC+1", "08:00", "09:00", time.Date(2026, 1, 15, 7, 30, 0, 0, time.UTC), true},
		{"summer, UTC+2", "08:00", "09:00", time.Date(2026, 7, 15, 7, 30, 0, 0, time.UTC), false},
	}
	for _, c := range cases {
		if got := quietAt(c.from, c.until, c.now); got != c.want {
			t.Errorf("%s: quietAt(%q, %q, %s) = %v, want %v", c.name, c.from, c.until, c.now.In(quietZone), got, c.want)
		}
	}
}

func TestMentionAll(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"@team":                           MentionTeam,
		"Overleg @TEAM, om 10 uur":        MentionTeam,
		"(@Iedereen) let op":              MentionEveryone,
		"@team en @iedereen":              MentionEveryone,
		"@teamoverleg":                    "",
		"mail team@iedereen.nl":           "",
		"ons@team":                        "",
		"@ team":                          "",
		"@teamé":                          "",
		"@team\nmorgen":                   MentionTeam,
		"geen":                            "",
		"@iedereen-en-meer is een woord?": MentionEveryone,
	}
	for text, want := range cases {
		if got := mentionAll(text); got != want {
			t.Errorf("mentionAll(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestIsEmoji(t *testing.T) {
	t.Parallel()
	yes := []string{"👍", "❤️", "❤", "👍🏽", "🇳🇱", "1️⃣", "#⃣", "👩‍💻", "🏳️‍🌈", "🙂", "✅", "‼️"}
	no := []string{"", "a", "ok", "👍👍", "🇳", "🇳🇱🇧", "🏽", "👍 ", " 👍", "1", "👍\u200d", "\u200d👍", "👨‍👩‍👧‍👦", "🏴󠁧󠁢󠁷󠁬󠁳󠁿", "<b>", "\xff"}
	for _, s := range yes {
		if !isEmoji(s) {
			t.Errorf("isEmoji(%q) = false, want true", s)
		}
	}
	for _, s := range no {
		if isEmoji(s) {
			t.Errorf("isEmoji(%q) = true, want false", s)
		}
	}
}
