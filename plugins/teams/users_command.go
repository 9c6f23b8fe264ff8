package teams

import (
	"github.com/spf13/cobra"
)

// usersCommand returns the "users" command group.
func (p *plugin) usersCommand() *cobra.Command {
	command := &cobra.Command{
		Use:   "users",
		Short: "Beheer medewerkers (import uit CSV)",
	}
	return command
}
