// Bench runs Buurtplein's load test and drills against the buurtplein
// binary as a server, on this machine. It is tooling, not part of the
// product: the buurtplein binary ships none of it.
//
// From the module root:
//
//	go run ./cmd/bench load            # ours and the bare baseline, in one run
//	go run ./cmd/bench chat            # chat messages to 2,000 subscribers
//	go run ./cmd/bench crash --rounds 200
//	go run ./cmd/bench backup --fill 100000
//
// Each command builds the binaries it serves from the source in the working
// directory, unless its flags name them (--binary, --bare-binary).
package main

import (
	"os"

	"buurtplein/internal/drill"
	"buurtplein/internal/loadtest"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:          "bench",
		Short:        "Load test and drills against the buurtplein binary as a server",
		SilenceUsage: true,
		CompletionOptions: cobra.CompletionOptions{
			DisableDefaultCmd: true,
		},
	}
	root.AddCommand(loadtest.NewCommand(), loadtest.NewChatCommand(), drill.NewCrashCommand(), drill.NewBackupCommand(), drill.NewReplicaCommand())
	if err := root.Execute(); err != nil {
		os.Exit(1)
	}
}
