package regie

// bindOverdue schedules the check of cases past their deadline. Not yet
// written.
func (p *plugin) bindOverdue() error { return nil }
