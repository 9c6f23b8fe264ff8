package bob

import "github.com/pocketbase/pocketbase/core"

// bindOrders binds the orders: their workflow, history and proofs.
func (p *plugin) bindOrders() error { return nil }

// seedOrders seeds the demo orders.
func seedOrders(app core.App) error { return nil }
