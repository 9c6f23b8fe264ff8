package replica

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// newCommand returns the "replica" command group: restore and info.
// noDatabase says the data dir held no database before this process
// bootstrapped.
func newCommand(app core.App, config Config, noDatabase bool) *cobra.Command {
	command := &cobra.Command{
		Use:   "replica",
		Short: "Zet de database terug uit de replica (Litestream), ook naar een gekozen moment",
	}
	command.AddCommand(newRestoreCommand(app, config, noDatabase), newInfoCommand(config))
	return command
}

func newRestoreCommand(app core.App, config Config, noDatabase bool) *cobra.Command {
	var to, into string
	command := &cobra.Command{
		Use:   "restore",
		Short: "Zet de database terug zoals die was op een moment (--to; anders de laatste stand), in een map zonder database",
		Long: `Zet data.db terug uit de replica (--replica of BUURTPLEIN_REPLICA), zoals die
was op --to (Nederlandse tijd, tenzij er een tijdzone bij staat; zonder --to
de laatste stand), in --into (anders de datamap, --dir). In die map mag geen
database staan: zo raakt een terugzetting nooit de levende data. Zet terug in
een lege map en zet die, met de server gestopt, op de plaats van de datamap.
De geüploade bestanden staan niet in de replica, maar op S3 of in de back-ups.
Start daarna de server met dezelfde --replica: de replicatie gaat verder.`,
		Example: `replica restore --to "2026-12-01 14:05" --into /srv/buurtplein/pb_data_1405
replica restore   # na het verlies van de schijf: de laatste stand in de lege datamap`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(command *cobra.Command, args []string) error {
			opts := RestoreOptions{URL: config.URL, Into: into}
			if opts.Into == "" {
				opts.Into = app.DataDir()
			}
			if to != "" {
				at, err := ParseMoment(to)
				if err != nil {
					return err
				}
				opts.At = at
			}
			if err := releaseDataDir(app, opts.Into, noDatabase); err != nil {
				return err
			}
			done, err := Restore(command.Context(), opts)
			if err != nil {
				return err
			}
			w := command.OutOrStdout()
			if done.Latest {
				fmt.Fprintf(w, "Teruggezet: de laatste stand in de replica (%s), in %s.\n", formatMoment(done.Bounds.Last), done.Path)
			} else {
				fmt.Fprintf(w, "Teruggezet: de stand van %s, in %s.\n", formatMoment(opts.At), done.Path)
			}
			fmt.Fprintln(w, "Start de server op deze datamap met dezelfde --replica: de replicatie gaat verder vanaf deze stand.")
			return nil
		},
	}
	command.Flags().StringVar(&to, "to", "", `het moment, bijvoorbeeld "2026-12-01 14:05" (Nederlandse tijd); anders de laatste stand`)
	command.Flags().StringVar(&into, "into", "", "zet terug in deze map (anders de datamap); er mag geen database in staan")
	return command
}

// releaseDataDir lets go of this command's own data dir when the restore
// goes into it: the bootstrap opened it, and made the empty database that
// noDatabase says was not there before, which is removed.
func releaseDataDir(app core.App, into string, noDatabase bool) error {
	a, errA := filepath.Abs(into)
	b, errB := filepath.Abs(app.DataDir())
	if errA != nil || errB != nil || a != b {
		return nil
	}
	if err := app.ClearBootstrap(); err != nil {
		return fmt.Errorf("de datamap loslaten: %w", err)
	}
	if !noDatabase {
		return nil
	}
	for _, name := range []string{"data.db", "data.db-wal", "data.db-shm", "auxiliary.db", "auxiliary.db-wal", "auxiliary.db-shm"} {
		if err := os.Remove(filepath.Join(b, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

func newInfoCommand(config Config) *cobra.Command {
	return &cobra.Command{
		Use:          "info",
		Short:        "Toon het eerste en het laatste moment waarnaar de replica kan terugzetten",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(command *cobra.Command, args []string) error {
			bounds, err := ReadBounds(command.Context(), config.URL)
			if err != nil {
				return err
			}
			fmt.Fprintf(command.OutOrStdout(), "Replica %s: terugzetten kan van %s tot %s.\n",
				redact(config.URL), formatMoment(bounds.First), formatMoment(bounds.Last))
			return nil
		},
	}
}
