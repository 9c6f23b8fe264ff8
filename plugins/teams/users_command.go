package teams

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// usersCommand returns the "users" command group.
func (p *plugin) usersCommand() *cobra.Command {
	command := &cobra.Command{
		Use:   "users",
		Short: "Beheer medewerkers (import uit CSV)",
	}
	command.AddCommand(p.usersImportCommand())
	return command
}

// usersImportCommand returns "users import FILE.csv", the command line
// around [ImportUsers].
func (p *plugin) usersImportCommand() *cobra.Command {
	var opts ImportOptions

	command := &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Importeer medewerkers en hun teams uit een CSV-bestand",
		Long: `Importeer medewerkers en hun teams uit een CSV-bestand met een kopregel en
de kolommen name, email, team (slug), role (member of coordinator; leeg =
member) en discipline, in willekeurige volgorde, gescheiden door , of ;.

Bestaande medewerkers (zelfde e-mailadres) en lidmaatschappen worden
bijgewerkt; er wordt nooit iets verwijderd. Nieuwe medewerkers krijgen een
willekeurig wachtwoord en stellen zelf een wachtwoord in via "Wachtwoord
vergeten". Bevat het bestand foute regels, dan wordt er niets geïmporteerd,
tenzij --skip-bad is gegeven.`,
		Example:      "users import medewerkers.csv --dry-run",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(command *cobra.Command, args []string) error {
			// commands run before the server, which is what applies the
			// app migrations: a new data dir has no users or teams yet
			if err := p.app.RunAllMigrations(); err != nil {
				return fmt.Errorf("running the migrations: %w", err)
			}

			file, err := os.Open(args[0])
			if err != nil {
				return fmt.Errorf("opening the CSV file: %w", err)
			}
			defer file.Close()

			report, err := ImportUsers(p.app, file, opts)
			if err != nil && !errors.Is(err, ErrBadRows) {
				return err
			}
			printImportReport(command.OutOrStdout(), report, opts)
			return err
		},
	}

	command.Flags().BoolVar(&opts.SkipBad, "skip-bad", false, "importeer de goede regels en sla de foute over")
	command.Flags().BoolVar(&opts.DryRun, "dry-run", false, "controleer het bestand en toon wat er zou gebeuren, zonder iets op te slaan")

	return command
}

// printImportReport writes report for a person: the bad rows, then what
// was (or, in a dry run or when nothing was imported, would be) done.
func printImportReport(w io.Writer, report ImportReport, opts ImportOptions) {
	for _, problem := range report.Problems {
		fmt.Fprintln(w, problem)
	}
	if len(report.Problems) > 0 {
		fmt.Fprintln(w)
	}

	switch {
	case len(report.Problems) > 0 && !opts.SkipBad:
		fmt.Fprintf(w, "Niets geïmporteerd: %d van de %d regels %s fout. Verbeter ze, of importeer alleen de goede regels met --skip-bad.\n",
			report.Skipped, report.Rows, plural(report.Skipped, "is", "zijn"))
		fmt.Fprintln(w, "Met de goede regels zou de import dit doen:")
	case opts.DryRun:
		fmt.Fprintln(w, "Proefimport (--dry-run): er is niets opgeslagen. De import zou dit doen:")
	case report.Imported:
		fmt.Fprintf(w, "Import voltooid: %d %s gelezen.\n", report.Rows, plural(report.Rows, "regel", "regels"))
	}

	fmt.Fprintf(w, "  medewerkers:      %d nieuw, %d bijgewerkt, %d ongewijzigd\n",
		report.UsersCreated, report.UsersUpdated, report.UsersUnchanged)
	fmt.Fprintf(w, "  lidmaatschappen:  %d nieuw, %d bijgewerkt, %d ongewijzigd\n",
		report.MembershipsCreated, report.MembershipsUpdated, report.MembershipsUnchanged)
	fmt.Fprintf(w, "  overgeslagen:     %d %s\n", report.Skipped, plural(report.Skipped, "regel", "regels"))

	if len(report.NewUsers) == 0 {
		return
	}
	n := len(report.NewUsers)
	if report.Imported {
		fmt.Fprintf(w, "\n%d %s een willekeurig wachtwoord dat niemand kent en %s zelf een wachtwoord instellen via \"Wachtwoord vergeten\" op het inlogscherm:\n",
			n, plural(n, "nieuwe medewerker heeft", "nieuwe medewerkers hebben"), plural(n, "moet", "moeten"))
	} else {
		fmt.Fprintln(w, "\nNieuwe medewerkers, die een willekeurig wachtwoord zouden krijgen en zelf een wachtwoord instellen via \"Wachtwoord vergeten\":")
	}
	for _, email := range report.NewUsers {
		fmt.Fprintf(w, "  %s\n", email)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
