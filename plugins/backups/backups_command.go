package backups

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/cron"
	"github.com/pocketbase/pocketbase/tools/inflector"
	"github.com/spf13/cobra"
)

// backupName is what PocketBase's backup API accepts as a name.
var backupName = regexp.MustCompile(`^[a-z0-9_-]+\.zip$`)

// backupCommand returns the "backup" command group.
func (p *plugin) backupCommand() *cobra.Command {
	command := &cobra.Command{
		Use:   "backup",
		Short: "Maak, toon en zet back-ups van de datamap terug",
	}
	command.AddCommand(p.createCommand(), p.listCommand(), p.restoreCommand(), p.scheduleCommand())
	return command
}

// createCommand returns "backup create [NAAM.zip]".
func (p *plugin) createCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "create [NAAM.zip]",
		Short: "Maak nu een back-up van de datamap, ook terwijl de server draait",
		Long: `Maak een back-up van de datamap: een zip met de database en de geüploade
bestanden, zoals de automatische back-ups en de knop in het dashboard. De
database wordt gekopieerd met VACUUM INTO, dus consistent, ook terwijl de
server draait. Zonder naam heet de back-up pb_backup_buurtplein_<tijd>.zip.
Hij komt bij de andere back-ups (pb_data/backups, of S3 als dat in de
instellingen staat).`,
		Example:      "backup create voor-de-update.zip",
		Args:         cobra.MaximumNArgs(1),
		SilenceUsage: true,
		RunE: func(command *cobra.Command, args []string) error {
			name := fmt.Sprintf("pb_backup_%s_%s.zip", inflector.Snakecase(p.app.Settings().Meta.AppName), time.Now().UTC().Format("20060102150405"))
			if len(args) == 1 {
				name = args[0]
				if !backupName.MatchString(name) {
					return fmt.Errorf("%q is geen geldige naam: gebruik kleine letters, cijfers, - en _, en eindig op .zip", name)
				}
			}
			if _, err := p.findBackup(name); err == nil {
				return fmt.Errorf("er is al een back-up %s: kies een andere naam", name)
			}

			started := time.Now()
			if err := p.app.CreateBackup(command.Context(), name); err != nil {
				return fmt.Errorf("creating the backup %s: %w", name, err)
			}
			backup, err := p.findBackup(name)
			if err != nil {
				return err
			}
			fmt.Fprintf(command.OutOrStdout(), "Back-up %s gemaakt (%s) in %.1f s.\n", name, humanSize(backup.Size), time.Since(started).Seconds())
			return nil
		},
	}
}

// listCommand returns "backup list".
func (p *plugin) listCommand() *cobra.Command {
	return &cobra.Command{
		Use:          "list",
		Short:        "Toon de back-ups, de nieuwste eerst",
		Long:         "Toon de back-ups, de nieuwste eerst. Automatische back-ups beginnen met @auto_pb_backup_.",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(command *cobra.Command, args []string) error {
			list, err := p.backups()
			if err != nil {
				return err
			}
			printBackups(command.OutOrStdout(), list)
			return nil
		},
	}
}

