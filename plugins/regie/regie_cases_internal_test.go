package regie

import "testing"

// TestTeamInitials checks the letters of a team's client codes.
func TestTeamInitials(t *testing.T) {
	for name, want := range map[string]string{
		"Buurtteam Haarlem-Noord": "HN",
		"Buurtteam Schalkwijk":    "SC",
		"Heemstede":               "HE",
		"buurtteam zuid oost":     "ZO",
		"Buurtteam Ée":            "CL",
		"":                        "CL",
	} {
		if got := teamInitials(name); got != want {
			t.Errorf("teamInitials(%q) = %q, want %q", name, got, want)
		}
	}
}
