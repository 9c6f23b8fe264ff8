package bob

import "github.com/pocketbase/pocketbase/core"

// bindCatalogue binds the catalogue: the products and their formats,
// papers and prices.
func (p *plugin) bindCatalogue() error { return nil }

// seedCatalogue seeds the demo catalogue.
func seedCatalogue(app core.App) error { return nil }
