package audit

// bindAppendOnly makes the log append-only on every path (see the package
// doc). Owned by the audit part; it binds nothing yet.
func (p *plugin) bindAppendOnly() {}
