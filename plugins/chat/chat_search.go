package chat

// bindSearch binds the hooks and routes of the chat's search.
func (p *plugin) bindSearch() error {
	return nil
}