// restoreCommand returns "backup restore NAAM [--into MAP]".
func (p *plugin) restoreCommand() *cobra.Command {
	var into string

	command := &cobra.Command{
		Use:   "restore NAAM",
		Short: "Zet een back-up terug in de datamap, met de server gestopt",
		Long: `Zet een back-up terug: NAAM is een back-up uit "backup list" of het pad van
een zip-bestand. De back-up vervangt de inhoud van de datamap (--dir), of
met --into die van een andere, bijvoorbeeld nieuwe, map. Stop de server
eerst: zolang een proces de database van de map open heeft, weigert het
commando. De database van de back-up wordt eerst gecontroleerd (PRAGMA
integrity_check). De vorige inhoud blijft bewaard in .pb_temp_to_delete in
de map, tot de server of een ander commando weer op die map start; de
back-ups blijven staan.
Start daarna de server: die past de migraties van deze versie toe.`,
		Example: `backup restore @auto_pb_backup_buurtplein_20261123020000.zip
backup restore /mnt/extern/pb_backup_buurtplein_20261120.zip --into /srv/buurtplein/pb_data_test`,
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(command *cobra.Command, args []string) error {
			target := p.app.DataDir()
			if into != "" {
				target = into
			}
			zipPath, cleanup, err := p.locate(command.Context(), args[0], target)
			if err != nil {
				return err
			}
			defer cleanup()

			// this command's own app has the data dir open: let it go
			if sameDir(target, p.app.DataDir()) {
				if err := p.app.ClearBootstrap(); err != nil {
					return fmt.Errorf("closing the data dir: %w", err)
				}
			}

			old, err := Restore(zipPath, target)
			if errors.Is(err, ErrInUse) {
				return fmt.Errorf("de map %s is in gebruik (%v): stop de server en probeer het opnieuw", target, err)
			}
			if err != nil {
				return err
			}
			out := command.OutOrStdout()
			fmt.Fprintf(out, "Back-up %s teruggezet in %s.\n", filepath.Base(zipPath), target)
			if old != "" {
				fmt.Fprintf(out, "De vorige inhoud staat in %s, tot de server of een ander commando weer op deze map start.\n", old)
			}
			return nil
		},
	}

	command.Flags().StringVar(&into, "into", "", "zet de back-up terug in deze map in plaats van in de datamap")
	return command
}

// scheduleCommand returns "backup schedule [CRON|uit] [--keep N]".
func (p *plugin) scheduleCommand() *cobra.Command {
	var keep int

	command := &cobra.Command{
		Use:   "schedule [CRON|uit]",
		Short: "Toon of wijzig wanneer automatische back-ups worden gemaakt en hoeveel er blijven",
		Long: `Toon of wijzig het schema van de automatische back-ups, een cron-uitdrukking
in UTC ("minuut uur dag maand weekdag"): "0 2 * * *" is elke nacht om 02:00
UTC, 03:00 in de winter en 04:00 in de zomer. "uit" zet ze uit. --keep is
hoeveel automatische back-ups blijven staan (0: alle); na elke nieuwe worden
de oudste verwijderd. Het schema staat in de instellingen (Backups in het
dashboard); een server die op dezelfde datamap draait, neemt de wijziging
meteen over.`,
		Example:      `backup schedule "30 1 * * *" --keep 14`,
		Args:         cobra.MaximumNArgs(1),
		SilenceUsage: true,
		RunE: func(command *cobra.Command, args []string) error {
			// commands run before the server, which is what applies the app
			// migrations: the default schedule is one of them
			if err := p.app.RunAllMigrations(); err != nil {
				return fmt.Errorf("running the migrations: %w", err)
			}

			s := p.app.Settings()
			changed := false
			if len(args) == 1 {
				schedule := args[0]
				if schedule == "uit" || schedule == "off" {
					schedule = ""
				} else if _, err := cron.NewSchedule(schedule); err != nil {
					return fmt.Errorf(`%q is geen geldige cron-uitdrukking (minuut uur dag maand weekdag, bijvoorbeeld "0 2 * * *"): %w`, schedule, err)
				}
				s.Backups.Cron, changed = schedule, true
			}
			if command.Flags().Changed("keep") {
				if keep < 0 {
					return fmt.Errorf("--keep %d: geef 0 (alle bewaren) of meer", keep)
				}
				s.Backups.CronMaxKeep, changed = keep, true
			}
			if changed {
				if err := p.app.Save(s); err != nil {
					return fmt.Errorf("saving the settings: %w", err)
				}
			}
			p.printSchedule(command.OutOrStdout(), s)
			return nil
		},
	}

	command.Flags().IntVar(&keep, "keep", 0, "hoeveel automatische back-ups blijven staan (0: alle)")
	return command
}

// printSchedule says when automatic backups are made and how many stay.
func (p *plugin) printSchedule(w io.Writer, s *core.Settings) {
	switch {
	case s.Backups.Cron == "":
		fmt.Fprintln(w, "Automatische back-ups staan uit.")
	case s.Backups.CronMaxKeep == 0:
		fmt.Fprintf(w, "Automatische back-up volgens %q (UTC); alle blijven staan.\n", s.Backups.Cron)
	default:
		fmt.Fprintf(w, "Automatische back-up volgens %q (UTC); de laatste %d blijven staan.\n", s.Backups.Cron, s.Backups.CronMaxKeep)
	}
	if p.config.Schedule != "" || p.config.Keep > 0 {
		fmt.Fprintln(w, "Let op: deze installatie zet het schema of het aantal bij elke start van de server zelf (backups.Config).")
	}
}

