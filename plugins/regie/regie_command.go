package regie

import "github.com/spf13/cobra"

// command returns "clients", with "export", "report" and "erase" under it.
func (p *plugin) command() *cobra.Command {
	return &cobra.Command{
		Use:   "clients",
		Short: "A client's rights: everything held about them, the access report, erasure",
	}
}
