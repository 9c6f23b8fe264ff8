package chat

// bindAttachments binds the hooks and routes of the chat's attachments.
func (p *plugin) bindAttachments() error {
	return nil
}
