package audit

import "github.com/spf13/cobra"

// command returns "audit", with "verify" and "purge" under it.
func (p *plugin) command() *cobra.Command {
	return &cobra.Command{
		Use:   "audit",
		Short: "Checks and keeps the access log of client data",
	}
}
