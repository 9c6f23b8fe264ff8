package audit

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
)

// ErrBroken is returned by "audit verify" when the chain is broken, so
// that the command exits non-zero.
var ErrBroken = errors.New("the access log's chain is broken")

// command returns "audit", with "verify" and "purge" under it.
func (p *plugin) command() *cobra.Command {
	command := &cobra.Command{
		Use:   "audit",
		Short: "Controleer en bewaar het toegangslogboek van cliëntgegevens",
	}
	command.AddCommand(p.verifyCommand(), p.purgeCommand())
	return command
}

// migrate applies the migrations: commands run before the server, which
// is what applies them, and a new data dir has no access log yet.
func (p *plugin) migrate(*cobra.Command, []string) error {
	if err := p.app.RunAllMigrations(); err != nil {
		return fmt.Errorf("running the migrations: %w", err)
	}
	return nil
}

// verifyCommand returns "audit verify", the command line around [Verify].
func (p *plugin) verifyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Controleer of het toegangslogboek ongeschonden is",
		Long: `Controleer het toegangslogboek regel voor regel, op volgorde van seq: elke
regel volgt op de vorige (seq één hoger), noemt de hash van de vorige en
heeft de hash van zijn eigen inhoud. Een regel die in de database is
gewijzigd, verwijderd, verplaatst of tussengevoegd breekt die keten. Het
commando noemt de eerste regel waar de keten breekt en eindigt dan met een
foutcode; een heel logboek geeft "OK: N entries".

Begint het logboek na seq 1, dan zijn oudere regels na de bewaartermijn
verwijderd ("audit purge"): de eerste regel die er nog is, is dan het anker
van de keten. Wat ervoor stond, kan niet meer worden gecontroleerd.`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		PreRunE:      p.migrate,
		RunE: func(command *cobra.Command, args []string) error {
			out := command.OutOrStdout()
			started := time.Now()
			result, err := Verify(p.app, progressTo(out))
			if err != nil {
				return err
			}
			printVerify(out, result, time.Since(started))
			if !result.OK() {
				return ErrBroken
			}
			return nil
		},
	}
}

// printVerify writes result for a person.
func printVerify(w io.Writer, result *VerifyResult, took time.Duration) {
	if result.Anchored {
		fmt.Fprintf(w, "Het logboek begint bij seq %d: oudere regels zijn na de bewaartermijn verwijderd; de eerste regel is het anker van de keten.\n", result.FirstSeq)
	}
	if b := result.Break; b != nil {
		fmt.Fprintf(w, "GEBROKEN bij seq %d (id %s): %s: %s\n", b.Seq, b.Id, b.Problem, b.Detail)
		fmt.Fprintf(w, "%d regels ervoor zijn in orde.\n", result.Entries)
		return
	}
	fmt.Fprintf(w, "OK: %d entries (seq %d tot en met %d), gecontroleerd in %.1f s.\n", result.Entries, result.FirstSeq, result.LastSeq, took.Seconds())
}

// progressTo returns a progress function that keeps one line on w up to
// date, or nil when w is not a terminal (a log file gets no progress).
func progressTo(w io.Writer) func(done, total int) {
	file, ok := w.(*os.File)
	if !ok {
		return nil
	}
	info, err := file.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	last := time.Time{}
	return func(done, total int) {
		if time.Since(last) < 200*time.Millisecond && done < total {
			return
		}
		last = time.Now()
		percent := 100
		if total > 0 && done < total {
			percent = done * 100 / total
		}
		fmt.Fprintf(w, "\r%d van %d regels gecontroleerd (%d%%)\033[K", done, total, percent)
		if done >= total {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}

// purgeCommand returns "audit purge [--dry-run]", the command line around
// [Purge].
func (p *plugin) purgeCommand() *cobra.Command {
	var dryRun bool

	command := &cobra.Command{
		Use:   "purge",
		Short: "Verwijder regels die ouder zijn dan de bewaartermijn",
		Long: fmt.Sprintf(`Verwijder de regels van het toegangslogboek die ouder zijn dan de
bewaartermijn (%d jaar; nooit korter dan %d), vanaf het begin van het logboek.
Jongere regels blijven altijd staan. De server doet dit ook elke nacht
(%q). Daarna begint het logboek bij een latere seq; "audit verify"
aanvaardt dat.`, p.config.RetentionYears, MinRetentionYears, PurgeSchedule),
		Example:      "audit purge --dry-run",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		PreRunE:      p.migrate,
		RunE: func(command *cobra.Command, args []string) error {
			out := command.OutOrStdout()
			cutoff := PurgeCutoff(time.Now(), p.config.RetentionYears).Format("2006-01-02 15:04")
			n, err := Purge(p.app, p.config.RetentionYears, dryRun)
			if err != nil {
				return err
			}
			if dryRun {
				fmt.Fprintf(out, "Proefdraai: %d regels van vóór %s UTC zouden worden verwijderd.\n", n, cutoff)
				return nil
			}
			fmt.Fprintf(out, "%d regels van vóór %s UTC verwijderd.\n", n, cutoff)
			return nil
		},
	}

	command.Flags().BoolVar(&dryRun, "dry-run", false, "tel de regels die zouden worden verwijderd, zonder iets te verwijderen")
	return command
}
