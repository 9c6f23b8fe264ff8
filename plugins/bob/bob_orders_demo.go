package bob

import "github.com/pocketbase/pocketbase/core"

// seedOrders seeds the demo orders.
func seedOrders(app core.App) error { return nil }
