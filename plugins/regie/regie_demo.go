package regie

import "github.com/pocketbase/pocketbase/core"

// SeedDemo seeds fictional clients in two demo teams, at different steps,
// one of them overdue. Not yet written.
func SeedDemo(app core.App) error { return nil }
