package chat

// bindMessages binds the hooks and routes of the chat's messages.
func (p *plugin) bindMessages() error {
	return nil
}
