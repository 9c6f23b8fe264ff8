package loadtest

import (
	"fmt"
	"path/filepath"
	"slices"

	"buurtplein/internal/drill"
)

// withBinaries builds, into the work dir's bin folder, the binaries of the
// servers c runs that c names none for.
func (c Config) withBinaries(work string) (Config, error) {
	dir := filepath.Join(work, "bin")
	var err error
	if slices.Contains(c.Servers, Ours) && c.Binary == "" {
		fmt.Fprintln(c.Out, "building the buurtplein binary...")
		if c.Binary, err = drill.Binary("", ".", dir, "buurtplein"); err != nil {
			return c, fmt.Errorf("building the buurtplein binary: %w", err)
		}
	}
	if slices.Contains(c.Servers, Bare) && c.BareBinary == "" {
		fmt.Fprintln(c.Out, "building the bare baseline (cmd/bench/bare)...")
		if c.BareBinary, err = drill.Binary("", "./cmd/bench/bare", dir, "bare"); err != nil {
			return c, fmt.Errorf("building the bare baseline: %w", err)
		}
	}
	return c, nil
}

// binary is the binary that serves the named server.
func (c Config) binary(server string) string {
	if server == Bare {
		return c.BareBinary
	}
	return c.Binary
}
