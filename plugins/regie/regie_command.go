package regie

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"buurtplein/plugins/audit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// command returns "clients", with "export", "report" and "erase" under it.
func (p *plugin) command() *cobra.Command {
	command := &cobra.Command{
		Use:   "clients",
		Short: "De rechten van een cliënt: alles wat over de cliënt bewaard wordt, het toegangsrapport, wissen",
	}
	command.AddCommand(p.exportCommand(), p.reportCommand(), p.eraseCommand())
	return command
}

// exportCommand returns "clients export CODE [--out D] [--on-behalf-of TEXT]".
// The folder is --out: --dir is PocketBase's data dir, on every command.
func (p *plugin) exportCommand() *cobra.Command {
	var dir, onBehalfOf string
	command := &cobra.Command{
		Use:   "export CODE",
		Short: "Schrijf alles wat over een cliënt bewaard wordt naar CODE.json en CODE.pdf",
		Long: `Schrijf alles wat Buurtplein over de cliënt met code CODE bewaart (de cliënt,
aanmeldingen, gesprekken met de namen van hun bijlagen, plannen, het
verloop en de taken uit de plannen) naar CODE.json en, leesbaar, CODE.pdf
in de map --out (--dir is de datamap van Buurtplein). Het toegangslog
krijgt een regel voor elk bestand, namens --on-behalf-of (bijvoorbeeld
"verzoek cliënt 12-03, coördinator A. de Vries").`,
		Example:      `clients export HN-0001 --out /tmp/inzage --on-behalf-of "inzageverzoek van de cliënt"`,
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(command *cobra.Command, args []string) error {
			progress := progressOf(command.OutOrStdout())
			client, err := clientByCode(p.app, args[0])
			if err != nil {
				return err
			}
			progress("Gegevens ophalen…")
			x, err := Export(p.app, client.Id)
			if err != nil {
				return err
			}
			data, err := json.MarshalIndent(x, "", "  ")
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			progress("PDF maken…")
			pdf, err := x.PDF()
			if err != nil {
				return err
			}
			actor := audit.SystemActor("clients export", onBehalfOf)
			code := client.GetString("code")
			files := []string{filepath.Join(dir, code+".json"), filepath.Join(dir, code+".pdf")}
			err = writeLogged(p.app, files, [][]byte{data, pdf},
				commandEntry(actor, audit.ActionExport, client, x.recordNames(), formatJSON),
				commandEntry(actor, audit.ActionPrint, client, x.recordNames(), "export pdf"))
			if err != nil {
				return err
			}
			progress("")
			fmt.Fprintf(command.OutOrStdout(), "%s en %s geschreven.\n", files[0], files[1])
			return nil
		},
	}
	command.Flags().StringVar(&dir, "out", ".", "de map waarin de bestanden komen")
	command.Flags().StringVar(&onBehalfOf, "on-behalf-of", "", "namens wie, voor het toegangslog")
	return command
}

// reportCommand returns "clients report CODE [--from] [--to] [--out]".
func (p *plugin) reportCommand() *cobra.Command {
	var dir, fromDay, toDay, onBehalfOf string
	command := &cobra.Command{
		Use:   "report CODE",
		Short: "Schrijf het toegangsrapport (NEN 7513) van een cliënt naar CODE-toegangsrapport.pdf",
		Long: `Schrijf het toegangsrapport van de cliënt met code CODE: elke toegang tot
het dossier uit het toegangslog, van --from tot en met --to (JJJJ-MM-DD,
beide mogen weg), naar CODE-toegangsrapport.pdf in de map --out (--dir
is de datamap van Buurtplein). Ook voor een gewiste cliënt: het log
blijft bewaard.`,
		Example:      "clients report HN-0001 --from 2026-01-01 --to 2026-06-30",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(command *cobra.Command, args []string) error {
			progress := progressOf(command.OutOrStdout())
			from, to, err := reportPeriod(fromDay, toDay)
			if err != nil {
				return fmt.Errorf("de periode %q tot en met %q klopt niet: kies dagen als JJJJ-MM-DD, de eerste niet na de laatste", fromDay, toDay)
			}
			id, err := clientIdByCode(p.app, args[0])
			if err != nil {
				return err
			}
			progress("Toegangslog lezen…")
			report, err := AccessReport(p.app, id, from, to)
			if err != nil {
				return err
			}
			progress("PDF maken…")
			pdf, err := report.PDF()
			if err != nil {
				return err
			}
			actor := audit.SystemActor("clients report", onBehalfOf)
			file := filepath.Join(dir, report.Client.Code+"-toegangsrapport.pdf")
			entry := audit.Entry{Action: audit.ActionPrint, Actor: actor, Client: id, ClientCode: report.Client.Code,
				Record: ClientsCollection + "/" + id, Details: reportDetails}
			if client, err := p.app.FindRecordById(ClientsCollection, id); err == nil {
				entry.Team = client.GetString("team")
			}
			if err := writeLogged(p.app, []string{file}, [][]byte{pdf}, entry); err != nil {
				return err
			}
			progress("")
			fmt.Fprintf(command.OutOrStdout(), "%s geschreven (toegangen: %d).\n", file, len(report.Entries))
			return nil
		},
	}
	command.Flags().StringVar(&dir, "out", ".", "de map waarin het rapport komt")
	command.Flags().StringVar(&fromDay, "from", "", "de eerste dag (JJJJ-MM-DD)")
	command.Flags().StringVar(&toDay, "to", "", "de laatste dag (JJJJ-MM-DD)")
	command.Flags().StringVar(&onBehalfOf, "on-behalf-of", "", "namens wie, voor het toegangslog")
	return command
}

