package chat

import "buurtplein/hooks"

// bindAttachments re-encodes the photos among a message's new attachments
// before they are stored, on every path that validates a message (the
// record API, batch requests, the dashboard, Go code): turned upright,
// scaled to at most Config.PhotoMaxSide pixels, without EXIF, GPS or any
// other metadata (a photo taken in a client's home must not say where it
// was taken), see [hooks.ReencodeImage]. Files that are no image (a PDF, a
// document) are stored as sent, when the field's types allow them. A
// file that claims to be an image and is none, or a pixel bomb, is
// refused (image_unreadable, image_too_large) before any pixel is
// decoded.
func (p *plugin) bindAttachments() error {
	hooks.ReencodeUploads(p.app, MessagesCollection, p.config.PhotoMaxSide, "attachments")
	return nil
}
