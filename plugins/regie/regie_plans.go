package regie

// bindPlans binds the hooks of this part. Not yet written.
func (p *plugin) bindPlans() {}
