package regie

// bindRights binds the hooks of this part. Not yet written.
func (p *plugin) bindRights() {}
