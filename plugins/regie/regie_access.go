package regie

// bindAccessLog binds the hooks of this part. Not yet written.
func (p *plugin) bindAccessLog() {}
