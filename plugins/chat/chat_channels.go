package chat

// bindChannels binds the hooks and routes of the chat's channels.
func (p *plugin) bindChannels() error {
	return nil
}
