package loadtest

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// NewCommand returns the "load" command, which runs the load test with
// the defaults and flags to change them.
func NewCommand() *cobra.Command {
	c := DefaultConfig()
	var only string

	cmd := &cobra.Command{
		Use:   "load",
		Short: "Load test the buurtplein binary as a server, and the bare baseline, on a generated organisation",
		Long: `Generates an organisation, starts the buurtplein binary as a server on a copy
of it, connects idle realtime clients and lets virtual users work in the app for
the duration, then does the same against the bare baseline (cmd/bench/bare: the
collections and API rules on plain PocketBase). Both binaries are built from the
source in the working directory unless --binary and --bare-binary name them.
Prints throughput and p50/p95/p99 per kind of request, errors, the server's peak
memory and CPU, ours/bare ratios and the issue's targets. Then, with the idle
clients gone, each kind of request is sent alone for --cost by --cost-vus
virtual users back to back, and the report gives the server's CPU per request
of each kind and its part of the mix's CPU.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			servers, err := serversOf(only, false)
			if err != nil {
				return err
			}
			if servers != nil {
				c.Servers = servers
			}
			c.Out = cmd.OutOrStdout()

			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			_, err = Run(ctx, c)
			return err
		},
	}

	f := cmd.Flags()
	f.IntVar(&c.Org.Teams, "teams", c.Org.Teams, "teams in the generated organisation")
	f.IntVar(&c.Org.Users, "users", c.Org.Users, "employees in the generated organisation (posts, tasks and notifications scale with teams and employees)")
	f.IntVar(&c.VUs, "vus", c.VUs, "virtual users working in the app")
	f.IntVar(&c.Idle, "idle", c.Idle, "idle realtime clients")
	f.DurationVar(&c.Duration, "duration", c.Duration, "how long the virtual users work against each server, measured")
	f.DurationVar(&c.Warmup, "warmup", c.Warmup, "how long they work before measuring starts")
	f.DurationVar(&c.Think, "think", c.Think, "mean pause between two actions of a virtual user (exponential)")
	f.DurationVar(&c.Cost, "cost", c.Cost, "after the mix, how long each kind of request is sent alone to measure the server's CPU per request by kind; negative skips it")
	f.IntVar(&c.CostVUs, "cost-vus", c.CostVUs, "virtual users sending a kind at once in that phase, back to back")
	f.StringVar(&only, "only", "", `run against one server only: "ours" or "bare"`)
	f.StringVar(&c.WorkDir, "workdir", "", "keep the generated organisation, data dirs and server logs here (reused by a later run of the same size)")
	f.BoolVar(&c.Keep, "keep", false, "keep the temporary work dir")
	f.Uint64Var(&c.Seed, "seed", c.Seed, "seed of the generated organisation and the virtual users")
	f.StringVar(&c.Binary, "binary", "", "the buurtplein binary to serve; default: build it")
	f.StringVar(&c.BareBinary, "bare-binary", "", "the bare baseline to serve; default: build it (go build ./cmd/bench/bare)")
	return cmd
}

// NewChatCommand returns the "chat" command, which runs the chat load with
// the chat issue's defaults and flags to change them.
func NewChatCommand() *cobra.Command {
	c := DefaultChatConfig()
	var only string

	cmd := &cobra.Command{
		Use:   "chat",
		Short: "Time chat messages from the writer's answer to every subscriber, on a generated organisation",
		Long: `Generates an organisation (the load test's, reused from --workdir when it is the
same), starts the buurtplein binary as a server on a copy of it and connects a
realtime subscriber for each member of the organisation channel (the first
employees) and some outsiders, each following its topics as the PWA does: the
organisation, its own and its teams'. Writers then send messages at an even
pace, most into team channels picked at random (each as a member of it), a
share into the organisation channel. Prints the writers' p50/p95/p99, the time
from each message's answer to each member's event by kind of channel, whether
each member got each message exactly once and nobody else any, the server's
CPU and peak memory, the load average, and the chat issue's targets. With
--only bare (or both) the bare baseline's subscribers follow
the messages collection instead, each event checked against the list rule.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			servers, err := serversOf(only, true)
			if err != nil {
				return err
			}
			if servers != nil {
				c.Servers = servers
			}
			c.Out = cmd.OutOrStdout()

			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			_, err = RunChat(ctx, c)
			return err
		},
	}

	f := cmd.Flags()
	f.IntVar(&c.Org.Teams, "teams", c.Org.Teams, "teams in the generated organisation, each with its channel")
	f.IntVar(&c.Org.Users, "users", c.Org.Users, "employees in the generated organisation")
	f.IntVar(&c.Org.ChannelMembers, "members", c.Org.ChannelMembers, "members of the organisation channel (the first employees), each a subscriber")
	f.IntVar(&c.Outsiders, "outsiders", c.Outsiders, "subscribers outside the organisation channel")
	f.IntVar(&c.Writers, "writers", c.Writers, "writers sending at once")
	f.Float64Var(&c.Rate, "rate", c.Rate, "messages a second, all writers together")
	f.Float64Var(&c.OrgShare, "org-share", c.OrgShare, "share of the messages written into the organisation channel")
	f.DurationVar(&c.Duration, "duration", c.Duration, "how long the writers write, measured")
	f.DurationVar(&c.Warmup, "warmup", c.Warmup, "how long they write before measuring starts")
	f.DurationVar(&c.Settle, "settle", c.Settle, "how long the subscribers listen after the last write")
	f.StringVar(&only, "only", "", `the servers: "ours" (the default), "bare" or "both"`)
	f.StringVar(&c.WorkDir, "workdir", "", "keep the generated organisation, data dirs and server logs here (reused by a later run of the same size, also by bench load)")
	f.BoolVar(&c.Keep, "keep", false, "keep the temporary work dir")
	f.Uint64Var(&c.Seed, "seed", c.Seed, "seed of the generated organisation and the writers")
	f.StringVar(&c.Binary, "binary", "", "the buurtplein binary to serve; default: build it")
	f.StringVar(&c.BareBinary, "bare-binary", "", "the bare baseline to serve; default: build it (go build ./cmd/bench/bare)")
	return cmd
}

// serversOf reads an --only flag: the servers to run against, nil for
// the command's default ("" given). With both, "both" names ours and bare.
func serversOf(only string, both bool) ([]string, error) {
	switch {
	case only == "":
		return nil, nil
	case only == Ours, only == Bare:
		return []string{only}, nil
	case both && only == "both":
		return []string{Ours, Bare}, nil
	case both:
		return nil, fmt.Errorf("--only takes %q, %q or \"both\", not %q", Ours, Bare, only)
	}
	return nil, fmt.Errorf("--only takes %q or %q, not %q", Ours, Bare, only)
}