// backupFile is a backup as "backup list" shows it.
type backupFile struct {
	Name     string
	Size     int64
	Modified time.Time
}

// backups returns the backups, newest first.
func (p *plugin) backups() ([]backupFile, error) {
	fsys, err := p.app.NewBackupsFilesystem()
	if err != nil {
		return nil, fmt.Errorf("opening the backups: %w", err)
	}
	defer fsys.Close()

	objects, err := fsys.List("")
	if err != nil {
		return nil, fmt.Errorf("listing the backups: %w", err)
	}
	list := make([]backupFile, 0, len(objects))
	for _, o := range objects {
		list = append(list, backupFile{Name: o.Key, Size: o.Size, Modified: o.ModTime})
	}
	slices.SortFunc(list, func(a, b backupFile) int { return b.Modified.Compare(a.Modified) })
	return list, nil
}

// findBackup returns the backup called name.
func (p *plugin) findBackup(name string) (backupFile, error) {
	list, err := p.backups()
	if err != nil {
		return backupFile{}, err
	}
	for _, b := range list {
		if b.Name == name {
			return b, nil
		}
	}
	return backupFile{}, fmt.Errorf("er is geen back-up %s (zie backup list)", name)
}

func printBackups(w io.Writer, list []backupFile) {
	if len(list) == 0 {
		fmt.Fprintln(w, "Er zijn nog geen back-ups.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAAM\tGROOTTE\tGEMAAKT")
	for _, b := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", b.Name, humanSize(b.Size), b.Modified.Local().Format("2006-01-02 15:04:05"))
	}
	tw.Flush()
}

// locate returns the path of the zip to restore: a backup of the data dir
// (fetched into target's temp dir when the backups are on S3) or, for a
// name that is no backup, a file. cleanup removes what locate fetched.
func (p *plugin) locate(ctx context.Context, name, target string) (string, func(), error) {
	nothing := func() {}
	if !strings.ContainsRune(name, filepath.Separator) {
		if _, err := p.findBackup(name); err == nil {
			if !p.app.Settings().Backups.S3.Enabled {
				return filepath.Join(p.app.DataDir(), core.LocalBackupsDirName, name), nothing, nil
			}
			path, err := p.download(ctx, name, target)
			if err != nil {
				return "", nothing, err
			}
			return path, func() { os.Remove(path) }, nil
		}
	}
	if info, err := os.Stat(name); err != nil || info.IsDir() {
		return "", nothing, fmt.Errorf("er is geen back-up en geen zip-bestand %s (zie backup list)", name)
	}
	return name, nothing, nil
}

// download copies the backup name from S3 into target's temp dir, which a
// restore leaves in place.
func (p *plugin) download(ctx context.Context, name, target string) (string, error) {
	fsys, err := p.app.NewBackupsFilesystem()
	if err != nil {
		return "", fmt.Errorf("opening the backups: %w", err)
	}
	defer fsys.Close()
	fsys.SetContext(ctx)

	reader, err := fsys.GetReader(name)
	if err != nil {
		return "", fmt.Errorf("fetching %s: %w", name, err)
	}
	defer reader.Close()

	dir := filepath.Join(target, core.LocalTempDirName)
	if err := os.MkdirAll(dir, os.ModePerm); err != nil {
		return "", err
	}
	file, err := os.CreateTemp(dir, "pb_restore_zip_*")
	if err != nil {
		return "", err
	}
	defer file.Close()
	if _, err := io.Copy(file, reader); err != nil {
		os.Remove(file.Name())
		return "", fmt.Errorf("fetching %s: %w", name, err)
	}
	return file.Name(), file.Close()
}

// sameDir tells whether a and b name the same directory.
func sameDir(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d B", n)
	}
}
