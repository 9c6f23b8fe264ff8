package drill

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
)

// NewCrashCommand returns "bench crash": the crash drill ([Crash]) against
// the buurtplein binary, built from the source bench runs in unless
// --binary names one.
func NewCrashCommand() *cobra.Command {
	var cfg CrashConfig
	var keep bool
	var binary string

	command := &cobra.Command{
		Use:   "crash",
		Short: "Crash drill: concurrent writers, SIGKILL at a random moment, then check every acknowledged write and the database",
		Long: `The crash drill builds the buurtplein binary (or takes --binary), starts it
as a server on a new data dir with the demo organisation (rate limits off), lets concurrent writers create posts,
comments, tasks and handover offers over HTTP, kills the server with SIGKILL
at a random moment and checks the data dir with the server down:
integrity_check, foreign_key_check, every relation, and every write a client
saw acknowledged, with its content. Then it restarts the server on the same
data dir and does it again.`,
		Example:      "bench crash --rounds 200",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(command *cobra.Command, args []string) error {
			bin, dir, err := workspace(command, binary)
			if err != nil {
				return err
			}
			cfg.Bin, cfg.DataDir, cfg.Log = bin, filepath.Join(dir, "pb_data"), command.OutOrStdout()
			report, err := Crash(command.Context(), cfg)
			cleanUp(command, dir, keep || err != nil)
			if err != nil {
				return err
			}
			unanswered, found := report.Unanswered()
			fmt.Fprintf(command.OutOrStdout(), "\n%d rounds, %d writers, %s: %d acknowledged writes, every one there with its content after every SIGKILL; %d unanswered at a kill, %d of them there anyway; %d records in the collections written at the end; integrity_check ok, foreign_key_check and relations clean after every round.\n",
				len(report.Rounds), cfg.Writers, report.Duration.Round(time.Second), report.Acked, unanswered, found, report.Records)
			return nil
		},
	}

	command.Flags().IntVar(&cfg.Rounds, "rounds", 20, "how many times to kill the server")
	command.Flags().IntVar(&cfg.Writers, "writers", 20, "concurrent writers")
	command.Flags().BoolVar(&keep, "keep", false, "keep the drill's data dir (it is kept anyway when the drill fails)")
	command.Flags().StringVar(&binary, "binary", "", binaryUsage)
	return command
}

// NewBackupCommand returns "bench backup": the backup drill ([Backup])
// against the buurtplein binary, built from the source bench runs in
// unless --binary names one.
func NewBackupCommand() *cobra.Command {
	var cfg BackupConfig
	var keep bool
	var binary string

	command := &cobra.Command{
		Use:   "backup",
		Short: "Backup drill: a backup under write load, restored and checked; the write stall measured",
		Long: `The backup drill builds the buurtplein binary (or takes --binary), starts it
as a server on a new data dir with the demo organisation and --fill extra posts, makes a backup (POST /api/backups)
while concurrent writers create records, and a second one with the writers
stopped. It restores both with "backup restore" into fresh data dirs: the
first must hold every write acknowledged before the backup began and nothing
nobody sent, the second must match the data dir in every table. It reports
the write latency during the backup against before it.`,
		Example:      "bench backup --fill 200000",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(command *cobra.Command, args []string) error {
			bin, dir, err := workspace(command, binary)
			if err != nil {
				return err
			}
			cfg.Bin, cfg.Dir, cfg.Log = bin, dir, command.OutOrStdout()
			report, err := Backup(command.Context(), cfg)
			cleanUp(command, dir, keep || err != nil)
			if err != nil {
				return err
			}
			out := command.OutOrStdout()
			fmt.Fprintf(out, "\ndata.db %.1f MB, backup zip %.1f MB\n", float64(report.DatabaseSize)/(1<<20), float64(report.ZipSize)/(1<<20))
			fmt.Fprintf(out, "backup under load %.2f s, quiet backup %.2f s, restore %.2f s\n", report.Backup.Seconds(), report.QuietBackup.Seconds(), report.Restore.Seconds())
			fmt.Fprintf(out, "writes before the backup: %s\nwrites during the backup: %s (the slowest sent %.2f s into the backup)\n", report.Before, report.During, report.SlowestAt.Seconds())
			fmt.Fprintf(out, "restore under load: all %d writes acknowledged before the backup there, %d of %d acknowledged during it; quiet restore equal to the data dir in all %d tables (but for %d rows written by the server after it); %s in all\n",
				report.AckedBefore, report.DuringFound, report.AckedDuring, report.Tables, report.Later, report.Duration.Round(time.Second))
			return nil
		},
	}

	command.Flags().IntVar(&cfg.Writers, "writers", 20, "concurrent writers")
	command.Flags().IntVar(&cfg.Fill, "fill", 100000, "posts of about 1 KB added with SQL before the load")
	command.Flags().DurationVar(&cfg.Load, "load", 2*time.Second, "how long the writers write before the backup, and after it")
	command.Flags().BoolVar(&keep, "keep", false, "keep the drill's directory (it is kept anyway when the drill fails)")
	command.Flags().StringVar(&binary, "binary", "", binaryUsage)
	return command
}

