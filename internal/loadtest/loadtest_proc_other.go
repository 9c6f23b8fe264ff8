//go:build !linux

package loadtest

import "time"

// raiseOpenFiles leaves the limit alone here and reports none.
func raiseOpenFiles() (uint64, error) { return 0, nil }

// peakRSS is unknown here (0): it is read from Linux's /proc.
func peakRSS(pid int) uint64 { return 0 }

// cpuTime is unknown here (0): it is read from Linux's /proc.
func cpuTime(pid int) time.Duration { return 0 }
