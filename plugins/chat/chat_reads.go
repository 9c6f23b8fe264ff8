package chat

// bindReads binds the hooks and routes of the chat's reads.
func (p *plugin) bindReads() error {
	return nil
}
