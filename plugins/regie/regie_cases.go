package regie

// bindCases binds the hooks of this part. Not yet written.
func (p *plugin) bindCases() {}