const binaryUsage = "the buurtplein binary to drill; default: build it from the source in the working directory"

// workspace returns a new temporary directory for a drill's data and the
// buurtplein binary it starts as the server: binary, or one built into the
// directory.
func workspace(command *cobra.Command, binary string) (bin, dir string, err error) {
	if dir, err = os.MkdirTemp("", "buurtplein-drill-*"); err != nil {
		return "", "", err
	}
	if binary == "" {
		fmt.Fprintln(command.OutOrStdout(), "building the buurtplein binary...")
	}
	if bin, err = Binary(binary, ".", dir, "buurtplein"); err != nil {
		os.RemoveAll(dir)
		return "", "", err
	}
	return bin, dir, nil
}

// cleanUp removes the drill's directory, or says where it is kept.
func cleanUp(command *cobra.Command, dir string, keep bool) {
	if keep {
		fmt.Fprintf(command.ErrOrStderr(), "the drill's files are in %s\n", dir)
		return
	}
	os.RemoveAll(dir)
}

// NewReplicaCommand returns "bench replica": the replication drill
// ([Replica]) against the buurtplein binary, built from the source bench
// runs in unless --binary names one.
func NewReplicaCommand() *cobra.Command {
	var cfg ReplicaConfig
	var keep bool
	var binary string

	command := &cobra.Command{
		Use:   "replica",
		Short: "Replication drill: writers running, the data dir lost, restored from the replica; recovery point and time measured",
		Long: `The replication drill builds the buurtplein binary (or takes --binary), starts
it as a server with the demo organisation and --replica on a directory, lets
concurrent writers create posts, comments, tasks and handover offers over HTTP,
then kills the server with SIGKILL and deletes its data dir. It restores the
latest state with "replica restore", checks that every write acknowledged more
than the replication interval before the loss is there with its content, and
starts the server on it; it also restores the moment halfway through the
writes and checks it. Each next round continues on the restored data dir. It
reports the recovery point (the writes lost, and how long before the loss the
oldest of them was acknowledged) and the recovery time (restore plus start).`,
		Example:      "bench replica --rounds 10 --load 30s",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(command *cobra.Command, args []string) error {
			bin, dir, err := workspace(command, binary)
			if err != nil {
				return err
			}
			cfg.Bin, cfg.Dir, cfg.Log = bin, dir, command.OutOrStdout()
			report, err := Replica(command.Context(), cfg)
			cleanUp(command, dir, keep || err != nil)
			if err != nil {
				return err
			}
			var lost int
			var window, restore, start time.Duration
			for _, r := range report.Rounds {
				lost += r.Lost
				window = max(window, r.Window)
				restore = max(restore, r.Restore)
				start = max(start, r.Start)
			}
			fmt.Fprintf(command.OutOrStdout(), "\n%d rounds, %d writers, %s of writes each: %d acknowledged writes, every one acknowledged more than %s before a loss restored with its content; %d lost, all within %d ms of the loss (recovery point); slowest restore %.2f s + start %.2f s (recovery time); %s in all.\n",
				len(report.Rounds), cfg.Writers, cfg.Load, report.Acked, cfg.Interval, lost, window.Milliseconds(), restore.Seconds(), start.Seconds(), report.Duration.Round(time.Second))
			return nil
		},
	}

	command.Flags().IntVar(&cfg.Rounds, "rounds", 10, "how many times to lose the data dir")
	command.Flags().IntVar(&cfg.Writers, "writers", 20, "concurrent writers")
	command.Flags().DurationVar(&cfg.Load, "load", 30*time.Second, "how long the writers write before each loss")
	command.Flags().DurationVar(&cfg.Interval, "interval", time.Second, "the replication interval the server runs with (the replica plugin's default): writes acknowledged longer ago must be restored")
	command.Flags().BoolVar(&keep, "keep", false, "keep the drill's directory (it is kept anyway when the drill fails)")
	command.Flags().StringVar(&binary, "binary", "", binaryUsage)
	return command
}
