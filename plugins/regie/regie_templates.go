package regie

// bindTemplates binds the hooks of this part. Not yet written.
func (p *plugin) bindTemplates() {}
