package regie

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// ClientsCommand returns the "clients" command on app, for the tests of
// the commands: the test apps are registered without commands.
func ClientsCommand(app core.App) *cobra.Command {
	return (&plugin{app: app}).command()
}