// eraseCommand returns "clients erase CODE --yes [--on-behalf-of]".
func (p *plugin) eraseCommand() *cobra.Command {
	var yes bool
	var onBehalfOf string
	command := &cobra.Command{
		Use:   "erase CODE --yes",
		Short: "Wis een cliënt en alles van de cliënt; het toegangslog blijft",
		Long: `Wis de cliënt met code CODE met alles wat erbij hoort: aanmeldingen,
gesprekken en hun bijlagen, plannen, het verloop, de taken uit de plannen
en de meldingen over de cliënt, in één keer. Het toegangslog van de cliënt
blijft bewaard en krijgt een regel "gewist", namens --on-behalf-of. Dit is
niet terug te draaien: zonder --yes gebeurt er niets.`,
		Example:      `clients erase HN-0001 --yes --on-behalf-of "verzoek cliënt 12-03"`,
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(command *cobra.Command, args []string) error {
			client, err := clientByCode(p.app, args[0])
			if err != nil {
				return err
			}
			if !yes {
				return fmt.Errorf("wissen kan niet ongedaan worden gemaakt: geef --yes om cliënt %s te wissen", client.GetString("code"))
			}
			progress := progressOf(command.OutOrStdout())
			progress("Wissen…")
			counts, err := erase(p.app, audit.SystemActor("clients erase", onBehalfOf), client.Id)
			if err != nil {
				return err
			}
			progress("")
			if counts.FilesLeft > 0 {
				return fmt.Errorf("cliënt %s is gewist, maar %d bestanden staan nog in de opslag (zie het log van de server): verwijder ze met de hand", client.GetString("code"), counts.FilesLeft)
			}
			fmt.Fprintf(command.OutOrStdout(), "Cliënt %s gewist (aanmeldingen: %d, gesprekken: %d, bestanden: %d, plannen: %d, stappen: %d, taken: %d, meldingen: %d).\n",
				client.GetString("code"), counts.Referrals, counts.Conversations, counts.Files, counts.Plans, counts.CaseSteps, counts.Tasks, counts.Notifications)
			return nil
		},
	}
	command.Flags().BoolVar(&yes, "yes", false, "wis echt")
	command.Flags().StringVar(&onBehalfOf, "on-behalf-of", "", "namens wie, voor het toegangslog")
	return command
}

// clientByCode returns the client with code.
func clientByCode(app core.App, code string) (*core.Record, error) {
	client, err := app.FindFirstRecordByData(ClientsCollection, "code", code)
	if err != nil {
		return nil, fmt.Errorf("er is geen cliënt met code %q", code)
	}
	return client, nil
}

// clientIdByCode returns the id of the client with code, or of the erased
// client the access log knows by that code.
func clientIdByCode(app core.App, code string) (string, error) {
	if client, err := app.FindFirstRecordByData(ClientsCollection, "code", code); err == nil {
		return client.Id, nil
	}
	var id string
	err := app.DB().Select("client").From(audit.Collection).
		Where(dbx.HashExp{"client_code": code}).AndWhere(dbx.NewExp("client != ''")).
		OrderBy("seq DESC").Limit(1).Row(&id)
	if err != nil {
		return "", fmt.Errorf("er is geen cliënt met code %q, ook niet in het toegangslog", code)
	}
	return id, nil
}

// commandEntry returns the entry of a command's access to client.
func commandEntry(actor audit.Actor, action string, client *core.Record, record, details string) audit.Entry {
	return audit.Entry{Action: action, Actor: actor, Team: client.GetString("team"),
		Client: client.Id, ClientCode: client.GetString("code"), Record: record, Details: details}
}

// writeLogged writes each of files with its data (readable by its owner
// alone: it is client data) and the entries, in one transaction: no file
// stays without its entry, no entry without its file.
func writeLogged(app core.App, files []string, data [][]byte, entries ...audit.Entry) error {
	err := app.RunInTransaction(func(txApp core.App) error {
		if err := audit.Append(txApp, entries...); err != nil {
			return err
		}
		for i, file := range files {
			if err := os.WriteFile(file, data[i], 0o600); err != nil {
				return fmt.Errorf("writing %s: %w", file, err)
			}
		}
		return nil
	})
	if err != nil {
		for _, file := range files {
			os.Remove(file)
		}
	}
	return err
}

// progressOf returns a function that shows a step on out when out is a
// terminal, on one line that each step overwrites ("" clears it), and
// does nothing otherwise: a log file or pipe gets the result alone.
func progressOf(out io.Writer) func(step string) {
	if !isTerminal(out) {
		return func(string) {}
	}
	return func(step string) {
		fmt.Fprintf(out, "\r\033[K%s", step)
	}
}

func isTerminal(out io.Writer) bool {
	f, ok := out.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
